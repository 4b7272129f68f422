#pragma once

#include "flowcontroller.h"
#include "rowsmodel.h"

namespace hearth {

// A person's financial gains and debts written off, newest first.
class GainsModel : public RowsModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Provided by MoneyController")
public:
    enum Roles {
        KeyRole = Qt::UserRole,
        KindRole,
        KindLabelRole,
        DescriptionRole,
        AmountRole,
        AmountTextRole,
        PeriodRole,
        PeriodLabelRole,
        DateRole,
        OrganisationRole
    };
    Q_ENUM(Roles)
    explicit GainsModel(QObject *parent = nullptr)
        : RowsModel({"key", "kind", "kindLabel", "description", "amount", "amountText", "period", "periodLabel", "date",
                     "organisation"},
                    parent)
    {}
};

// Money: benefits, grants and debts written off, with the person's running totals. Reports keep
// benefits apart from debt written off (DOMAIN.md), so the totals do too.
class MoneyController : public FlowController
{
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(double gainsOneOff READ gainsOneOff NOTIFY totalsChanged)
    Q_PROPERTY(double gainsAnnual READ gainsAnnual NOTIFY totalsChanged)
    Q_PROPERTY(double debtWrittenOff READ debtWrittenOff NOTIFY totalsChanged)
    Q_PROPERTY(QString gainsOneOffText READ gainsOneOffText NOTIFY totalsChanged)
    Q_PROPERTY(QString gainsAnnualText READ gainsAnnualText NOTIFY totalsChanged)
    Q_PROPERTY(QString debtWrittenOffText READ debtWrittenOffText NOTIFY totalsChanged)
    Q_PROPERTY(QString totalText READ totalText NOTIFY totalsChanged)
    Q_PROPERTY(QVariantList organisationOptions READ organisationOptions NOTIFY totalsChanged)
    Q_PROPERTY(hearth::GainsModel *gains READ gains CONSTANT)
public:
    explicit MoneyController(QObject *parent = nullptr);

    // One-off benefits, grants and other gains (not debt).
    [[nodiscard]] double gainsOneOff() const { return m_oneOff; }
    // Awards paid each year, per year.
    [[nodiscard]] double gainsAnnual() const { return m_annual; }
    [[nodiscard]] double debtWrittenOff() const { return m_debt; }
    [[nodiscard]] QString gainsOneOffText() const;
    [[nodiscard]] QString gainsAnnualText() const;
    [[nodiscard]] QString debtWrittenOffText() const;
    // Everything in the first year: one-off gains, a year of annual awards, and debt written off.
    [[nodiscard]] QString totalText() const;
    // [{value, label}]: "none", then the organisations the person was referred to.
    [[nodiscard]] QVariantList organisationOptions() const { return m_organisations; }
    [[nodiscard]] GainsModel *gains() const { return m_gains; }

    // Formats pounds for display ("£4,742.20").
    Q_INVOKABLE [[nodiscard]] QString money(double pounds) const;
    // Records a gain; `fields` are financial_gain fields (kind, description, amount, period,
    // date_awarded, organisation_id). The amount may be typed as text.
    Q_INVOKABLE bool add(const QVariantMap &fields);
    // Removes a recorded gain (a deletion write, kept in the revision log like any other edit);
    // `key` is the row's key. The page asks the person first.
    Q_INVOKABLE bool remove(const QString &key);

Q_SIGNALS:
    void totalsChanged();

protected:
    void reload() override;

private:
    double m_oneOff = 0;
    double m_annual = 0;
    double m_debt = 0;
    QVariantList m_organisations;
    GainsModel *m_gains;
};

} // namespace hearth
