#pragma once

#include "rowsmodel.h"

namespace hearth {

// The actions agreed for one concern of a care plan.
class CareActionsModel : public RowsModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Provided by CarePlanController")
public:
    enum Roles {
        KeyRole = Qt::UserRole,
        ConcernIdRole,
        ActionRole,
        OwnerRole,
        OwnerLabelRole,
        OwnerNameRole,
        DueDateRole,
        StatusRole,
        StatusLabelRole,
        OutcomeRole,
        ReviewDateRole,
        OverdueRole
    };
    Q_ENUM(Roles)
    explicit CareActionsModel(QObject *parent = nullptr)
        : RowsModel({"key", "concernId", "action", "owner", "ownerLabel", "ownerName", "dueDate", "status",
                     "statusLabel", "outcome", "reviewDate", "overdue"},
                    parent)
    {}
};

// The concerns a care plan answers, in the order agreed at the assessment, each with its actions.
class CarePlanConcernsModel : public RowsModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Provided by CarePlanController")
public:
    // `actions` is the concern's CareActionsModel.
    enum Roles { KeyRole = Qt::UserRole, LabelRole, DomainLabelRole, ScoreRole, RankRole, DiscussedRole, ActionsRole };
    Q_ENUM(Roles)
    explicit CarePlanConcernsModel(QObject *parent = nullptr)
        : RowsModel({"key", "label", "domainLabel", "score", "rank", "discussed", "actions"}, parent)
    {}
};

// Who the care plan was shared with, and when.
class PlanSharesModel : public RowsModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Provided by CarePlanController")
public:
    enum Roles { KeyRole = Qt::UserRole, RecipientRole, RecipientLabelRole, DateRole };
    Q_ENUM(Roles)
    explicit PlanSharesModel(QObject *parent = nullptr)
        : RowsModel({"key", "recipient", "recipientLabel", "date"}, parent)
    {}
};

} // namespace hearth
