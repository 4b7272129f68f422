#include "moneycontroller.h"

#include "flowlabels.h"
#include "referencedata.h"

#include <QLocale>
#include <QSet>

#include <cmath>

namespace hearth {

MoneyController::MoneyController(QObject *parent) : FlowController(parent), m_gains(new GainsModel(this)) {}

QString MoneyController::money(double pounds) const
{
    // Pounds whatever the device's language: the service and its reports are in sterling.
    return QLocale(QLocale::English, QLocale::UnitedKingdom).toCurrencyString(pounds, QStringLiteral("£"), 2);
}

QString MoneyController::gainsOneOffText() const
{
    return money(m_oneOff);
}

QString MoneyController::gainsAnnualText() const
{
    return money(m_annual);
}

QString MoneyController::debtWrittenOffText() const
{
    return money(m_debt);
}

QString MoneyController::totalText() const
{
    return money(m_oneOff + m_annual + m_debt);
}

bool MoneyController::add(const QVariantMap &fields)
{
    QJsonObject values = toFields(QStringLiteral("financial_gain"), fields);
    values.insert(QStringLiteral("person_id"), personId());
    if (!values.contains(QStringLiteral("date_awarded")))
        values.insert(QStringLiteral("date_awarded"), isoDate(today()));
    return bool(commit({Mutation::put(QStringLiteral("financial_gain"), values)}, tr("Saved"), fields.keys()));
}

bool MoneyController::remove(const QString &key)
{
    // Only this person's gains: a key from another page or person is refused, not deleted.
    const std::optional<Record> gain = record(key);
    if (!gain || gain->type != QLatin1String("financial_gain") || gain->personId != personId()) {
        refuse(tr("That entry is no longer here; nothing was removed."));
        return false;
    }
    return bool(commit({Mutation::remove(key)}, tr("Removed")));
}

void MoneyController::reload()
{
    m_oneOff = m_annual = m_debt = 0;
    QList<QVariantMap> rows;
    const QList<Record> gains = records(QStringLiteral("financial_gain"), QStringLiteral("date_awarded"));
    for (auto it = gains.crbegin(); it != gains.crend(); ++it) {
        const QJsonObject &v = it->values;
        const QString kind = v.value(QStringLiteral("kind")).toString();
        const QString period = v.value(QStringLiteral("period")).toString();
        const double amount = v.value(QStringLiteral("amount")).toDouble();
        if (kind == QLatin1String("debt_written_off"))
            m_debt += amount;
        else if (period == QLatin1String("annual"))
            m_annual += amount;
        else
            m_oneOff += amount;
        const Organisation *org = reference()
            ? reference()->directory().find(v.value(QStringLiteral("organisation_id")).toString())
            : nullptr;
        rows << QVariantMap{{QStringLiteral("key"), it->id},
                            {QStringLiteral("kind"), kind},
                            {QStringLiteral("kindLabel"), flowlabels::label(kind)},
                            {QStringLiteral("description"), v.value(QStringLiteral("description")).toString()},
                            {QStringLiteral("amount"), amount},
                            {QStringLiteral("amountText"), money(amount)},
                            {QStringLiteral("period"), period},
                            {QStringLiteral("periodLabel"), flowlabels::label(period)},
                            {QStringLiteral("date"), v.value(QStringLiteral("date_awarded")).toString()},
                            {QStringLiteral("organisation"), org ? org->name : QString()}};
    }
    // Sums of amounts held to the penny stay to the penny.
    m_oneOff = std::round(m_oneOff * 100) / 100;
    m_annual = std::round(m_annual * 100) / 100;
    m_debt = std::round(m_debt * 100) / 100;
    m_gains->setRows(rows);

    // The organisations the person was referred to are the likely helpers; any directory entry is allowed.
    m_organisations = {QVariantMap{{QStringLiteral("value"), QString()}, {QStringLiteral("label"), tr("None")}}};
    QSet<QString> seen;
    for (const Record &r : records(QStringLiteral("onward_referral"))) {
        const QString id = r.values.value(QStringLiteral("organisation_id")).toString();
        const Organisation *org = reference() ? reference()->directory().find(id) : nullptr;
        if (org && !seen.contains(id)) {
            seen.insert(id);
            m_organisations << QVariantMap{{QStringLiteral("value"), id}, {QStringLiteral("label"), org->name}};
        }
    }
    Q_EMIT totalsChanged();
}

} // namespace hearth
