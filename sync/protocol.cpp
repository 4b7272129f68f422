#include "protocol.h"

#include "cborwriter.h"

#include <QCborArray>
#include <QCborStreamReader>
#include <QCborValue>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <limits>
#include <numeric>

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


// ---- streaming: messages with thousands of writes are read and written without a QCborValue tree ----

void cborStrings(QByteArray &out, const QString &key, const QStringList &l)
{
    cbor::text(out, key);
    cbor::head(out, 4, quint64(l.size()));
    for (const QString &s : l)
        cbor::text(out, s);
}

// Reads one text string (any chunking) and moves past it.
bool readText(QCborStreamReader &r, QString *out)
{
    if (!r.isString())
        return false;
    out->clear();
    auto chunk = r.readString();
    while (chunk.status == QCborStreamReader::Ok) {
        *out += chunk.data;
        chunk = r.readString();
    }
    return chunk.status == QCborStreamReader::EndOfString;
}

bool readInteger(QCborStreamReader &r, qint64 *out)
{
    if (!r.isInteger())
        return false;
    *out = r.toInteger();
    return r.next();
}

Result<QStringList> readStrings(QCborStreamReader &r, const QString &name)
{
    if (!r.isArray() || !r.enterContainer())
        return bad(QStringLiteral("%1 must be a list").arg(name));
    QStringList out;
    QString s;
    while (r.hasNext()) {
        if (!readText(r, &s))
            return bad(QStringLiteral("%1 must hold strings").arg(name));
        out << s;
    }
    if (!r.leaveContainer())
        return bad(QStringLiteral("%1 is truncated").arg(name));
    return out;
}

// One value as QCborValue::toJsonValue() gives it. Text, whole numbers, finite doubles, booleans,
// null and lists are read straight from the stream; anything rarer goes through a QCborValue.
bool readJsonValue(QCborStreamReader &r, QJsonValue *out)
{
    if (r.isString()) {
        QString s;
        if (!readText(r, &s))
            return false;
        *out = s;
        return true;
    }
    if ((r.isUnsignedInteger() && r.toUnsignedInteger() <= quint64(std::numeric_limits<qint64>::max()))
        || (r.isNegativeInteger() && quint64(r.toNegativeInteger()) <= quint64(std::numeric_limits<qint64>::max()))) {
        *out = QJsonValue(r.toInteger());
        return r.next();
    }
    if (r.isDouble() && qIsFinite(r.toDouble())) {
        *out = r.toDouble();
        return r.next();
    }
    if (r.isBool() || r.isNull()) {
        *out = r.isNull() ? QJsonValue(QJsonValue::Null) : QJsonValue(r.toBool());
        return r.next();
    }
    if (r.isArray()) {
        if (!r.enterContainer())
            return false;
        QJsonArray a;
        QJsonValue v;
        while (r.hasNext()) {
            if (!readJsonValue(r, &v))
                return false;
            a.append(v);
        }
        *out = a;
        return r.leaveContainer();
    }
    *out = QCborValue::fromCbor(r).toJsonValue();
    return r.lastError() == QCborError::NoError;
}

// A map with text keys (the `v` and `a` of a write) as QCborMap::toJsonObject() gives it.
bool readJsonObject(QCborStreamReader &r, QJsonObject *out)
{
    if (!r.isMap() || !r.enterContainer())
        return false;
    QString key;
    QJsonValue v;
    while (r.hasNext()) {
        if (!readText(r, &key) || !readJsonValue(r, &v))
            return false;
        out->insert(key, v);
    }
    return r.leaveContainer();
}

// One W (PROTOCOL.md), checked as decodeWrite() checks it. `body` is what `r` reads: the values
// and parents are also kept as they came (Write::encoded), to be stored without encoding again.
Result<Write> readWrite(QCborStreamReader &r, const QByteArray &body)
{
    if (!r.isMap() || !r.enterContainer())
        return bad(QStringLiteral("a write must be a map"));
    Write w;
    bool d = false, s = false, h = false, rec = false, t = false, p = false, v = false, a = false;
    QByteArrayView valuesBytes, parentsBytes("\xa0", 1); // absent parents: an empty map
    QString key;
    while (r.hasNext()) {
        if (!readText(r, &key))
            return bad(QStringLiteral("a write lacks a field or has one of the wrong type"));
        bool ok = true;
        if (key == QLatin1String("d"))
            ok = d = readText(r, &w.device);
        else if (key == QLatin1String("s"))
            ok = s = readInteger(r, &w.seq);
        else if (key == QLatin1String("h"))
            ok = h = readText(r, &w.hlc);
        else if (key == QLatin1String("r"))
            ok = rec = readText(r, &w.recordId);
        else if (key == QLatin1String("t"))
            ok = t = readText(r, &w.type);
        else if (key == QLatin1String("p"))
            ok = p = readText(r, &w.personId);
        else if (key == QLatin1String("v") || key == QLatin1String("a")) {
            const bool values = key == QLatin1String("v");
            const qint64 start = r.currentOffset();
            QJsonObject &o = values ? w.values : w.parents;
            o = QJsonObject();
            ok = readJsonObject(r, &o) && r.lastError() == QCborError::NoError;
            (values ? valuesBytes : parentsBytes) = QByteArrayView(body).sliced(start, r.currentOffset() - start);
            (values ? v : a) = ok;
        } else {
            ok = r.next(); // unknown keys are ignored (PROTOCOL.md, Versioning)
        }
        if (!ok)
            return bad(QStringLiteral("a write lacks a field or has one of the wrong type"));
    }
    if (!r.leaveContainer())
        return bad(QStringLiteral("a write is truncated"));
    (void)a; // parents are optional
    if (!d || !s || !h || !rec || !t || !p || !v)
        return bad(QStringLiteral("a write lacks a field or has one of the wrong type"));
    if (auto st = w.check(); !st)
        return bad(st.error().message);
    // Write::encodePayload()'s form: [values, parents].
    w.encoded.reserve(1 + valuesBytes.size() + parentsBytes.size());
    w.encoded.append(char(0x82)).append(valuesBytes).append(parentsBytes);
    return w;
}

