#include "write.h"

#include "hlc.h"
#include "identifiers.h"

#include <QCborArray>
#include <QCborMap>
#include <QCborValue>
#include <QJsonArray>
#include <QJsonDocument>

namespace hearth {

QByteArray Write::encodePayload() const
{
    if (!encoded.isEmpty())
        return encoded;
    return QCborArray{QCborMap::fromJsonObject(values), QCborMap::fromJsonObject(parents)}.toCborValue().toCbor();
}

Status Write::decodePayload(const QByteArray &bytes)
{
    encoded.clear();
    if (bytes.startsWith('{')) {
        const QJsonObject o = QJsonDocument::fromJson(bytes).object();
        values = o.value(QStringLiteral("values")).toObject();
        parents = o.value(QStringLiteral("parents")).toObject();
        return {};
    }
    QCborParserError perr;
    const QCborArray a = QCborValue::fromCbor(bytes, &perr).toArray();
    if (perr.error != QCborError::NoError || a.size() != 2)
        return makeError(ErrorCode::Corrupt, QStringLiteral("A log entry is malformed"));
    values = a.at(0).toMap().toJsonObject();
    parents = a.at(1).toMap().toJsonObject();
    return {};
}

QJsonObject Write::toJson() const
{
    return QJsonObject{{QStringLiteral("device"), device}, {QStringLiteral("seq"), double(seq)},
                       {QStringLiteral("hlc"), hlc},       {QStringLiteral("record"), recordId},
                       {QStringLiteral("type"), type},     {QStringLiteral("person"), personId},
                       {QStringLiteral("values"), values}, {QStringLiteral("parents"), parents}};
}

Result<Write> Write::fromJson(const QJsonObject &o)
{
    Write w;
    w.device = o.value(QStringLiteral("device")).toString();
    w.seq = qint64(o.value(QStringLiteral("seq")).toDouble(-1));
    w.hlc = o.value(QStringLiteral("hlc")).toString();
    w.recordId = o.value(QStringLiteral("record")).toString();
    w.type = o.value(QStringLiteral("type")).toString();
    w.personId = o.value(QStringLiteral("person")).toString();
    w.values = o.value(QStringLiteral("values")).toObject();
    w.parents = o.value(QStringLiteral("parents")).toObject();
    if (auto st = w.check(); !st)
        return st.error();
    return w;
}

} // namespace hearth

namespace hearth {

Status Write::check() const
{
    Hlc h;
    if (device.isEmpty() || seq < 1 || !Hlc::parse(hlc, &h) || h.device != device)
        return makeError(ErrorCode::Corrupt, QStringLiteral("A write has a malformed id or clock"));
    if (!ids::isUuid(recordId) || (!personId.isEmpty() && !ids::isUuid(personId)) || type.isEmpty())
        return makeError(ErrorCode::Corrupt, QStringLiteral("A write names a malformed record, person or type"));
    for (auto it = parents.begin(); it != parents.end(); ++it) {
        if (!it.value().isArray())
            return makeError(ErrorCode::Corrupt, QStringLiteral("A write's parents must be lists of clocks"));
        for (const QJsonValue &p : it.value().toArray())
            if (!Hlc::parse(p.toString(), &h))
                return makeError(ErrorCode::Corrupt, QStringLiteral("A write's parents must be lists of clocks"));
    }
    if (values.isEmpty())
        return makeError(ErrorCode::Corrupt, QStringLiteral("A write changes nothing"));
    return {};
}

} // namespace hearth
