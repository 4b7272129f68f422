#pragma once

#include "workersummary.h"

#include <QDate>
#include <QObject>
#include <QTimer>
#include <QtQml/qqmlregistration.h>

namespace hearth::app {

// The link worker's own figures at the top of the caseload: open cases, reviews due, money gained this
// quarter (debt written off apart) and how concerns changed over closed cases, as display text.
// computeWorkerSummary() needs the Store itself (it decrypts gains and assessments through the store's own
// connection), and the session keeps no passcode to open a second full connection, so it runs on the UI
// thread: only after an unlock and after records change, debounced so a burst of edits or a sync costs
// one computation.
class WorkerSummaryController : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    // True when figures are on display: unlocked, the device knows its user, and the last computation worked.
    Q_PROPERTY(bool available READ isAvailable NOTIFY changed)
    Q_PROPERTY(int openCases READ openCases NOTIFY changed)
    Q_PROPERTY(int reviewsDue READ reviewsDue NOTIFY changed)
    // "1 Oct – 31 Dec 2026": the calendar quarter the money figures cover.
    Q_PROPERTY(QString quarterText READ quarterText NOTIFY changed)
    // Benefits, grants and other gains this quarter, as currency ("£1,234.50").
    Q_PROPERTY(QString gainedText READ gainedText NOTIFY changed)
    // Debt written off this quarter, reported apart from gains.
    Q_PROPERTY(QString debtWrittenOffText READ debtWrittenOffText NOTIFY changed)
    // One sentence on concern change over closed cases, or why there is none to show.
    Q_PROPERTY(QString concernChangeText READ concernChangeText NOTIFY changed)
    // Everything above in one sentence, for screen readers.
    Q_PROPERTY(QString accessibleSummary READ accessibleSummary NOTIFY changed)
    // Why there are no figures (locked, no user on this device, or the store's error); empty when available.
    Q_PROPERTY(QString message READ message NOTIFY changed)
public:
    explicit WorkerSummaryController(QObject *parent = nullptr);
    ~WorkerSummaryController() override;

    [[nodiscard]] bool isAvailable() const { return m_available; }
    [[nodiscard]] int openCases() const { return m_summary.openCases; }
    [[nodiscard]] int reviewsDue() const { return m_summary.reviewsDue; }
    [[nodiscard]] QString quarterText() const { return m_quarterText; }
    [[nodiscard]] QString gainedText() const { return m_gainedText; }
    [[nodiscard]] QString debtWrittenOffText() const { return m_debtText; }
    [[nodiscard]] QString concernChangeText() const { return m_concernText; }
    [[nodiscard]] QString accessibleSummary() const { return m_accessibleSummary; }
    [[nodiscard]] QString message() const { return m_message; }
    // The figures on display (tests compare them with computeWorkerSummary).
    [[nodiscard]] const documents::WorkerSummary &summary() const { return m_summary; }

    // Computes now, on this thread, skipping the debounce (tests). The UI's timer works the
    // figures out on a worker thread instead (refreshInBackground): they read every money entry,
    // assessment and concern, too long to hold up a frame.
    void refresh();
    // Pins "today" (tests); defaults to the current date.
    void setToday(const QDate &today) { m_today = today; }
    // How long a change waits for more changes before the figures are recomputed.
    static constexpr int DebounceMs = 400;

Q_SIGNALS:
    // Any figure or text changed (they change together, after each computation).
    void changed();

private:
    void schedule();
    void refreshInBackground();
    // Checks the session and makes a reader; nullptr (with the figures cleared and why) if not.
    std::unique_ptr<Store::Reader> prepare();
    void apply(const Result<documents::WorkerSummary> &computed);
    void clear(const QString &message);
    [[nodiscard]] QDate today() const { return m_today.isValid() ? m_today : QDate::currentDate(); }

    QTimer m_debounce;
    documents::WorkerSummary m_summary;
    bool m_available = false;
    QString m_quarterText;
    QString m_gainedText;
    QString m_debtText;
    QString m_concernText;
    QString m_accessibleSummary;
    QString m_message;
    QDate m_today;
    quint64 m_generation = 0; // bumped by each computation started and each clear()
};

} // namespace hearth::app