Result<QList<Write>> readWrites(QCborStreamReader &r, const QByteArray &body, int max)
{
    if (!r.isArray())
        return bad(QStringLiteral("writes must be a list"));
    QList<Write> out;
    if (r.isLengthKnown() && r.length() > quint64(max))
        return bad(QStringLiteral("at most %1 writes per message").arg(max));
    if (r.isLengthKnown())
        out.reserve(qsizetype(r.length()));
    if (!r.enterContainer())
        return bad(QStringLiteral("writes must be a list"));
    while (r.hasNext()) {
        if (out.size() >= max)
            return bad(QStringLiteral("at most %1 writes per message").arg(max));
        auto w = readWrite(r, body);
        if (!w)
            return w.error();
        out.append(std::move(w).value());
    }
    if (!r.leaveContainer())
        return bad(QStringLiteral("the list of writes is truncated"));
    return out;
}

// Walks the top-level map of a message, handing each key to `field` (which must consume its value).
template<typename Fn>
Status readMessage(const QByteArray &body, Fn field)
{
    if (body.size() > MaxBodyBytes)
        return bad(QStringLiteral("body larger than %1 bytes").arg(MaxBodyBytes));
    QCborStreamReader r(body);
    if (!r.isMap() || !r.enterContainer())
        return r.lastError() != QCborError::NoError
            ? bad(QStringLiteral("not CBOR (%1 at byte %2)").arg(r.lastError().toString()).arg(r.currentOffset()))
            : bad(QStringLiteral("the body must be a CBOR map"));
    QString key;
    while (r.hasNext()) {
        if (!readText(r, &key))
            return bad(QStringLiteral("the body's keys must be text"));
        if (auto st = field(key, r); !st)
            return st;
    }
    if (!r.leaveContainer() || r.lastError() != QCborError::NoError)
        return bad(QStringLiteral("not CBOR (%1 at byte %2)").arg(r.lastError().toString()).arg(r.currentOffset()));
    if (r.currentOffset() != body.size())
        return bad(QStringLiteral("not CBOR (data after the message at byte %1)").arg(r.currentOffset()));
    return {};
}

} // namespace

Result<QByteArray> encodeStoredWrite(const Write &ids, const QByteArray &payload)
{
    // The payload is [values, parents]: its two elements are spliced in as they are stored.
    QCborStreamReader r(payload);
    qint64 v = 0, a = 0, end = 0;
    bool ok = r.isArray() && r.isLengthKnown() && r.length() == 2 && r.enterContainer();
    if (ok) {
        v = r.currentOffset();
        ok = r.isMap() && r.next();
    }
    if (ok) {
        a = r.currentOffset();
        ok = r.isMap() && r.next();
    }
    if (ok) {
        end = r.currentOffset();
        ok = r.lastError() == QCborError::NoError;
    }
    if (!ok) { // an older or foreign form: decode it and encode afresh
        Write w = ids;
        if (auto st = w.decodePayload(payload); !st)
            return st.error();
        return encodeWrite(w).toCborValue().toCbor();
    }
    QByteArray out;
    out.reserve(payload.size() + 160);
    // The keys in encodeWrite()'s order, so the bytes are the same.
    cbor::head(out, 5, 8);
    cbor::text(out, QStringLiteral("d"));
    cbor::text(out, ids.device);
    cbor::text(out, QStringLiteral("s"));
    cbor::integer(out, ids.seq);
    for (const auto &[key, value] :
         {std::pair(QStringLiteral("h"), &ids.hlc), std::pair(QStringLiteral("r"), &ids.recordId),
          std::pair(QStringLiteral("t"), &ids.type), std::pair(QStringLiteral("p"), &ids.personId)}) {
        cbor::text(out, key);
        cbor::text(out, *value);
    }
    cbor::text(out, QStringLiteral("v"));
    out.append(payload.constData() + v, a - v);
    cbor::text(out, QStringLiteral("a"));
    out.append(payload.constData() + a, end - a);
    return out;
}

