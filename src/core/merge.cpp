#include "merge.h"

#include "cborwriter.h"

#include <QCborArray>
#include <QCborMap>
#include <QCborValue>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>

#include <algorithm>

namespace hearth {

namespace {

const QString kHeads = QStringLiteral("h");
const QString kPending = QStringLiteral("p");

QJsonArray clocksOf(const QList<Head> &heads)
{
    QJsonArray out;
    for (const Head &h : heads)
        out.append(h.hlc);
    return out;
}

} // namespace

bool FieldState::inConflict() const
{
    for (const Head &h : heads)
        if (h.value != heads.first().value)
            return true;
    return false;
}

QStringList FieldState::headClocks() const
{
    QStringList out;
    for (const Head &h : heads)
        out << h.hlc;
    return out;
}

void RecordState::apply(const Write &w, const std::function<bool(const QString &)> &seen)
{
    m_values.reset();
    if (id.isEmpty())
        id = w.recordId;
    if (type.isEmpty())
        type = w.type;
    if (personId.isEmpty())
        personId = w.personId;

    // Parents first: they retire the heads they name, or wait for a late ancestor. Only for the
    // fields the write sets: a delete's parents on other fields record what its author had seen
    // (for edit-vs-delete conflicts); they do not erase those values, so a restore gets them back.
    for (auto it = w.parents.begin(); it != w.parents.end(); ++it) {
        if (!w.values.contains(it.key()))
            continue;
        FieldState &f = fields[it.key()];
        for (const QJsonValue &pv : it.value().toArray()) {
            const QString p = pv.toString();
            if (p == w.hlc)
                continue;
            const auto before = f.heads.size();
            f.heads.erase(std::remove_if(f.heads.begin(), f.heads.end(), [&](const Head &h) { return h.hlc == p; }),
                          f.heads.end());
            if (f.heads.size() == before && !seen(p) && !f.pending.contains(p))
                f.pending.append(p);
        }
    }
    for (auto it = w.values.begin(); it != w.values.end(); ++it) {
        FieldState &f = fields[it.key()];
        if (f.pending.removeAll(w.hlc) > 0)
            continue; // a later write already superseded this one
        Head h{w.hlc, it.value(), {}};
        if (it.key() == DeletedField)
            h.seen = w.parents;
        auto pos = std::find_if(f.heads.begin(), f.heads.end(), [&](const Head &x) { return x.hlc < w.hlc; });
        f.heads.insert(pos, h);
    }
    for (auto it = fields.begin(); it != fields.end();) {
        if (it->heads.isEmpty() && it->pending.isEmpty())
            it = fields.erase(it);
        else
            ++it;
    }
    for (FieldState &f : fields)
        std::sort(f.pending.begin(), f.pending.end());
}

bool RecordState::isDeleted() const
{
    auto it = fields.constFind(DeletedField);
    return it != fields.cend() && !it->heads.isEmpty() && it->heads.first().value.toBool();
}

QJsonObject RecordState::values() const
{
    if (m_values)
        return *m_values;
    QJsonObject out;
    for (auto it = fields.cbegin(); it != fields.cend(); ++it)
        if (it.key() != DeletedField && !it->heads.isEmpty())
            out.insert(it.key(), it->heads.first().value);
    m_values = out;
    return out;
}

QJsonValue RecordState::value(const QString &field) const
{
    auto it = fields.constFind(field);
    return it == fields.cend() || it->heads.isEmpty() ? QJsonValue(QJsonValue::Undefined) : it->heads.first().value;
}

QList<Conflict> RecordState::conflicts() const
{
    QList<Conflict> out;
    for (auto it = fields.cbegin(); it != fields.cend(); ++it)
        if (it->inConflict())
            out.append(Conflict{it.key(), it->heads, {}});
    if (!isDeleted())
        return out;
    // An edit no delete had seen must be put in front of a person, not dropped.
    QSet<QString> seenByDeletes;
    QString deleteClock;
    for (const Head &d : fields.value(DeletedField).heads) {
        if (!d.value.toBool())
            continue;
        if (deleteClock.isEmpty())
            deleteClock = d.hlc;
        for (auto s = d.seen.begin(); s != d.seen.end(); ++s)
            for (const QJsonValue &c : s.value().toArray())
                seenByDeletes.insert(s.key() + QLatin1Char('\n') + c.toString());
    }
    for (auto it = fields.cbegin(); it != fields.cend(); ++it) {
        if (it.key() == DeletedField)
            continue;
        QList<Head> unseen;
        for (const Head &h : it->heads)
            if (!seenByDeletes.contains(it.key() + QLatin1Char('\n') + h.hlc))
                unseen.append(h);
        if (!unseen.isEmpty())
            out.append(Conflict{it.key(), unseen, deleteClock});
    }
    return out;
}

bool RecordState::hasConflicts() const
{
    for (const FieldState &f : fields)
        if (f.inConflict())
            return true;
    return isDeleted() && !conflicts().isEmpty();
}

QJsonArray RecordState::editParents(const QString &field) const
{
    auto it = fields.constFind(field);
    if (it == fields.cend() || it->heads.isEmpty())
        return {};
    // Heads that agree with the winner are retired together, so they never resurface later.
    QJsonArray out;
    for (const Head &h : it->heads)
        if (h.value == it->heads.first().value)
            out.append(h.hlc);
    return out;
}

QJsonArray RecordState::resolveParents(const QString &field) const
{
    auto it = fields.constFind(field);
    return it == fields.cend() ? QJsonArray{} : clocksOf(it->heads);
}

QJsonObject RecordState::toJson() const
{
    QJsonObject fs;
    for (auto it = fields.cbegin(); it != fields.cend(); ++it) {
        QJsonArray heads;
        for (const Head &h : it->heads) {
            QJsonArray e{h.hlc, h.value};
            if (!h.seen.isEmpty())
                e.append(h.seen);
            heads.append(e);
        }
        QJsonObject f{{kHeads, heads}};
        if (!it->pending.isEmpty())
            f.insert(kPending, QJsonArray::fromStringList(it->pending));
        fs.insert(it.key(), f);
    }
    return QJsonObject{{QStringLiteral("id"), id},
                       {QStringLiteral("type"), type},
                       {QStringLiteral("person"), personId},
                       {QStringLiteral("fields"), fs}};
}

Result<RecordState> RecordState::fromJson(const QJsonObject &o)
{
    RecordState r;
    r.id = o.value(QStringLiteral("id")).toString();
    r.type = o.value(QStringLiteral("type")).toString();
    r.personId = o.value(QStringLiteral("person")).toString();
    const QJsonObject fs = o.value(QStringLiteral("fields")).toObject();
    for (auto it = fs.begin(); it != fs.end(); ++it) {
        const QJsonObject f = it.value().toObject();
        FieldState st;
        for (const QJsonValue &hv : f.value(kHeads).toArray()) {
            const QJsonArray e = hv.toArray();
            if (e.size() < 2 || !e.at(0).isString())
                return makeError(ErrorCode::Corrupt, QStringLiteral("A stored record's state is malformed"));
            st.heads.append(Head{e.at(0).toString(), e.at(1), e.at(2).toObject()});
        }
        for (const QJsonValue &p : f.value(kPending).toArray())
            st.pending.append(p.toString());
        r.fields.insert(it.key(), st);
    }
    if (r.id.isEmpty() || r.type.isEmpty())
        return makeError(ErrorCode::Corrupt, QStringLiteral("A stored record's state is malformed"));
    return r;
}

namespace {

void writeValue(QByteArray &out, const QJsonValue &v)
{
    switch (v.type()) {
    case QJsonValue::String:
        cbor::text(out, v.toString());
        return;
    case QJsonValue::Bool:
        cbor::boolean(out, v.toBool());
        return;
    case QJsonValue::Null:
        cbor::null(out);
        return;
    case QJsonValue::Double: {
        const double d = v.toDouble();
        // Whole numbers as integers, so the value reads back as the same JSON number.
        if (d == double(qint64(d)) && qAbs(d) < 9007199254740992.0)
            cbor::integer(out, qint64(d));
        else
            cbor::float64(out, d);
        return;
    }
    default:
        out += QCborValue::fromJsonValue(v).toCbor();
    }
}

} // namespace

QByteArray RecordState::encode() const
{
    // Written straight into the buffer (cborwriter.h): a page of a first sync encodes thousands.
    QByteArray out;
    out.reserve(256);
    cbor::head(out, 4, 4);
    cbor::text(out, id);
    cbor::text(out, type);
    cbor::text(out, personId);
    cbor::head(out, 5, quint64(fields.size()));
    for (auto it = fields.cbegin(); it != fields.cend(); ++it) {
        cbor::text(out, it.key());
        cbor::head(out, 4, 2);
        cbor::head(out, 4, quint64(it->heads.size()));
        for (const Head &h : it->heads) {
            cbor::head(out, 4, h.seen.isEmpty() ? 2 : 3);
            cbor::text(out, h.hlc);
            writeValue(out, h.value);
            if (!h.seen.isEmpty())
                out += QCborValue::fromJsonValue(h.seen).toCbor();
        }
        cbor::head(out, 4, quint64(it->pending.size()));
        for (const QString &p : it->pending)
            cbor::text(out, p);
    }
    return out;
}

Result<RecordState> RecordState::decode(const QByteArray &bytes)
{
    if (bytes.startsWith('{'))
        return fromJson(QJsonDocument::fromJson(bytes).object());
    QCborParserError perr;
    const QCborValue root = QCborValue::fromCbor(bytes, &perr);
    const QCborArray a = root.toArray();
    if (perr.error != QCborError::NoError || a.size() != 4)
        return makeError(ErrorCode::Corrupt, QStringLiteral("A stored record's state is malformed"));
    RecordState r;
    r.id = a.at(0).toString();
    r.type = a.at(1).toString();
    r.personId = a.at(2).toString();
    const QCborMap fs = a.at(3).toMap();
    for (auto it = fs.cbegin(); it != fs.cend(); ++it) {
        const QCborArray f = it.value().toArray();
        FieldState st;
        for (const QCborValue &hv : f.at(0).toArray()) {
            const QCborArray e = hv.toArray();
            if (e.size() < 2 || !e.at(0).isString())
                return makeError(ErrorCode::Corrupt, QStringLiteral("A stored record's state is malformed"));
            st.heads.append(Head{e.at(0).toString(), e.at(1).toJsonValue(), e.at(2).toMap().toJsonObject()});
        }
        for (const QCborValue &p : f.at(1).toArray())
            st.pending.append(p.toString());
        r.fields.insert(it.key().toString(), st);
    }
    if (r.id.isEmpty() || r.type.isEmpty())
        return makeError(ErrorCode::Corrupt, QStringLiteral("A stored record's state is malformed"));
    return r;
}

QJsonObject RecordState::exportJson() const
{
    QJsonObject out{{QStringLiteral("id"), id},
                    {QStringLiteral("type"), type},
                    {QStringLiteral("person"), personId},
                    {QStringLiteral("deleted"), isDeleted()},
                    {QStringLiteral("values"), values()}};
    QJsonArray cs;
    for (const Conflict &c : conflicts()) {
        QJsonArray heads;
        for (const Head &h : c.heads)
            heads.append(QJsonObject{{QStringLiteral("hlc"), h.hlc}, {QStringLiteral("value"), h.value}});
        QJsonObject co{{QStringLiteral("field"), c.field}, {QStringLiteral("heads"), heads}};
        if (!c.deleteClock.isEmpty())
            co.insert(QStringLiteral("delete"), c.deleteClock);
        cs.append(co);
    }
    if (!cs.isEmpty())
        out.insert(QStringLiteral("conflicts"), cs);
    return out;
}

} // namespace hearth
