// The link worker's home-screen summary, checked two ways: a small caseload whose figures are worked out by hand
// (quarter boundaries, paired and unpaired concerns, another worker's people), and a synthetic caseload whose figures
// the test computes directly from the records it wrote, never through the store or the caseload code.
#include "workersummary.h"

#include "../core/testsupport.h"
#include "demodata.h"

#include <QTemporaryDir>

#include <cmath>

using namespace hearth;
using namespace hearth::documents;

class TestWorkerSummary : public QObject
{
    Q_OBJECT

    QTemporaryDir m_tmp;
    std::unique_ptr<Store> m_store;

    QString put(const QString &type, const QJsonObject &fields)
    {
        auto id = m_store->put(type, fields);
        if (!id)
            qFatal("fixture: %s", qPrintable(id.error().toString()));
        return id.value();
    }

    QString person(const QString &worker)
    {
        QJsonObject p = test::person();
        p.insert(QStringLiteral("link_worker"), worker);
        return put(QStringLiteral("person"), p);
    }

    QString hna(const QString &p, const QString &kind, const QString &date, int distress, const QString &initial = {})
    {
        QJsonObject a{{QStringLiteral("person_id"), p},
                      {QStringLiteral("kind"), kind},
                      {QStringLiteral("date"), date},
                      {QStringLiteral("checklist_version"), test::reference().checklist().id()},
                      {QStringLiteral("overall_distress"), distress},
                      {QStringLiteral("status"), QStringLiteral("complete")}};
        if (!initial.isEmpty())
            a.insert(QStringLiteral("initial_assessment_id"), initial);
        return put(QStringLiteral("assessment"), a);
    }

    void score(const QString &p, const QString &assessment, const QString &domain, const QString &item, int s)
    {
        put(QStringLiteral("concern"),
            QJsonObject{{QStringLiteral("person_id"), p},
                        {QStringLiteral("assessment_id"), assessment},
                        {QStringLiteral("domain"), domain},
                        {QStringLiteral("item"), item},
                        {QStringLiteral("score"), s}});
    }

    void gain(const QString &p, const QString &kind, double amount, const QString &period, const QString &date)
    {
        put(QStringLiteral("financial_gain"),
            QJsonObject{{QStringLiteral("person_id"), p},
                        {QStringLiteral("kind"), kind},
                        {QStringLiteral("amount"), amount},
                        {QStringLiteral("period"), period},
                        {QStringLiteral("date_awarded"), date}});
    }

