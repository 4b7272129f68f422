#pragma once

#include "flowcontroller.h"
#include "referralmodels.h"

namespace hearth {

// Onward referrals: search the organisation directory by name, need (a concern from the person's
// assessment), area and category; refer with a reason linked to a concern; track status and outcome.
class OnwardReferralController : public FlowController
{
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(QString search READ search WRITE setSearch NOTIFY filterChanged)
    Q_PROPERTY(QString need READ need WRITE setNeed NOTIFY filterChanged)
    Q_PROPERTY(QString area READ area WRITE setArea NOTIFY filterChanged)
    Q_PROPERTY(QString category READ category WRITE setCategory NOTIFY filterChanged)
    Q_PROPERTY(QVariantList needOptions READ needOptions NOTIFY optionsChanged)
    Q_PROPERTY(QVariantList concernOptions READ concernOptions NOTIFY optionsChanged)
    Q_PROPERTY(QVariantList areaOptions READ areaOptions NOTIFY optionsChanged)
    Q_PROPERTY(QVariantList categoryOptions READ categoryOptions NOTIFY optionsChanged)
    Q_PROPERTY(bool sampleDirectory READ sampleDirectory NOTIFY optionsChanged)
    Q_PROPERTY(hearth::DirectoryModel *directory READ directory CONSTANT)
    Q_PROPERTY(hearth::ReferralsModel *referrals READ referrals CONSTANT)
public:
    explicit OnwardReferralController(QObject *parent = nullptr);

    [[nodiscard]] QString search() const { return m_search; }
    void setSearch(const QString &text);
    // A checklist item id; empty for any need.
    [[nodiscard]] QString need() const { return m_need; }
    void setNeed(const QString &need);
    [[nodiscard]] QString area() const { return m_area; }
    void setArea(const QString &area);
    [[nodiscard]] QString category() const { return m_category; }
    void setCategory(const QString &category);
    // [{value, label}]: "any" first, then the person's concerns.
    [[nodiscard]] QVariantList needOptions() const { return m_needOptions; }
    // [{value, label}]: the person's concerns a referral can answer (value = concern id).
    [[nodiscard]] QVariantList concernOptions() const { return m_concernOptions; }
    [[nodiscard]] QVariantList areaOptions() const;
    [[nodiscard]] QVariantList categoryOptions() const;
    // True while the shipped fictional directory is loaded: it must not be used with real people.
    [[nodiscard]] bool sampleDirectory() const;
    [[nodiscard]] DirectoryModel *directory() const { return m_directory; }
    [[nodiscard]] ReferralsModel *referrals() const { return m_referrals; }

    // Refers the person to an organisation today, for a concern (may be empty) and a reason.
    Q_INVOKABLE bool refer(const QString &organisationId, const QString &concernId, const QString &reason,
                           bool carersAssessment = false);
    // Changes a referral's status, outcome or follow-up date (`fields` are onward_referral fields).
    Q_INVOKABLE bool update(const QString &referralId, const QVariantMap &fields);

Q_SIGNALS:
    void filterChanged();
    void optionsChanged();

protected:
    void reload() override;

private:
    // Sets one filter and searches again.
    void setFilter(QString &filter, const QString &value);
    void refilter();

    QString m_search;
    QString m_need;
    QString m_area;
    QString m_category;
    QVariantList m_needOptions;
    QVariantList m_concernOptions;
    DirectoryModel *m_directory;
    ReferralsModel *m_referrals;
};

} // namespace hearth
