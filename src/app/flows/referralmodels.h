#pragma once

#include "rowsmodel.h"

namespace hearth {

// Organisations from the directory that match the page's search and filters.
class DirectoryModel : public RowsModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Provided by OnwardReferralController")
public:
    enum Roles {
        KeyRole = Qt::UserRole,
        NameRole,
        CategoryRole,
        CategoryLabelRole,
        AreasRole,
        PhoneRole,
        DescriptionRole,
        SelfReferralRole
    };
    Q_ENUM(Roles)
    explicit DirectoryModel(QObject *parent = nullptr)
        : RowsModel({"key", "name", "category", "categoryLabel", "areas", "phone", "description", "selfReferral"},
                    parent)
    {}
};

// A person's onward referrals, newest first.
class ReferralsModel : public RowsModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Provided by OnwardReferralController")
public:
    enum Roles {
        KeyRole = Qt::UserRole,
        OrganisationRole,
        ReasonRole,
        ConcernLabelRole,
        DateRole,
        StatusRole,
        StatusLabelRole,
        OutcomeRole,
        FollowUpDateRole,
        CarersAssessmentRole
    };
    Q_ENUM(Roles)
    explicit ReferralsModel(QObject *parent = nullptr)
        : RowsModel({"key", "organisation", "reason", "concernLabel", "date", "status", "statusLabel", "outcome",
                     "followUpDate", "carersAssessment"},
                    parent)
    {}
};

} // namespace hearth