    void close(const QString &p, const QString &date)
    {
        put(QStringLiteral("case_status"),
            QJsonObject{{QStringLiteral("person_id"), p},
                        {QStringLiteral("status"), QStringLiteral("closed")},
                        {QStringLiteral("date"), date},
                        {QStringLiteral("reason"), QStringLiteral("needs_met")}});
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        auto s = Store::create(m_tmp.filePath(QStringLiteral("store")), "correct horse", test::fastOptions());
        QVERIFY(s.ok());
        m_store = std::move(s).value();

        const QString money = QStringLiteral("money_or_housing"), tired = QStringLiteral("tired_exhausted_or_fatigued"),
                      worry = QStringLiteral("worry_fear_or_anxiety"), pain = QStringLiteral("pain");
        const QString practical = QStringLiteral("practical"), physical = QStringLiteral("physical"),
                      emotional = QStringLiteral("emotional");

        // P1, open: initial HNA on 1 August (review due 24 October), an overdue action, three gains.
        const QString p1 = person(QStringLiteral("lw-a"));
        const QString h1 = hna(p1, QStringLiteral("initial"), QStringLiteral("2025-08-01"), 6);
        score(p1, h1, practical, money, 8);
        put(QStringLiteral("care_action"),
            QJsonObject{{QStringLiteral("person_id"), p1},
                        {QStringLiteral("action"), QStringLiteral("Benefit check")},
                        {QStringLiteral("owner"), QStringLiteral("link_worker")},
                        {QStringLiteral("due_date"), QStringLiteral("2025-11-01")},
                        {QStringLiteral("status"), QStringLiteral("planned")}});
        gain(p1, QStringLiteral("benefit_award"), 4742.2, QStringLiteral("annual"), QStringLiteral("2025-10-01"));
        gain(p1, QStringLiteral("grant"), 250.5, QStringLiteral("one_off"), QStringLiteral("2025-09-30"));
        gain(p1, QStringLiteral("debt_written_off"), 1200, QStringLiteral("one_off"), QStringLiteral("2025-11-15"));

        // P2, open: a referral nobody has contacted yet.
        const QString p2 = person(QStringLiteral("lw-a"));
        put(QStringLiteral("referral"),
            QJsonObject{{QStringLiteral("person_id"), p2},
                        {QStringLiteral("source"), QStringLiteral("gp")},
                        {QStringLiteral("date_received"), QStringLiteral("2025-11-10")}});

        // P3, closed: initial, review and closing HNAs; the closing one is the follow-up.
        const QString p3 = person(QStringLiteral("lw-a"));
        const QString i3 = hna(p3, QStringLiteral("initial"), QStringLiteral("2025-03-01"), 8);
        score(p3, i3, practical, money, 9);
        score(p3, i3, physical, tired, 6);
        score(p3, i3, emotional, worry, 7); // not scored at closing: unpaired
        const QString r3 = hna(p3, QStringLiteral("review"), QStringLiteral("2025-06-01"), 5, i3);
        score(p3, r3, practical, money, 6);
        score(p3, r3, physical, tired, 6);
        const QString c3 = hna(p3, QStringLiteral("closing"), QStringLiteral("2025-08-01"), 3, i3);
        score(p3, c3, practical, money, 2);
        score(p3, c3, physical, tired, 7);
        score(p3, c3, physical, pain, 5); // new at closing: unpaired
        close(p3, QStringLiteral("2025-08-10"));
        gain(p3, QStringLiteral("other"), 100, QStringLiteral("one_off"), QStringLiteral("2025-11-01"));

        // P4, closed after a review only.
        const QString p4 = person(QStringLiteral("lw-a"));
        const QString i4 = hna(p4, QStringLiteral("initial"), QStringLiteral("2025-02-01"), 5);
        score(p4, i4, practical, money, 5);
        const QString r4 = hna(p4, QStringLiteral("review"), QStringLiteral("2025-05-01"), 5, i4);
        score(p4, r4, practical, money, 5);
        close(p4, QStringLiteral("2025-05-20"));

        // P5, closed with no follow-up HNA: counted as closed, not paired.
        const QString p5 = person(QStringLiteral("lw-a"));
        const QString i5 = hna(p5, QStringLiteral("initial"), QStringLiteral("2025-01-10"), 4);
        score(p5, i5, practical, money, 4);
        close(p5, QStringLiteral("2025-02-01"));

        // Another worker's people never count.
        const QString p6 = person(QStringLiteral("lw-b"));
        gain(p6, QStringLiteral("benefit_award"), 999, QStringLiteral("annual"), QStringLiteral("2025-10-15"));
        const QString i6 = hna(p6, QStringLiteral("initial"), QStringLiteral("2025-01-10"), 9);
        score(p6, i6, practical, money, 10);
        const QString r6 = hna(p6, QStringLiteral("review"), QStringLiteral("2025-04-10"), 1, i6);
        score(p6, r6, practical, money, 0);
        close(p6, QStringLiteral("2025-04-20"));
    }

    void handWorkedCaseload()
    {
        auto r = computeWorkerSummary(*m_store, QStringLiteral("lw-a"), QDate(2025, 11, 20));
        QVERIFY2(r.ok(), r ? "" : qPrintable(r.error().toString()));
        const WorkerSummary &s = r.value();
        QCOMPARE(s.quarterStart, QDate(2025, 10, 1));
        QCOMPARE(s.quarterEnd, QDate(2025, 12, 31));
        QCOMPARE(s.people, 5);
        QCOMPARE(s.openCases, 2);
        QCOMPARE(s.awaitingFirstContact, 1);
        QCOMPARE(s.reviewsDue, 1);
        QCOMPARE(s.withOverdueActions, 1);
        QCOMPARE(s.gainedPence, qint64(474220 + 10000));
        QCOMPARE(s.gainedAnnualPence, qint64(474220));
        QCOMPARE(s.debtWrittenOffPence, qint64(120000));
        QCOMPARE(s.gains, 3);
        QCOMPARE(s.peopleWithGains, 2);
        QCOMPARE(s.closedCases, 3);
        QCOMPARE(s.changes.size(), 2);
        QCOMPARE(s.pairedConcerns, 3);
        QCOMPARE(s.concernsImproved, 1);
        QCOMPARE(s.concernsUnchanged, 1);
        QCOMPARE(s.concernsWorse, 1);
        QCOMPARE(s.meanInitialScore, 20.0 / 3);
        QCOMPARE(s.meanFollowUpScore, 14.0 / 3);
        for (const ClosedCaseChange &c : s.changes) {
            if (c.followUpKind == QLatin1String("closing")) {
                QCOMPARE(c.followUpDate, QDate(2025, 8, 1));
                QCOMPARE(c.pairedConcerns, 2);
                QCOMPARE(c.initialTotal, 15);
                QCOMPARE(c.followUpTotal, 9);
                QCOMPARE(c.initialDistress, std::optional<int>(8));
                QCOMPARE(c.followUpDistress, std::optional<int>(3));
            } else {
                QCOMPARE(c.followUpKind, QStringLiteral("review"));
                QCOMPARE(c.initialTotal, 5);
                QCOMPARE(c.followUpTotal, 5);
            }
        }
    }

