// The smaller flows: visit notes, case closure and the Recovery Package.
#include "closurecontroller.h"
#include "flowtestsupport.h"
#include "notescontroller.h"
#include "recoverycontroller.h"

using namespace hearth;

class TestVisitRecords : public QObject
{
    Q_OBJECT
    test::FlowFixture f;

private Q_SLOTS:
    void init() { f.setUp(); }
    void cleanup() { f.tearDown(); }

    void notesAreAppendOnly()
    {
        NotesController c;
        QAbstractItemModelTester t(c.notes(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        c.setPersonId(f.personId);
        QSignalSpy saved(&c, &FlowController::saved);
        QVERIFY(c.add(QStringLiteral("First visit.\nTalked about money.")));
        QCOMPARE(saved.size(), 1);
        QVERIFY(c.add(QStringLiteral("Second visit.")));
        QCOMPARE(c.notes()->count(), 2);
        QCOMPARE(c.notes()->get(0).value(QStringLiteral("author")).toString(), QStringLiteral("lw1"));
        const qint64 before = f.writes();
        QVERIFY(!c.add(QStringLiteral("   ")));
        QVERIFY(c.errors().contains(QStringLiteral("text")));
        QCOMPARE(f.writes(), before);
        // The core keeps notes append-only; the page offers no edit.
        QVERIFY(!f.store->edit(c.notes()->get(0).value(QStringLiteral("key")).toString(),
                               {{QStringLiteral("text"), QStringLiteral("rewritten")}}));
    }

    void closeNeedsAReasonAndCanReopen()
    {
        ClosureController c;
        c.setPersonId(f.personId);
        QVERIFY(!c.closed());
        QCOMPARE(c.reasonOptions().size(), 7);
        const qint64 before = f.writes();
        QVERIFY(!c.closeCase({}));
        QCOMPARE(c.errors().value(QStringLiteral("reason")).toString(),
                 QStringLiteral("closing a case needs a reason"));
        QVERIFY(!c.closeCase(QStringLiteral("needs_met"), QStringLiteral("2030-01-01")));
        QVERIFY(c.errors().contains(QStringLiteral("date")));
        QCOMPARE(f.writes(), before);
        QSignalSpy changed(&c, &ClosureController::caseChanged);
        QVERIFY(c.closeCase(QStringLiteral("needs_met"), {}, QStringLiteral("All actions done")));
        QVERIFY(changed.size() >= 1);
        QVERIFY(c.closed());
        QCOMPARE(c.date(), QStringLiteral("2025-11-23"));
        QCOMPARE(c.reasonLabel(), QStringLiteral("Needs met"));
        QVERIFY(c.reopen());
        QVERIFY(!c.closed());
        QCOMPARE(f.all(QStringLiteral("case_status")).size(), 1); // one record, edited in place
        QVERIFY(c.closeCase(QStringLiteral("moved_away")));
        QCOMPARE(c.reason(), QStringLiteral("moved_away"));
    }

    void recoveryPackageItems()
    {
        RecoveryController c;
        QAbstractItemModelTester t(c.items(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        c.setPersonId(f.personId);
        QVERIFY(!c.careReviewDone());
        QVERIFY(c.add(QStringLiteral("treatment_summary"),
                      {{QStringLiteral("date_received"), QStringLiteral("2025-10-01")},
                       {QStringLiteral("diagnosis"), QStringLiteral("Adenocarcinoma")},
                       {QStringLiteral("treatment_aim"), QStringLiteral("curative")},
                       {QStringLiteral("staging"), QString()},
                       {QStringLiteral("copy_to_gp"), true},
                       {QStringLiteral("copy_to_person"), false}}));
        QVERIFY(c.add(QStringLiteral("cancer_care_review"),
                      {{QStringLiteral("date"), QStringLiteral("2025-11-10")},
                       {QStringLiteral("reviewer"), QStringLiteral("Dr Rao")},
                       {QStringLiteral("discussed_emotional"), true}}));
        QVERIFY(c.careReviewDone());
        QVERIFY(c.add(QStringLiteral("wellbeing_event"),
                      {{QStringLiteral("date"), QStringLiteral("2026-01-15")}, // booked: may be ahead
                       {QStringLiteral("format"), QStringLiteral("group")},
                       {QStringLiteral("attended_by"), QStringLiteral("both")},
                       {QStringLiteral("topic_money"), true}}));
        QCOMPARE(c.items()->count(), 3);
        QCOMPARE(c.items()->get(0).value(QStringLiteral("type")).toString(), QStringLiteral("wellbeing_event"));
        QCOMPARE(c.items()->get(1).value(QStringLiteral("detail")).toString(), QStringLiteral("Emotional"));
        const auto summary = f.all(QStringLiteral("treatment_summary"));
        QVERIFY(!summary[0].values.contains(QStringLiteral("copy_to_person")));
        QVERIFY(!summary[0].values.contains(QStringLiteral("staging")));

        const qint64 before = f.writes();
        QVERIFY(!c.add(QStringLiteral("cancer_care_review"), {{QStringLiteral("date"), QStringLiteral("2025-11-10")}}));
        QVERIFY(c.errors().contains(QStringLiteral("reviewer")));
        QVERIFY(!c.add(QStringLiteral("treatment_summary"),
                       {{QStringLiteral("date_received"), QStringLiteral("2025-10-01")},
                        {QStringLiteral("treatment_start"), QStringLiteral("2025-09-01")},
                        {QStringLiteral("treatment_end"), QStringLiteral("2025-08-01")}}));
        QVERIFY(c.errors().contains(QStringLiteral("treatment_end")));
        QVERIFY(!c.add(QStringLiteral("note"), {{QStringLiteral("text"), QStringLiteral("x")}}));
        QCOMPARE(f.writes(), before);
    }
};

QTEST_GUILESS_MAIN(TestVisitRecords)
#include "tst_visitrecords.moc"
