#include "flowcontroller.h"

#include "flowlabels.h"
#include "flowsession.h"
#include "logging.h"
#include "referencedata.h"
#include "schema.h"
#include "session.h"

#include <QDateTime>
#include <QJsonValue>
#include <QLoggingCategory>

#include <algorithm>

namespace hearth {

using app::Session;

FlowController::FlowController(QObject *parent) : QObject(parent)
{
    FlowSession *flows = FlowSession::instance();
    connect(flows, &FlowSession::attachedChanged, this, [this] {
        Q_EMIT availableChanged();
        refresh();
    });
    connect(flows, &FlowSession::recordsChanged, this, [this](const QString &personId) {
        if (personId == m_personId)
            refresh();
    });
    // The app's session also reports changes made elsewhere (a pull, a resolved conflict).
    if (Session *session = Session::instance())
        connect(session, &Session::recordsChanged, this, [this](const QStringList &personIds) {
            if (!m_personId.isEmpty() && (personIds.isEmpty() || personIds.contains(m_personId)))
                refresh();
        });
}

void FlowController::setPersonId(const QString &id)
{
    if (id == m_personId)
        return;
    m_personId = id;
    Q_EMIT personIdChanged();
    clearErrors();
    refresh();
}

bool FlowController::available() const
{
    return store() != nullptr;
}

QVariantList FlowController::options(const QString &type, const QString &field) const
{
    return flowlabels::options(type, field);
}

QString FlowController::label(const QString &code) const
{
    return flowlabels::label(code);
}

void FlowController::clearErrors()
{
    setErrors({});
    setMessage({});
}

Store *FlowController::store() const
{
    return FlowSession::instance()->store();
}

const ReferenceData *FlowController::reference() const
{
    return FlowSession::instance()->reference();
}

QDate FlowController::today() const
{
    // The store's clock decides what "in the future" means; tests pin it.
    if (const QDate pinned = FlowSession::instance()->pinnedToday(); pinned.isValid())
        return pinned;
    const StoreOptions o = Session::instance() ? Session::instance()->storeOptions() : StoreOptions{};
    return o.now ? QDateTime::fromMSecsSinceEpoch(o.now()).date() : QDate::currentDate();
}

QString FlowController::worker() const
{
    return FlowSession::instance()->worker();
}

void FlowController::refresh()
{
    QString name;
    if (store() && !m_personId.isEmpty()) {
        if (auto p = record(m_personId)) {
            const QJsonObject v = p->values;
            const QString preferred = v.value(QStringLiteral("preferred_name")).toString();
            name = (preferred.isEmpty() ? v.value(QStringLiteral("given_name")).toString() : preferred)
                + QLatin1Char(' ') + v.value(QStringLiteral("family_name")).toString();
        }
    }
    if (name != m_personName) {
        m_personName = name;
        Q_EMIT personNameChanged();
    }
    reload();
}

Result<QStringList> FlowController::commit(const QList<Mutation> &mutations, const QString &savedMessage,
                                           const QStringList &shown, const QString &subject)
{
    Store *s = store();
    if (!s) {
        refuse(tr("Not saved: Hearth is locked. Unlock it and try again."));
        return makeError(ErrorCode::Usage, m_message);
    }
    const QString changed = m_personId.isEmpty() ? subject : m_personId;
    // Through the app's session when it holds this store: it also wakes the sync engine and tells
    // every open page. Its commit is Store::commit and nothing else.
    Session *session = Session::instance();
    const bool viaSession = session && session->store() == s;
    auto result = viaSession ? session->commit(mutations, QStringList{changed}) : s->commit(mutations);
    if (!result) {
        const Error &e = result.error();
        QVariantMap errors;
        QStringList unshown;
        for (const FieldError &f : e.fields) {
            if (!errors.contains(f.field))
                errors.insert(f.field, f.message);
            if (!shown.contains(f.field))
                unshown << QStringLiteral("%1: %2").arg(f.field, f.message);
        }
        QString msg =
            e.fields.isEmpty() ? tr("Not saved: %1").arg(e.message) : tr("Not saved. Please correct what is marked.");
        if (!unshown.isEmpty())
            msg += QLatin1Char(' ') + unshown.join(QStringLiteral("; "));
        refuse(msg, errors);
        // The code and the record type only: never field values, which may identify the person.
        qCInfo(lcApp) << "flow commit refused" << int(e.code) << e.fields.size() << "field error(s)";
        return result;
    }
    setErrors({});
    setMessage(savedMessage);
    Q_EMIT saved(result.value());
    if (!viaSession)
        FlowSession::instance()->notifyChanged(changed);
    return result;
}

QJsonObject FlowController::toFields(const QString &type, const QVariantMap &input)
{
    const RecordSchema *s = schema::find(type);
    QJsonObject out;
    for (auto it = input.begin(); it != input.end(); ++it) {
        const FieldSpec *f = s ? s->field(it.key()) : nullptr;
        QVariant v = it.value();
        if (v.typeId() == QMetaType::QString) {
            QString text = v.toString();
            if (text.trimmed().isEmpty()) {
                out.insert(it.key(), QJsonValue::Null);
                continue;
            }
            if (f && (f->kind == FieldKind::Integer || f->kind == FieldKind::Money)) {
                // People type "£1,250.50"; the symbol and separators are how they write a number.
                QString n = text.trimmed();
                n.remove(QChar(u'£')).remove(QLatin1Char(',')).remove(QLatin1Char(' '));
                bool ok = false;
                const double d = n.toDouble(&ok);
                if (ok) {
                    out.insert(it.key(), d);
                    continue;
                }
            }
            out.insert(it.key(), text);
            continue;
        }
        if (!v.isValid() || v.isNull()) {
            out.insert(it.key(), QJsonValue::Null);
            continue;
        }
        out.insert(it.key(), QJsonValue::fromVariant(v));
    }
    return out;
}

QList<Record> FlowController::records(const QString &type, const QString &dateField) const
{
    QList<Record> out;
    if (!store() || m_personId.isEmpty())
        return out;
    auto all = store()->listForPerson(m_personId);
    if (!all) {
        qCWarning(lcApp) << "could not read a person's records:" << int(all.error().code);
        return out;
    }
    for (const Record &r : all.value())
        if (r.type == type && !r.deleted)
            out << r;
    if (!dateField.isEmpty())
        std::stable_sort(out.begin(), out.end(), [&](const Record &a, const Record &b) {
            return a.values.value(dateField).toString() < b.values.value(dateField).toString();
        });
    return out;
}

std::optional<Record> FlowController::record(const QString &id) const
{
    if (!store() || id.isEmpty())
        return std::nullopt;
    auto r = store()->get(id);
    if (!r || r.value().deleted)
        return std::nullopt;
    return r.value();
}

void FlowController::setMessage(const QString &message)
{
    if (message == m_message && !m_failed)
        return;
    m_message = message;
    m_failed = false;
    Q_EMIT messageChanged();
}

void FlowController::setErrors(const QVariantMap &errors)
{
    if (errors == m_errors)
        return;
    m_errors = errors;
    Q_EMIT errorsChanged();
}

void FlowController::refuse(const QString &message, const QVariantMap &errors)
{
    setErrors(errors);
    m_message = message;
    m_failed = true;
    Q_EMIT messageChanged();
}

} // namespace hearth
