#include "workersummary.h"

#include "caseload.h"
#include "recordfields.h"
#include "store.h"

#include <QHash>
#include <QSet>

#include <algorithm>
#include <cmath>

namespace hearth::documents {

namespace {

using fields::date;
using fields::integer;
using fields::text;

bool complete(const Record &r)
{
    return text(r.values, "status") == QLatin1String("complete");
}

} // namespace

Result<WorkerSummary> computeWorkerSummary(const Store &store, const QString &worker, const QDate &today)
{
    auto reader = store.reader();
    if (!reader)
        return reader.error();
    return computeWorkerSummary(*reader.value(), worker, today);
}

Result<WorkerSummary> computeWorkerSummary(const Store::Reader &store, const QString &worker, const QDate &today)
{
    WorkerSummary s;
    s.worker = worker;
    s.today = today;
    s.quarterStart = QDate(today.year(), (today.month() - 1) / 3 * 3 + 1, 1);
    s.quarterEnd = s.quarterStart.addMonths(3).addDays(-1);

    auto entries = store.caseload(today);
    if (!entries)
        return entries.error();
    QSet<QString> mine, closed;
    for (const CaseloadEntry &e : entries.value()) {
        if (e.linkWorker != worker)
            continue;
        mine.insert(e.personId);
        ++s.people;
        if (e.closed) {
            closed.insert(e.personId);
            continue;
        }
        ++s.openCases;
        s.awaitingFirstContact += CaseloadIndex::matches(e, CaseloadIndex::Filter::AwaitingFirstContact, today);
        s.reviewsDue += CaseloadIndex::matches(e, CaseloadIndex::Filter::ReviewsDue, today);
        s.withOverdueActions += CaseloadIndex::matches(e, CaseloadIndex::Filter::OverdueActions, today);
    }
    s.closedCases = int(closed.size());

    auto gains = store.list(QStringLiteral("financial_gain"));
    if (!gains)
        return gains.error();
    QSet<QString> helped;
    for (const Record &g : gains.value()) {
        const QDate awarded = date(g.values, "date_awarded");
        if (!mine.contains(g.personId) || awarded < s.quarterStart || awarded > s.quarterEnd)
            continue;
        const qint64 pence = std::llround(g.values.value(QStringLiteral("amount")).toDouble() * 100);
        if (text(g.values, "kind") == QLatin1String("debt_written_off")) {
            s.debtWrittenOffPence += pence;
        } else {
            s.gainedPence += pence;
            if (text(g.values, "period") == QLatin1String("annual"))
                s.gainedAnnualPence += pence;
        }
        ++s.gains;
        helped.insert(g.personId);
    }
    s.peopleWithGains = int(helped.size());

    if (closed.isEmpty())
        return s;
    auto assessments = store.list(QStringLiteral("assessment"));
    if (!assessments)
        return assessments.error();
    auto concerns = store.list(QStringLiteral("concern"));
    if (!concerns)
        return concerns.error();
    QHash<QString, const Record *> assessmentById;
    QHash<QString, QList<const Record *>> followUps; // closed person -> complete closing/review HNAs
    for (const Record &a : assessments.value()) {
        if (!closed.contains(a.personId))
            continue;
        assessmentById.insert(a.id, &a);
        if (complete(a) && text(a.values, "kind") != QLatin1String("initial"))
            followUps[a.personId] << &a;
    }
    QHash<QString, QHash<QString, int>> scores; // assessment id -> item -> score
    for (const Record &c : concerns.value())
        if (closed.contains(c.personId))
            scores[text(c.values, "assessment_id")].insert(text(c.values, "item"),
                                                           c.values.value(QStringLiteral("score")).toInt());

    QStringList people(closed.begin(), closed.end());
    std::sort(people.begin(), people.end());
    qint64 initialSum = 0, followUpSum = 0;
    for (const QString &person : std::as_const(people)) {
        // The closing HNA if there is one, else the latest review; the latest date wins within a kind.
        const Record *follow = nullptr;
        for (const Record *a : followUps.value(person)) {
            if (!follow) {
                follow = a;
                continue;
            }
            const bool closingA = text(a->values, "kind") == QLatin1String("closing");
            const bool closingF = text(follow->values, "kind") == QLatin1String("closing");
            if (closingA != closingF ? closingA : date(a->values, "date") > date(follow->values, "date"))
                follow = a;
        }
        if (!follow)
            continue;
        const Record *initial = assessmentById.value(text(follow->values, "initial_assessment_id"));
        if (!initial || !complete(*initial))
            continue;
        ClosedCaseChange c;
        c.personId = person;
        c.initialDate = date(initial->values, "date");
        c.followUpDate = date(follow->values, "date");
        c.followUpKind = text(follow->values, "kind");
        c.initialDistress = integer(initial->values, "overall_distress");
        c.followUpDistress = integer(follow->values, "overall_distress");
        const QHash<QString, int> before = scores.value(initial->id), after = scores.value(follow->id);
        for (auto it = before.begin(); it != before.end(); ++it) {
            if (!after.contains(it.key()))
                continue;
            const int b = it.value(), a = after.value(it.key());
            ++c.pairedConcerns;
            c.initialTotal += b;
            c.followUpTotal += a;
            if (a < b)
                ++s.concernsImproved;
            else if (a == b)
                ++s.concernsUnchanged;
            else
                ++s.concernsWorse;
        }
        s.pairedConcerns += c.pairedConcerns;
        initialSum += c.initialTotal;
        followUpSum += c.followUpTotal;
        s.changes << c;
    }
    if (s.pairedConcerns > 0) {
        s.meanInitialScore = double(initialSum) / s.pairedConcerns;
        s.meanFollowUpScore = double(followUpSum) / s.pairedConcerns;
    }
    return s;
}

} // namespace hearth::documents
