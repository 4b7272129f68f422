#pragma once

#include "rowsmodel.h"

namespace hearth {

// The checklist's domains, with how many concerns the current assessment chose in each.
class DomainsModel : public RowsModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Provided by AssessmentController")
public:
    enum Roles { KeyRole = Qt::UserRole, LabelRole, ChosenRole };
    Q_ENUM(Roles)
    explicit DomainsModel(QObject *parent = nullptr) : RowsModel({"key", "label", "chosen"}, parent) {}
};

// The items of one checklist domain with the score given now and, for a review, before.
class ChecklistModel : public RowsModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Provided by AssessmentController")
public:
    // score and previousScore are -1 when not chosen.
    enum Roles { KeyRole = Qt::UserRole, LabelRole, DomainRole, ScoreRole, PreviousScoreRole, ChosenRole };
    Q_ENUM(Roles)
    explicit ChecklistModel(QObject *parent = nullptr)
        : RowsModel({"key", "label", "domain", "score", "previousScore", "chosen"}, parent)
    {}
};

// The concerns chosen in an assessment, in the order agreed with the person: ranked ones first.
class ConcernScoresModel : public RowsModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Provided by AssessmentController")
public:
    // rank is 0 when not among those chosen to discuss first; discussFirst is rank 1-3.
    enum Roles {
        KeyRole = Qt::UserRole,
        ItemRole,
        LabelRole,
        DomainLabelRole,
        ScoreRole,
        PreviousScoreRole,
        RankRole,
        DiscussFirstRole
    };
    Q_ENUM(Roles)
    explicit ConcernScoresModel(QObject *parent = nullptr)
        : RowsModel({"key", "item", "label", "domainLabel", "score", "previousScore", "rank", "discussFirst"}, parent)
    {}
};

// A person's assessments, newest first.
class AssessmentsModel : public RowsModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Provided by AssessmentController")
public:
    enum Roles { KeyRole = Qt::UserRole, KindRole, KindLabelRole, DateRole, StatusRole, StatusLabelRole, DistressRole };
    Q_ENUM(Roles)
    explicit AssessmentsModel(QObject *parent = nullptr)
        : RowsModel({"key", "kind", "kindLabel", "date", "status", "statusLabel", "distress"}, parent)
    {}
};

} // namespace hearth
