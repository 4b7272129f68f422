#include "flowtestsupport.h"
#include "onwardreferralcontroller.h"

using namespace hearth;

class TestOnwardReferralController : public QObject
{
    Q_OBJECT
    test::FlowFixture f;
    QStringList ids;

private Q_SLOTS:
    void init()
    {
        f.setUp();
        ids = f.seedAssessment({{QStringLiteral("money_or_housing"), 9}, {QStringLiteral("pain"), 4}});
    }
    void cleanup() { f.tearDown(); }

    void searchAndFilterTheDirectory()
    {
        OnwardReferralController c;
        QAbstractItemModelTester t1(c.directory(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester t2(c.referrals(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        c.setPersonId(f.personId);
        const int all = test::reference().directory().organisations().size();
        QCOMPARE(c.directory()->count(), all);
        QVERIFY(c.sampleDirectory());
        // Needs are the person's concerns (plus "any need").
        QCOMPARE(c.needOptions().size(), 3);
        QCOMPARE(c.concernOptions().size(), 3);

        QSignalSpy filter(&c, &OnwardReferralController::filterChanged);
        c.setNeed(QStringLiteral("money_or_housing"));
        QCOMPARE(filter.size(), 1);
        const auto expected = test::reference().directory().search({}, {}, {}, QStringLiteral("money_or_housing"));
        QVERIFY(!expected.isEmpty());
        QCOMPARE(c.directory()->count(), expected.size());
        c.setArea(QStringLiteral("south"));
        for (int i = 0; i < c.directory()->count(); ++i) {
            const QString areas = c.directory()->get(i).value(QStringLiteral("areas")).toString();
            QVERIFY2(areas.contains(QStringLiteral("South")) || areas.contains(QStringLiteral("City-wide")),
                     qPrintable(areas));
        }
        c.setSearch(QStringLiteral("zzzz-no-such-name"));
        QCOMPARE(c.directory()->count(), 0);
        c.setSearch({});
        c.setNeed({});
        c.setArea({});
        c.setCategory(QStringLiteral("carers"));
        QVERIFY(c.directory()->count() > 0);
        QCOMPARE(c.directory()->get(0).value(QStringLiteral("categoryLabel")).toString(), QStringLiteral("Carers"));
    }

    void referAndTrack()
    {
        OnwardReferralController c;
        c.setPersonId(f.personId);
        const Organisation org = test::reference().directory().organisations().constFirst();
        QVERIFY(c.refer(org.id, ids[1], QStringLiteral("Benefits check"), false));
        QCOMPARE(c.referrals()->count(), 1);
        QCOMPARE(c.referrals()->get(0).value(QStringLiteral("organisation")).toString(), org.name);
        QCOMPARE(c.referrals()->get(0).value(QStringLiteral("concernLabel")).toString(),
                 QStringLiteral("Money or housing"));
        QCOMPARE(c.referrals()->get(0).value(QStringLiteral("status")).toString(), QStringLiteral("made"));
        const QString id = c.referrals()->get(0).value(QStringLiteral("key")).toString();
        QVERIFY(c.update(id,
                         {{QStringLiteral("status"), QStringLiteral("completed")},
                          {QStringLiteral("outcome"), QStringLiteral("Attendance Allowance awarded")}}));
        QCOMPARE(f.store->get(id).value().values.value(QStringLiteral("status")).toString(),
                 QStringLiteral("completed"));
        QCOMPARE(c.referrals()->get(0).value(QStringLiteral("statusLabel")).toString(), QStringLiteral("Completed"));

        const qint64 before = f.writes();
        QVERIFY(!c.update(id, {{QStringLiteral("follow_up_date"), QStringLiteral("2020-01-01")}}));
        QVERIFY(c.errors().contains(QStringLiteral("follow_up_date")));
        QVERIFY(!c.refer(QStringLiteral("org-9999"), {}, QStringLiteral("x")));
        QVERIFY(c.errors().value(QStringLiteral("organisation_id")).toString().contains(QStringLiteral("directory")));
        QCOMPARE(f.writes(), before);
    }
};

QTEST_GUILESS_MAIN(TestOnwardReferralController)
#include "tst_onwardreferralcontroller.moc"