namespace {

// The CBOR of encodeWrite(w), spliced from Write::encoded when the write carries it.
QByteArray writeBytes(const Write &w)
{
    if (!w.encoded.isEmpty())
        if (auto spliced = encodeStoredWrite(w, w.encoded))
            return std::move(spliced).value();
    return encodeWrite(w).toCborValue().toCbor();
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
    // By hand, as PullResponse::encode(): the same bytes as a QCborMap of the writes.
    QByteArray out;
    cbor::head(out, 5, 1);
    cbor::text(out, QStringLiteral("writes"));
    cbor::head(out, 4, quint64(writes.size()));
    for (const Write &w : writes)
        out += writeBytes(w);
    return out;
}

Result<PushRequest> PushRequest::decode(const QByteArray &body)
{
    PushRequest out;
    bool haveWrites = false;
    auto st = readMessage(body, [&](const QString &key, QCborStreamReader &r) -> Status {
        if (key != QLatin1String("writes"))
            return r.next() ? Status() : bad(QStringLiteral("truncated"));
        auto ws = readWrites(r, body, MaxWritesPerPush);
        if (!ws)
            return ws.error();
        out.writes = std::move(ws).value();
        haveWrites = true;
        return {};
    });
    if (!st)
        return st.error();
    if (!haveWrites)
        return bad(QStringLiteral("writes must be a list"));
    return out;
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
    QCborMap m{{QStringLiteral("cursor"), cursor},
               {QStringLiteral("limit"), limit},
               {QStringLiteral("confirm_delivered"), strings(confirmDelivered)},
               {QStringLiteral("confirm_purged"), strings(confirmPurged)}};
    if (!count) // absent means true: what devices before this field expect
        m.insert(QStringLiteral("count"), false);
    return m.toCborValue().toCbor();
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
    const QCborValue count = map.value(QStringLiteral("count"));
    if (!count.isUndefined() && !count.isBool())
        return bad(QStringLiteral("count must be true or false"));
    out.count = count.isUndefined() || count.toBool();
    return out;
}

QByteArray PullResponse::encode() const
{
    // Written by hand rather than through a QCborMap: a page carries up to 10,000 writes, most of
    // them already encoded (encodedWrites).
    QByteArray out;
    out.reserve(1024
                + std::accumulate(encodedWrites.cbegin(), encodedWrites.cend(), qsizetype(0),
                                  [](qsizetype n, const QByteArray &w) { return n + w.size(); }));
    cbor::head(out, 5, remaining >= 0 ? 7 : 5);
    cbor::text(out, QStringLiteral("writes"));
    cbor::head(out, 4, quint64(writes.size() + encodedWrites.size()));
    for (const Write &w : writes)
        out += writeBytes(w);
    for (const QByteArray &w : encodedWrites)
        out += w;
    cbor::text(out, QStringLiteral("cursor"));
    cbor::integer(out, cursor);
    cbor::text(out, QStringLiteral("more"));
    cbor::boolean(out, more);
    cborStrings(out, QStringLiteral("delivered"), delivered);
    cborStrings(out, QStringLiteral("purge"), purge);
    if (remaining >= 0) {
        cbor::text(out, QStringLiteral("remaining"));
        cbor::integer(out, remaining);
        cbor::text(out, QStringLiteral("remaining_bytes"));
        cbor::integer(out, qMax<qint64>(0, remainingBytes));
    }
    return out;
}

Result<PullResponse> PullResponse::decode(const QByteArray &body)
{
    PullResponse out;
    bool haveWrites = false, haveCursor = false;
    auto st = readMessage(body, [&](const QString &key, QCborStreamReader &r) -> Status {
        if (key == QLatin1String("writes")) {
            auto ws = readWrites(r, body, MaxPullLimit * 4);
            if (!ws)
                return ws.error();
            out.writes = std::move(ws).value();
            haveWrites = true;
        } else if (key == QLatin1String("cursor")) {
            if (!readInteger(r, &out.cursor) || out.cursor < 0)
                return bad(QStringLiteral("cursor must be a whole number >= 0"));
            haveCursor = true;
        } else if (key == QLatin1String("more")) {
            if (!r.isBool())
                return bad(QStringLiteral("more must be true or false"));
            out.more = r.toBool();
            r.next();
        } else if (key == QLatin1String("remaining") || key == QLatin1String("remaining_bytes")) {
            if (!readInteger(r, key == QLatin1String("remaining") ? &out.remaining : &out.remainingBytes))
                return bad(QStringLiteral("%1 must be a whole number").arg(key));
        } else if (key == QLatin1String("delivered") || key == QLatin1String("purge")) {
            auto l = readStrings(r, key);
            if (!l)
                return l.error();
            (key == QLatin1String("delivered") ? out.delivered : out.purge) = l.value();
        } else if (!r.next()) {
            return bad(QStringLiteral("truncated"));
        }
        return {};
    });
    if (!st)
        return st.error();
    if (!haveWrites)
        return bad(QStringLiteral("writes must be a list"));
    if (!haveCursor)
        return bad(QStringLiteral("cursor must be a whole number >= 0"));
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
