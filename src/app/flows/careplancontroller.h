#pragma once

#include "careplanmodels.h"
#include "flowcontroller.h"

#include <QHash>

namespace hearth {

// The care plan built on an assessment's chosen concerns: for each, what was discussed in the
// person's words and the actions agreed (who, by when, status). Once the person agrees the plan it
// is locked: actions can still be tracked (status, outcome, review date) but not rewritten. Each
// share with a professional is recorded, and refused without the person's consent to that share.
// Both are records in the core (care_plan and plan_share), written through commit().
class CarePlanController : public FlowController
{
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(QString assessmentId READ assessmentId WRITE setAssessmentId NOTIFY planChanged)
    Q_PROPERTY(QString assessmentLabel READ assessmentLabel NOTIFY planChanged)
    Q_PROPERTY(bool agreed READ agreed NOTIFY planChanged)
    Q_PROPERTY(QString agreedDate READ agreedDate NOTIFY planChanged)
    Q_PROPERTY(int actionCount READ actionCount NOTIFY planChanged)
    Q_PROPERTY(QVariantList shareOptions READ shareOptions NOTIFY planChanged)
    Q_PROPERTY(bool documentAvailable READ documentAvailable CONSTANT)
    Q_PROPERTY(QString documentPath READ documentPath NOTIFY documentPathChanged)
    Q_PROPERTY(hearth::CarePlanConcernsModel *concerns READ concerns CONSTANT)
    Q_PROPERTY(hearth::PlanSharesModel *shares READ shares CONSTANT)
public:
    explicit CarePlanController(QObject *parent = nullptr);

    // The assessment whose concerns the plan answers; by default the person's latest one with
    // chosen concerns.
    [[nodiscard]] QString assessmentId() const { return m_assessmentId; }
    void setAssessmentId(const QString &id);
    [[nodiscard]] QString assessmentLabel() const { return m_assessmentLabel; }
    [[nodiscard]] bool agreed() const { return !m_agreedDate.isEmpty(); }
    [[nodiscard]] QString agreedDate() const { return m_agreedDate; }
    [[nodiscard]] int actionCount() const { return m_actionCount; }
    // [{value, label, consented}] for each professional a plan may be shared with.
    [[nodiscard]] QVariantList shareOptions() const { return m_shareOptions; }
    // True when this build can produce the care plan PDF.
    [[nodiscard]] bool documentAvailable() const;
    // Where the last PDF was written.
    [[nodiscard]] QString documentPath() const { return m_documentPath; }
    [[nodiscard]] CarePlanConcernsModel *concerns() const { return m_concernsModel; }
    [[nodiscard]] PlanSharesModel *shares() const { return m_sharesModel; }

    // Saves what was discussed about a concern, in the person's words.
    Q_INVOKABLE bool saveDiscussed(const QString &concernId, const QString &text);
    // Adds an action to a concern (empty `actionId`) or changes one. `fields` are care_action
    // fields (action, owner, owner_name, due_date, status, outcome, review_date).
    Q_INVOKABLE bool saveAction(const QString &actionId, const QString &concernId, const QVariantMap &fields);
    // Records that the person agreed the plan today, and locks it.
    Q_INVOKABLE bool agree();
    // Records sharing the agreed plan with `recipient` (a value of shareOptions), if they consented.
    Q_INVOKABLE bool shareWith(const QString &recipient);
    // Writes the care plan PDF into `directory` (the documents folder when empty): the person's copy
    // when `recipient` is empty, else a professional's copy (a shareOptions value), which the
    // document library limits to what the person consented to share.
    Q_INVOKABLE bool exportDocument(const QString &recipient = {}, const QString &directory = {});

Q_SIGNALS:
    void planChanged();
    void documentPathChanged();

protected:
    void reload() override;

private:
    [[nodiscard]] QString chooseAssessment() const;

    QString m_assessmentId;
    bool m_assessmentChosen = false; // set by the page, not picked here
    QString m_assessmentLabel;
    QString m_planId; // the care_plan record of the assessment, if any
    QString m_agreedDate;
    int m_actionCount = 0;
    QVariantList m_shareOptions;
    QString m_documentPath;
    QHash<QString, CareActionsModel *> m_actions; // by concern id, reused across reloads
    CarePlanConcernsModel *m_concernsModel;
    PlanSharesModel *m_sharesModel;
};

} // namespace hearth
