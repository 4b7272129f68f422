#include "closurecontroller.h"

#include "flowlabels.h"

namespace hearth {

ClosureController::ClosureController(QObject *parent) : FlowController(parent) {}

bool ClosureController::closed() const
{
    return m_values.value(QStringLiteral("status")).toString() == QLatin1String("closed");
}

QString ClosureController::date() const
{
    return m_values.value(QStringLiteral("date")).toString();
}

QString ClosureController::reason() const
{
    return m_values.value(QStringLiteral("reason")).toString();
}

QString ClosureController::reasonLabel() const
{
    return reason().isEmpty() ? QString() : flowlabels::label(reason());
}

QString ClosureController::notes() const
{
    return m_values.value(QStringLiteral("notes")).toString();
}

QVariantList ClosureController::reasonOptions() const
{
    return flowlabels::options(QStringLiteral("case_status"), QStringLiteral("reason"));
}

bool ClosureController::closeCase(const QString &reason, const QString &date, const QString &notes)
{
    QJsonObject values = toFields(
        QStringLiteral("case_status"),
        {{QStringLiteral("reason"), reason}, {QStringLiteral("date"), date}, {QStringLiteral("notes"), notes}});
    values.insert(QStringLiteral("status"), QStringLiteral("closed"));
    if (values.value(QStringLiteral("date")).isNull())
        values.insert(QStringLiteral("date"), isoDate(today()));
    const QStringList shown{QStringLiteral("reason"), QStringLiteral("date"), QStringLiteral("notes")};
    if (m_statusId.isEmpty()) {
        values.insert(QStringLiteral("person_id"), personId());
        return bool(commit({Mutation::put(QStringLiteral("case_status"), values)}, tr("Case closed"), shown));
    }
    return bool(commit({Mutation::edit(m_statusId, values)}, tr("Case closed"), shown));
}

bool ClosureController::reopen()
{
    if (m_statusId.isEmpty() || !closed())
        return true;
    return bool(commit({Mutation::edit(m_statusId,
                                       {{QStringLiteral("status"), QStringLiteral("open")},
                                        {QStringLiteral("reason"), QJsonValue()},
                                        {QStringLiteral("date"), isoDate(today())}})},
                       tr("Case reopened")));
}

void ClosureController::reload()
{
    const QList<Record> statuses = records(QStringLiteral("case_status"), QStringLiteral("date"));
    // Two devices may each have created one offline: the latest is the case's state.
    m_statusId = statuses.isEmpty() ? QString() : statuses.constLast().id;
    m_values = statuses.isEmpty() ? QJsonObject() : statuses.constLast().values;
    m_openActions = 0;
    for (const Record &a : records(QStringLiteral("care_action"))) {
        const QString s = a.values.value(QStringLiteral("status")).toString();
        m_openActions += s == QLatin1String("planned") || s == QLatin1String("in_progress");
    }
    Q_EMIT caseChanged();
}

} // namespace hearth