    void quarterFollowsToday()
    {
        // On 30 September the quarter is July to September: the grant awarded that day counts, October's do not.
        auto r = computeWorkerSummary(*m_store, QStringLiteral("lw-a"), QDate(2025, 9, 30));
        QVERIFY(r.ok());
        QCOMPARE(r.value().quarterStart, QDate(2025, 7, 1));
        QCOMPARE(r.value().quarterEnd, QDate(2025, 9, 30));
        QCOMPARE(r.value().gainedPence, qint64(25050));
        QCOMPARE(r.value().gainedAnnualPence, qint64(0));
        QCOMPARE(r.value().debtWrittenOffPence, qint64(0));
        // Reviews due move with today as well: on 10 October P1's review (24 October) is not yet within a week.
        auto early = computeWorkerSummary(*m_store, QStringLiteral("lw-a"), QDate(2025, 10, 10));
        QVERIFY(early.ok());
        QCOMPARE(early.value().reviewsDue, 0);
        QCOMPARE(early.value().withOverdueActions, 0);
    }

    void unknownWorkerHasNothing()
    {
        auto r = computeWorkerSummary(*m_store, QStringLiteral("nobody"), QDate(2025, 11, 20));
        QVERIFY(r.ok());
        QCOMPARE(r.value().people, 0);
        QCOMPARE(r.value().gains, 0);
        QCOMPARE(r.value().changes.size(), 0);
    }

