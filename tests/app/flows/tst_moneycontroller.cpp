#include "flowtestsupport.h"
#include "moneycontroller.h"

using namespace hearth;

class TestMoneyController : public QObject
{
    Q_OBJECT
    test::FlowFixture f;

private Q_SLOTS:
    void init() { f.setUp(); }
    void cleanup() { f.tearDown(); }

    void runningTotalsKeepBenefitsApartFromDebt()
    {
        MoneyController c;
        QAbstractItemModelTester t(c.gains(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        c.setPersonId(f.personId);
        QCOMPARE(c.totalText(), QStringLiteral("£0.00"));
        QSignalSpy totals(&c, &MoneyController::totalsChanged);
        QVERIFY(c.add({{QStringLiteral("kind"), QStringLiteral("benefit_award")},
                       {QStringLiteral("description"), QStringLiteral("Attendance Allowance")},
                       {QStringLiteral("amount"), QStringLiteral("£4,742.20")},
                       {QStringLiteral("period"), QStringLiteral("annual")}}));
        QVERIFY(totals.size() >= 1);
        QVERIFY(c.add({{QStringLiteral("kind"), QStringLiteral("grant")},
                       {QStringLiteral("amount"), QStringLiteral("350")},
                       {QStringLiteral("period"), QStringLiteral("one_off")},
                       {QStringLiteral("date_awarded"), QStringLiteral("2025-10-01")}}));
        QVERIFY(c.add({{QStringLiteral("kind"), QStringLiteral("debt_written_off")},
                       {QStringLiteral("amount"), 0.1 + 0.2},
                       {QStringLiteral("period"), QStringLiteral("one_off")}}));
        QCOMPARE(c.gainsAnnual(), 4742.2);
        QCOMPARE(c.gainsOneOff(), 350.0);
        QCOMPARE(c.debtWrittenOff(), 0.3);
        QCOMPARE(c.gainsAnnualText(), QStringLiteral("£4,742.20"));
        QCOMPARE(c.totalText(), QStringLiteral("£5,092.50"));
        QCOMPARE(c.gains()->count(), 3);
        QCOMPARE(c.gains()->get(0).value(QStringLiteral("date")).toString(), QStringLiteral("2025-11-23"));
        QCOMPARE(f.all(QStringLiteral("financial_gain")).size(), 3);
    }

    void removingAnEntryIsADeletionWrite()
    {
        MoneyController c;
        QAbstractItemModelTester t(c.gains(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        c.setPersonId(f.personId);
        QVERIFY(c.add({{QStringLiteral("kind"), QStringLiteral("grant")},
                       {QStringLiteral("amount"), QStringLiteral("350")},
                       {QStringLiteral("period"), QStringLiteral("one_off")}}));
        QVERIFY(c.add({{QStringLiteral("kind"), QStringLiteral("debt_written_off")},
                       {QStringLiteral("amount"), QStringLiteral("120")},
                       {QStringLiteral("period"), QStringLiteral("one_off")}}));
        QCOMPARE(c.totalText(), QStringLiteral("£470.00"));
        const QString grant = c.gains()
                                  ->get(c.gains()->indexOf(f.all(QStringLiteral("financial_gain")).constFirst().id))
                                  .value(QStringLiteral("key"))
                                  .toString();
        QVERIFY(!grant.isEmpty());
        const qint64 before = f.writes();
        QVERIFY(c.remove(grant));
        QCOMPARE(f.writes(), before + 1);
        QCOMPARE(c.gains()->count(), 1);
        QCOMPARE(f.all(QStringLiteral("financial_gain")).size(), 1);
        QVERIFY(f.store->get(grant).value().deleted);
        // The removal is a `_deleted` write in the revision log, like every other deletion.
        bool logged = false;
        QVERIFY(f.store
                    ->forEachWrite([&](const Write &w, bool) {
                        logged |= w.recordId == grant && w.values.value(QStringLiteral("_deleted")).toBool();
                    })
                    .ok());
        QVERIFY(logged);
        QCOMPARE(c.message(), QStringLiteral("Removed"));

        // Something that is not this person's gain is refused and nothing is written.
        QVERIFY(!c.remove(grant));
        QVERIFY(!c.remove(f.personId));
        QVERIFY(!c.remove(QStringLiteral("no-such-id")));
        QVERIFY(c.failed());
        QCOMPARE(f.writes(), before + 1);
    }

    void badAmountsAreRefusedPerField()
    {
        MoneyController c;
        c.setPersonId(f.personId);
        const qint64 before = f.writes();
        QVERIFY(!c.add({{QStringLiteral("kind"), QStringLiteral("benefit_award")},
                        {QStringLiteral("amount"), QStringLiteral("lots")},
                        {QStringLiteral("period"), QStringLiteral("annual")}}));
        QVERIFY(c.errors().value(QStringLiteral("amount")).toString().contains(QStringLiteral("pounds")));
        QVERIFY(!c.add({{QStringLiteral("kind"), QStringLiteral("debt_written_off")},
                        {QStringLiteral("amount"), QStringLiteral("12.345")},
                        {QStringLiteral("period"), QStringLiteral("one_off")}}));
        QVERIFY(c.errors().contains(QStringLiteral("amount")));
        QVERIFY(!c.add({{QStringLiteral("kind"), QStringLiteral("debt_written_off")},
                        {QStringLiteral("amount"), QStringLiteral("100")},
                        {QStringLiteral("period"), QStringLiteral("annual")}}));
        QCOMPARE(c.errors().value(QStringLiteral("period")).toString(),
                 QStringLiteral("debt written off is a one-off amount"));
        QVERIFY(!c.add({{QStringLiteral("kind"), QStringLiteral("grant")},
                        {QStringLiteral("amount"), QStringLiteral("")},
                        {QStringLiteral("period"), QStringLiteral("one_off")}}));
        QVERIFY(c.errors().contains(QStringLiteral("amount")));
        QCOMPARE(f.writes(), before);
        QCOMPARE(c.gains()->count(), 0);
    }
};

QTEST_GUILESS_MAIN(TestMoneyController)
#include "tst_moneycontroller.moc"
