#pragma once

#include "result.h"
#include "store.h"

#include <QDate>
#include <QList>
#include <QString>

#include <optional>

namespace hearth {
namespace documents {

// How one closed case's concerns changed: the initial HNA against the closing HNA that follows it, or, when the case
// closed without one, the latest review. Only concerns scored at both are paired; a concern dropped from the later
// HNA is unknown, not "gone".
struct ClosedCaseChange {
    QString personId;
    QDate initialDate;
    QDate followUpDate;
    QString followUpKind; // "closing" or "review"
    int pairedConcerns = 0;
    int initialTotal = 0;  // sum of the paired concerns' scores (0-10 each) at the initial HNA
    int followUpTotal = 0; // and at the follow-up
    std::optional<int> initialDistress;
    std::optional<int> followUpDistress;
};

// A link worker's own figures for the app's home screen, computed on the device from the store.
struct WorkerSummary {
    QString worker;
    QDate today;
    // The calendar quarter holding `today` (its boundaries are also those of the UK financial-year quarters).
    QDate quarterStart;
    QDate quarterEnd;

    // People whose link_worker is this worker, by the caseload's rules (core/caseload.h).
    int people = 0; // open or closed
    int openCases = 0;
    int awaitingFirstContact = 0; // open, a referral not yet contacted
    int reviewsDue = 0;           // open, the 12-week review due within 7 days or overdue (the caseload's "reviews")
    int withOverdueActions = 0;   // open, an agreed action past its due date

    // Money gained with these people in the quarter (date_awarded within it), in pence so sums are exact. Benefits
    // and debt written off are reported apart, as the service's reports do; an annual award counts at its yearly
    // value.
    qint64 gainedPence = 0;       // benefit awards, grants and other gains
    qint64 gainedAnnualPence = 0; // the part of gainedPence that is annual awards
    qint64 debtWrittenOffPence = 0;
    int gains = 0;           // financial_gain records counted
    int peopleWithGains = 0; // distinct people they belong to

    // Concern change over this worker's closed cases.
    int closedCases = 0;
    QList<ClosedCaseChange> changes; // closed cases with a paired follow-up HNA, ordered by person id
    int pairedConcerns = 0;          // over all changes
    int concernsImproved = 0;        // score fell
    int concernsUnchanged = 0;
    int concernsWorse = 0;
    double meanInitialScore = 0; // mean over paired concerns; 0 when there are none
    double meanFollowUpScore = 0;
};

// Computes `worker`'s summary as of `today` (a parameter, so tests and the app's "as of" agree; the app passes
// QDate::currentDate()). Reads the caseload summaries, then decrypts the financial gains, assessments and concerns
// on this device. Call on the store's thread.
[[nodiscard]] Result<WorkerSummary> computeWorkerSummary(const Store &store, const QString &worker, const QDate &today);
// The same from a reader (Store::reader()), which has its own connection and key and does not
// depend on the store staying open: the app works the figures out on a worker thread with one.
[[nodiscard]] Result<WorkerSummary> computeWorkerSummary(const Store::Reader &reader, const QString &worker,
                                                         const QDate &today);

} // namespace documents
} // namespace hearth