    // A synthetic caseload for two workers; the expected figures come from the mutations themselves.
    void matchesADirectComputation()
    {
        QTemporaryDir dir;
        auto created = Store::create(dir.filePath(QStringLiteral("store")), "correct horse", test::fastOptions());
        QVERIFY(created.ok());
        Store &store = *created.value();
        const QDate today(2025, 11, 1);
        QList<Mutation> all;
        for (const auto &[worker, people, seed] :
             {std::tuple{QStringLiteral("lw-01"), 60, 7u}, std::tuple{QStringLiteral("lw-02"), 25, 8u}}) {
            demo::Options o;
            o.people = people;
            o.seed = seed;
            o.today = today;
            o.linkWorker = worker;
            for (int i = 0; i < people; ++i)
                all += demo::personStory(i, o, test::reference());
        }
        QVERIFY(store.commit(all).ok());

        // Direct computation over the plain records.
        struct P {
            QString worker;
            bool closed = false, awaiting = false, overdue = false;
            QDate initial, followUp;
        };
        QHash<QString, P> people;
        QHash<QString, QJsonObject> assessments;
        QList<QJsonObject> concerns, gains;
        for (const Mutation &m : all) {
            const QJsonObject &f = m.fields;
            const QString pid = f.value(QStringLiteral("person_id")).toString();
            if (m.type == QLatin1String("person"))
                people[m.id].worker = f.value(QStringLiteral("link_worker")).toString();
            else if (m.type == QLatin1String("case_status"))
                people[pid].closed = f.value(QStringLiteral("status")).toString() == QLatin1String("closed");
            else if (m.type == QLatin1String("referral"))
                people[pid].awaiting = !f.contains(QStringLiteral("date_first_contact"));
            else if (m.type == QLatin1String("care_action")) {
                const QString st = f.value(QStringLiteral("status")).toString();
                if ((st == QLatin1String("planned") || st == QLatin1String("in_progress"))
                    && QDate::fromString(f.value(QStringLiteral("due_date")).toString(), Qt::ISODate) < today)
                    people[pid].overdue = true;
            } else if (m.type == QLatin1String("assessment")) {
                assessments.insert(m.id, f);
                const QDate d = QDate::fromString(f.value(QStringLiteral("date")).toString(), Qt::ISODate);
                if (f.value(QStringLiteral("kind")).toString() == QLatin1String("initial"))
                    people[pid].initial = d;
                else
                    people[pid].followUp = d;
            } else if (m.type == QLatin1String("concern"))
                concerns << f;
            else if (m.type == QLatin1String("financial_gain"))
                gains << f;
        }
        for (const QString &worker : {QStringLiteral("lw-01"), QStringLiteral("lw-02")}) {
            int n = 0, open = 0, awaiting = 0, reviews = 0, overdue = 0, closed = 0;
            for (const P &p : std::as_const(people)) {
                if (p.worker != worker)
                    continue;
                ++n;
                if (p.closed) {
                    ++closed;
                    continue;
                }
                ++open;
                awaiting += p.awaiting;
                overdue += p.overdue;
                reviews += p.initial.isValid() && !p.followUp.isValid() && p.initial.addDays(84) <= today.addDays(7);
            }
            qint64 gained = 0, debt = 0;
            for (const QJsonObject &g : std::as_const(gains)) {
                const QDate d = QDate::fromString(g.value(QStringLiteral("date_awarded")).toString(), Qt::ISODate);
                if (people.value(g.value(QStringLiteral("person_id")).toString()).worker != worker
                    || d < QDate(2025, 10, 1) || d > QDate(2025, 12, 31))
                    continue;
                const qint64 pence = std::llround(g.value(QStringLiteral("amount")).toDouble() * 100);
                (g.value(QStringLiteral("kind")).toString() == QLatin1String("debt_written_off") ? debt : gained) +=
                    pence;
            }
            // Pairs: each closed person's review concern against the initial concern with the same item.
            int paired = 0, better = 0;
            qint64 before = 0, after = 0;
            for (const QJsonObject &c : std::as_const(concerns)) {
                const QJsonObject a = assessments.value(c.value(QStringLiteral("assessment_id")).toString());
                const P p = people.value(c.value(QStringLiteral("person_id")).toString());
                if (p.worker != worker || !p.closed
                    || a.value(QStringLiteral("kind")).toString() == QLatin1String("initial"))
                    continue;
                const QString initialId = a.value(QStringLiteral("initial_assessment_id")).toString();
                for (const QJsonObject &c0 : std::as_const(concerns))
                    if (c0.value(QStringLiteral("assessment_id")).toString() == initialId
                        && c0.value(QStringLiteral("item")) == c.value(QStringLiteral("item"))) {
                        ++paired;
                        before += c0.value(QStringLiteral("score")).toInt();
                        after += c.value(QStringLiteral("score")).toInt();
                        better += c.value(QStringLiteral("score")).toInt() < c0.value(QStringLiteral("score")).toInt();
                    }
            }

            auto r = computeWorkerSummary(store, worker, today);
            QVERIFY2(r.ok(), r ? "" : qPrintable(r.error().toString()));
            const WorkerSummary &s = r.value();
            QCOMPARE(s.people, n);
            QCOMPARE(s.openCases, open);
            QCOMPARE(s.awaitingFirstContact, awaiting);
            QCOMPARE(s.reviewsDue, reviews);
            QCOMPARE(s.withOverdueActions, overdue);
            QCOMPARE(s.closedCases, closed);
            QCOMPARE(s.gainedPence, gained);
            QCOMPARE(s.debtWrittenOffPence, debt);
            QCOMPARE(s.pairedConcerns, paired);
            QCOMPARE(s.concernsImproved, better);
            if (paired > 0) {
                QCOMPARE(s.meanInitialScore, double(before) / paired);
                QCOMPARE(s.meanFollowUpScore, double(after) / paired);
            }
            // The fixture must exercise every figure, or this comparison proves little.
            QVERIFY(n > 0 && open > 0 && closed > 0 && paired > 0 && reviews > 0 && overdue > 0 && awaiting > 0);
            QVERIFY(gained + debt > 0 || worker == QLatin1String("lw-02"));
        }
    }
};

QTEST_GUILESS_MAIN(TestWorkerSummary)
#include "tst_workersummary.moc"
