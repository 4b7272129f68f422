#include "conflictsmodel.h"

#include "hlc.h"
#include "schema.h"
#include "session.h"

#include <QDateTime>
#include <QLocale>
#include <QVariantMap>

namespace hearth::app {

QString displayValue(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        return ConflictsModel::tr("(empty)");
    case QJsonValue::Bool:
        return value.toBool() ? ConflictsModel::tr("yes") : ConflictsModel::tr("no");
    case QJsonValue::Double:
        return QLocale().toString(value.toDouble(), 'g', 12);
    case QJsonValue::String:
        return value.toString();
    default:
        return ConflictsModel::tr("(not shown)");
    }
}

QJsonValue valueFromText(const QString &type, const QString &field, const QString &text)
{
    const RecordSchema *s = schema::find(type);
    const FieldSpec *spec = s ? s->field(field) : nullptr;
    const QString t = text.trimmed();
    if (t.isEmpty())
        return QJsonValue(QJsonValue::Null);
    if (!spec)
        return t;
    switch (spec->kind) {
    case FieldKind::Integer:
    case FieldKind::Money: {
        bool ok = false;
        const double d = QLocale().toDouble(t, &ok);
        if (ok)
            return d;
        const double c = t.toDouble(&ok);
        return ok ? QJsonValue(c) : QJsonValue(t); // the store says what is wrong with it
    }
    case FieldKind::Boolean: {
        const QString l = t.toLower();
        if (l == QLatin1String("yes") || l == QLatin1String("true") || l == ConflictsModel::tr("yes").toLower())
            return true;
        if (l == QLatin1String("no") || l == QLatin1String("false") || l == ConflictsModel::tr("no").toLower())
            return false;
        return t;
    }
    default:
        return t;
    }
}

ConflictsModel::ConflictsModel(QObject *parent) : QAbstractListModel(parent)
{
    if (Session *s = Session::instance()) {
        connect(s, &Session::unlockedChanged, this, &ConflictsModel::reload);
        connect(s, &Session::recordsChanged, this, &ConflictsModel::reload);
    }
    reload();
}

int ConflictsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant ConflictsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &r = m_rows.at(index.row());
    switch (role) {
    case RecordIdRole:
        return r.recordId;
    case RecordTypeRole:
        return r.type;
    case PersonIdRole:
        return r.personId;
    case Qt::DisplayRole:
    case PersonNameRole:
        return r.personName;
    case FieldRole:
        return r.field;
    case IsDeleteRole:
        return r.isDelete;
    case HeadsRole: {
        QVariantList heads;
        for (int i = 0; i < r.heads.size(); ++i) {
            const Head &h = r.heads.at(i);
            Hlc clock;
            const bool parsed = Hlc::parse(h.hlc, &clock);
            const QDateTime when = parsed ? QDateTime::fromMSecsSinceEpoch(clock.wallMs) : QDateTime();
            heads.append(QVariantMap{
                {QStringLiteral("value"), displayValue(h.value)},
                {QStringLiteral("device"), parsed ? clock.device.left(8) : QString()},
                {QStringLiteral("thisDevice"), parsed && clock.device == m_thisDevice},
                {QStringLiteral("when"), when.isValid() ? QLocale().toString(when, QLocale::ShortFormat) : QString()},
                {QStringLiteral("hlc"), h.hlc},
                {QStringLiteral("current"), i == 0}});
        }
        return heads;
    }
    default:
        return {};
    }
}

QHash<int, QByteArray> ConflictsModel::roleNames() const
{
    return {{RecordIdRole, "recordId"}, {RecordTypeRole, "recordType"},
            {PersonIdRole, "personId"}, {PersonNameRole, "personName"},
            {FieldRole, "field"},       {IsDeleteRole, "isDelete"},
            {HeadsRole, "heads"}};
}

void ConflictsModel::setPersonId(const QString &personId)
{
    if (personId == m_personId)
        return;
    m_personId = personId;
    Q_EMIT personIdChanged();
    reload();
}

void ConflictsModel::reload()
{
    Session *session = Session::instance();
    Store *store = session ? session->store() : nullptr;
    QList<Row> rows;
    if (store) {
        m_thisDevice = store->deviceId();
        // Records in conflict are few and indexed; reading them here keeps the page consistent
        // with what a resolve is about to change.
        auto conflicted = store->conflicted();
        if (!conflicted) {
            setError(conflicted.error().message);
        } else {
            QHash<QString, QString> names;
            for (const Record &rec : conflicted.value()) {
                if (!m_personId.isEmpty() && rec.personId != m_personId)
                    continue;
                if (!names.contains(rec.personId)) {
                    auto p = store->get(rec.personId);
                    names.insert(rec.personId,
                                 p ? QStringLiteral("%1 %2").arg(
                                     p.value().values.value(QStringLiteral("given_name")).toString(),
                                     p.value().values.value(QStringLiteral("family_name")).toString())
                                   : tr("(person not on this device)"));
                }
                for (const Conflict &c : rec.conflicts)
                    rows.append(Row{rec.id, rec.type, rec.personId, names.value(rec.personId), c.field,
                                    !c.deleteClock.isEmpty(), c.heads});
            }
        }
    }
    beginResetModel();
    m_rows = std::move(rows);
    endResetModel();
    Q_EMIT countChanged();
}

bool ConflictsModel::keep(int row, int head)
{
    if (row < 0 || row >= m_rows.size() || head < 0 || head >= m_rows.at(row).heads.size())
        return false;
    const Row r = m_rows.at(row);
    return resolveWith(row, r.field, r.heads.at(head).value);
}

bool ConflictsModel::merge(int row, const QString &text)
{
    if (row < 0 || row >= m_rows.size())
        return false;
    const Row r = m_rows.at(row);
    return resolveWith(row, r.field, valueFromText(r.type, r.field, text));
}

bool ConflictsModel::keepRecord(int row)
{
    if (row < 0 || row >= m_rows.size() || !m_rows.at(row).isDelete)
        return false;
    return resolveWith(row, DeletedField, false);
}

bool ConflictsModel::deleteRecord(int row)
{
    if (row < 0 || row >= m_rows.size() || !m_rows.at(row).isDelete)
        return false;
    return resolveWith(row, DeletedField, true);
}

bool ConflictsModel::resolveWith(int row, const QString &field, const QJsonValue &value)
{
    Session *session = Session::instance();
    if (!session || !session->store()) {
        setError(tr("The app is locked. Unlock it and try again."));
        return false;
    }
    const Row r = m_rows.at(row);
    auto done = session->commit({Mutation::resolve(r.recordId, field, value)}, {r.personId});
    if (!done) {
        QString message = done.error().message;
        for (const FieldError &fe : done.error().fields)
            message += QStringLiteral("\n") + fe.field + QStringLiteral(": ") + fe.message;
        setError(message);
        return false;
    }
    setError({});
    Q_EMIT resolved(r.field);
    return true;
}

void ConflictsModel::setError(const QString &error)
{
    if (error == m_error)
        return;
    m_error = error;
    Q_EMIT errorChanged();
}

} // namespace hearth::app
