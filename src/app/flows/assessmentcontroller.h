#pragma once

#include "assessmentmodels.h"
#include "flowcontroller.h"

#include <QHash>

namespace hearth {

// A Holistic Needs Assessment, domain by domain: the person picks concerns from the checklist and
// scores each 0-10, gives an overall distress score, then ranks the concerns with the worker (the
// three highest come first; the person may reorder). Everything is saved as it is entered (a draft
// survives a visit cut short); completing it asks the core to accept it as complete.
class AssessmentController : public FlowController
{
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(QString assessmentId READ assessmentId NOTIFY assessmentChanged)
    Q_PROPERTY(QString kind READ kind NOTIFY assessmentChanged)
    Q_PROPERTY(QString kindLabel READ kindLabel NOTIFY assessmentChanged)
    Q_PROPERTY(QString date READ date NOTIFY assessmentChanged)
    Q_PROPERTY(QString status READ status NOTIFY assessmentChanged)
    Q_PROPERTY(bool complete READ isComplete NOTIFY assessmentChanged)
    Q_PROPERTY(int overallDistress READ overallDistress NOTIFY assessmentChanged)
    Q_PROPERTY(int previousDistress READ previousDistress NOTIFY assessmentChanged)
    Q_PROPERTY(QString initialAssessmentId READ initialAssessmentId NOTIFY assessmentChanged)
    Q_PROPERTY(QString checklistTitle READ checklistTitle CONSTANT)
    Q_PROPERTY(QString currentDomain READ currentDomain WRITE setCurrentDomain NOTIFY currentDomainChanged)
    Q_PROPERTY(QString currentDomainLabel READ currentDomainLabel NOTIFY currentDomainChanged)
    Q_PROPERTY(int chosenCount READ chosenCount NOTIFY assessmentChanged)
    Q_PROPERTY(hearth::DomainsModel *domains READ domains CONSTANT)
    Q_PROPERTY(hearth::ChecklistModel *checklist READ checklist CONSTANT)
    Q_PROPERTY(hearth::ConcernScoresModel *concerns READ concerns CONSTANT)
    Q_PROPERTY(hearth::AssessmentsModel *assessments READ assessments CONSTANT)
public:
    explicit AssessmentController(QObject *parent = nullptr);

    [[nodiscard]] QString assessmentId() const { return m_assessmentId; }
    [[nodiscard]] QString kind() const;
    [[nodiscard]] QString kindLabel() const;
    [[nodiscard]] QString date() const;
    [[nodiscard]] QString status() const;
    [[nodiscard]] bool isComplete() const { return status() == QLatin1String("complete"); }
    // -1 when not given yet.
    [[nodiscard]] int overallDistress() const;
    // The overall distress of the initial assessment a review follows; -1 when none.
    [[nodiscard]] int previousDistress() const { return m_previousDistress; }
    [[nodiscard]] QString initialAssessmentId() const;
    [[nodiscard]] QString checklistTitle() const;
    [[nodiscard]] QString currentDomain() const { return m_currentDomain; }
    void setCurrentDomain(const QString &domain);
    [[nodiscard]] QString currentDomainLabel() const;
    [[nodiscard]] int chosenCount() const { return int(m_concerns.size()); }
    [[nodiscard]] DomainsModel *domains() const { return m_domainsModel; }
    [[nodiscard]] ChecklistModel *checklist() const { return m_checklistModel; }
    [[nodiscard]] ConcernScoresModel *concerns() const { return m_concernsModel; }
    [[nodiscard]] AssessmentsModel *assessments() const { return m_assessmentsModel; }

    // Starts a new draft assessment of `kind` (initial, review, closing) dated today; a review or
    // closing one follows the person's latest initial assessment.
    Q_INVOKABLE bool begin(const QString &kind);
    // Continues an existing assessment (a draft, or a complete one to correct).
    Q_INVOKABLE void open(const QString &assessmentId);
    // Goes back to the list of assessments without changing anything.
    Q_INVOKABLE void close();
    // Scores a checklist item 0-10 (choosing it as a concern); -1 un-chooses it.
    Q_INVOKABLE bool setScore(const QString &item, int score);
    // The overall distress score 0-10.
    Q_INVOKABLE bool setOverallDistress(int score);
    // The assessment's date (YYYY-MM-DD).
    Q_INVOKABLE bool setDate(const QString &date);
    // Ranks the concerns by score (highest first) if the person has not ranked them yet.
    Q_INVOKABLE bool prepareRanking();
    // Moves a concern in the agreed order; the first three are those discussed first.
    Q_INVOKABLE bool moveConcern(int from, int to);
    // Marks the assessment complete; the core requires the overall distress score.
    Q_INVOKABLE bool finish();

Q_SIGNALS:
    void assessmentChanged();
    void currentDomainChanged();

protected:
    void reload() override;

private:
    struct Concern {
        QString id;
        QString item;
        QString domain;
        int score = 0;
        int rank = 0;
    };
    void rebuildModels();
    [[nodiscard]] QList<Concern> ordered() const;
    bool writeRanks(const QList<Concern> &order, const QString &okMessage);

    QString m_assessmentId;
    QJsonObject m_values;
    QString m_currentDomain;
    int m_previousDistress = -1;
    QHash<QString, Concern> m_concerns;   // by item id, current assessment
    QHash<QString, int> m_previousScores; // by item id, the initial assessment a review follows
    DomainsModel *m_domainsModel;
    ChecklistModel *m_checklistModel;
    ConcernScoresModel *m_concernsModel;
    AssessmentsModel *m_assessmentsModel;
};

} // namespace hearth
