#include "protocol.h"

#include <QCborArray>
#include <QCborStreamReader>
#include <QCborValue>
#include <QJsonDocument>
#include <QJsonObject>

namespace hearth::sync {

namespace {

Error bad(const QString &what)
{
    return makeError(ErrorCode::Usage, QStringLiteral("Malformed request or response: %1").arg(what));
}

Result<QCborMap> parseMap(const QByteArray &body)
{
    if (body.size() > MaxBodyBytes)
        return bad(QStringLiteral("body larger than %1 bytes").arg(MaxBodyBytes));
    QCborParserError perr;
    const QCborValue v = QCborValue::fromCbor(body, &perr);
    if (perr.error != QCborError::NoError)
        return bad(QStringLiteral("not CBOR (%1 at byte %2)").arg(perr.errorString()).arg(perr.offset));
    if (!v.isMap())
        return bad(QStringLiteral("the body must be a CBOR map"));
    return v.toMap();
}

Result<QStringList> stringList(const QCborValue &v, const QString &name)
{
    if (v.isUndefined())
        return QStringList();
    if (!v.isArray())
        return bad(QStringLiteral("%1 must be a list").arg(name));
    QStringList out;
    for (const QCborValue &x : v.toArray()) {
        if (!x.isString())
            return bad(QStringLiteral("%1 must hold strings").arg(name));
        out << x.toString();
    }
    return out;
}

QCborArray strings(const QStringList &l)
{
    QCborArray a;
    for (const QString &s : l)
        a.append(s);
    return a;
}

Result<QList<Write>> writeList(const QCborValue &v, int max)
{
    if (!v.isArray())
        return bad(QStringLiteral("writes must be a list"));
    const QCborArray a = v.toArray();
    if (a.size() > max)
        return bad(QStringLiteral("at most %1 writes per message").arg(max));
    QList<Write> out;
    out.reserve(a.size());
    for (const QCborValue &x : a) {
        auto w = decodeWrite(x);
        if (!w)
            return w.error();
        out.append(std::move(w).value());
    }
    return out;
}

QCborArray writeArray(const QList<Write> &ws)
{
    QCborArray a;
    for (const Write &w : ws)
        a.append(encodeWrite(w));
    return a;
}

} // namespace

// Short keys: a pull of 100,000 writes repeats them 100,000 times.
QCborMap encodeWrite(const Write &w)
{
    return QCborMap{{QStringLiteral("d"), w.device},
                    {QStringLiteral("s"), w.seq},
                    {QStringLiteral("h"), w.hlc},
                    {QStringLiteral("r"), w.recordId},
                    {QStringLiteral("t"), w.type},
                    {QStringLiteral("p"), w.personId},
                    {QStringLiteral("v"), QCborMap::fromJsonObject(w.values)},
                    {QStringLiteral("a"), QCborMap::fromJsonObject(w.parents)}};
}

Result<Write> decodeWrite(const QCborValue &v)
{
    if (!v.isMap())
        return bad(QStringLiteral("a write must be a map"));
    const QCborMap m = v.toMap();
    const QCborValue d = m.value(QStringLiteral("d")), s = m.value(QStringLiteral("s")),
                     h = m.value(QStringLiteral("h")), r = m.value(QStringLiteral("r")),
                     t = m.value(QStringLiteral("t")), p = m.value(QStringLiteral("p")),
                     vals = m.value(QStringLiteral("v")), par = m.value(QStringLiteral("a"));
    if (!d.isString() || !s.isInteger() || !h.isString() || !r.isString() || !t.isString() || !p.isString()
        || !vals.isMap() || !(par.isMap() || par.isUndefined()))
        return bad(QStringLiteral("a write lacks a field or has one of the wrong type"));
    Write w;
    w.device = d.toString();
    w.seq = s.toInteger();
    w.hlc = h.toString();
    w.recordId = r.toString();
    w.type = t.toString();
    w.personId = p.toString();
    w.values = vals.toMap().toJsonObject();
    w.parents = par.toMap().toJsonObject();
    if (auto st = w.check(); !st)
        return bad(st.error().message);
    return w;
}

QByteArray PushRequest::encode() const
{
    return QCborMap{{QStringLiteral("writes"), writeArray(writes)}}.toCborValue().toCbor();
}

Result<PushRequest> PushRequest::decode(const QByteArray &body)
{
    auto m = parseMap(body);
    if (!m)
        return m.error();
    auto ws = writeList(m.value().value(QStringLiteral("writes")), MaxWritesPerPush);
    if (!ws)
        return ws.error();
    return PushRequest{std::move(ws).value()};
}

QByteArray PushResponse::encode() const
{
    QCborArray a, r;
    for (const Store::WriteId &id : acked)
        a.append(QCborArray{id.device, id.seq});
    for (const Store::Rejection &x : rejected)
        r.append(QCborMap{{QStringLiteral("d"), x.id.device},
                          {QStringLiteral("s"), x.id.seq},
                          {QStringLiteral("code"), x.code},
                          {QStringLiteral("reason"), x.reason}});
    return QCborMap{{QStringLiteral("acked"), a}, {QStringLiteral("rejected"), r}}.toCborValue().toCbor();
}

Result<PushResponse> PushResponse::decode(const QByteArray &body)
{
    auto m = parseMap(body);
    if (!m)
        return m.error();
    PushResponse out;
    const QCborValue acked = m.value().value(QStringLiteral("acked"));
    const QCborValue rejected = m.value().value(QStringLiteral("rejected"));
    if (!acked.isArray() || !(rejected.isArray() || rejected.isUndefined()))
        return bad(QStringLiteral("acked and rejected must be lists"));
    for (const QCborValue &x : acked.toArray()) {
        const QCborArray a = x.toArray();
        if (a.size() != 2 || !a.at(0).isString() || !a.at(1).isInteger())
            return bad(QStringLiteral("an acknowledgement must be [device, seq]"));
        out.acked.append(Store::WriteId{a.at(0).toString(), a.at(1).toInteger()});
    }
    for (const QCborValue &x : rejected.toArray()) {
        const QCborMap r = x.toMap();
        if (!r.value(QStringLiteral("d")).isString() || !r.value(QStringLiteral("s")).isInteger())
            return bad(QStringLiteral("a rejection must name its write"));
        out.rejected.append(Store::Rejection{
            Store::WriteId{r.value(QStringLiteral("d")).toString(), r.value(QStringLiteral("s")).toInteger()},
            r.value(QStringLiteral("code")).toString(), r.value(QStringLiteral("reason")).toString()});
    }
    return out;
}

QByteArray PullRequest::encode() const
{
    return QCborMap{{QStringLiteral("cursor"), cursor},
                    {QStringLiteral("limit"), limit},
                    {QStringLiteral("confirm_delivered"), strings(confirmDelivered)},
                    {QStringLiteral("confirm_purged"), strings(confirmPurged)}}
        .toCborValue()
        .toCbor();
}

Result<PullRequest> PullRequest::decode(const QByteArray &body)
{
    auto m = parseMap(body);
    if (!m)
        return m.error();
    const QCborMap &map = m.value();
    PullRequest out;
    const QCborValue cursor = map.value(QStringLiteral("cursor")), limit = map.value(QStringLiteral("limit"));
    if (!cursor.isInteger() || cursor.toInteger() < 0)
        return bad(QStringLiteral("cursor must be a whole number >= 0"));
    if (!limit.isInteger() || limit.toInteger() < 1 || limit.toInteger() > MaxPullLimit)
        return bad(QStringLiteral("limit must be from 1 to %1").arg(MaxPullLimit));
    out.cursor = cursor.toInteger();
    out.limit = int(limit.toInteger());
    auto delivered = stringList(map.value(QStringLiteral("confirm_delivered")), QStringLiteral("confirm_delivered"));
    auto purged = stringList(map.value(QStringLiteral("confirm_purged")), QStringLiteral("confirm_purged"));
    if (!delivered)
        return delivered.error();
    if (!purged)
        return purged.error();
    out.confirmDelivered = delivered.value();
    out.confirmPurged = purged.value();
    return out;
}

QByteArray PullResponse::encode() const
{
    return QCborMap{{QStringLiteral("writes"), writeArray(writes)},
                    {QStringLiteral("cursor"), cursor},
                    {QStringLiteral("more"), more},
                    {QStringLiteral("delivered"), strings(delivered)},
                    {QStringLiteral("purge"), strings(purge)},
                    {QStringLiteral("remaining"), remaining}}
        .toCborValue()
        .toCbor();
}

Result<PullResponse> PullResponse::decode(const QByteArray &body)
{
    auto m = parseMap(body);
    if (!m)
        return m.error();
    const QCborMap &map = m.value();
    PullResponse out;
    auto ws = writeList(map.value(QStringLiteral("writes")), MaxPullLimit * 4);
    if (!ws)
        return ws.error();
    out.writes = std::move(ws).value();
    const QCborValue cursor = map.value(QStringLiteral("cursor"));
    if (!cursor.isInteger() || cursor.toInteger() < 0)
        return bad(QStringLiteral("cursor must be a whole number >= 0"));
    out.cursor = cursor.toInteger();
    out.more = map.value(QStringLiteral("more")).toBool();
    out.remaining = map.value(QStringLiteral("remaining")).toInteger();
    auto delivered = stringList(map.value(QStringLiteral("delivered")), QStringLiteral("delivered"));
    auto purge = stringList(map.value(QStringLiteral("purge")), QStringLiteral("purge"));
    if (!delivered)
        return delivered.error();
    if (!purge)
        return purge.error();
    out.delivered = delivered.value();
    out.purge = purge.value();
    return out;
}

QByteArray errorBody(const QString &code, const QString &message)
{
    return QJsonDocument(QJsonObject{{QStringLiteral("error"), code}, {QStringLiteral("message"), message}})
        .toJson(QJsonDocument::Compact);
}

QString errorMessage(const QByteArray &body, int httpStatus)
{
    const QString m = QJsonDocument::fromJson(body).object().value(QStringLiteral("message")).toString();
    return m.isEmpty() ? QStringLiteral("The server answered HTTP %1").arg(httpStatus) : m;
}

QString errorCode(const QByteArray &body)
{
    return QJsonDocument::fromJson(body).object().value(QStringLiteral("error")).toString();
}

} // namespace hearth::sync
