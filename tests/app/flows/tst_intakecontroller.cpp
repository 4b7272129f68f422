#include "flowtestsupport.h"
#include "intakecontroller.h"

using namespace hearth;

class TestIntakeController : public QObject
{
    Q_OBJECT
    test::FlowFixture f;

    static QVariantMap newPerson()
    {
        return {{QStringLiteral("given_name"), QStringLiteral("Isla")},
                {QStringLiteral("family_name"), QStringLiteral("Drummond")},
                {QStringLiteral("date_of_birth"), QStringLiteral("1961-07-02")},
                {QStringLiteral("postcode"), QStringLiteral("g42 7xy")},
                {QStringLiteral("phone"), QString()},
                {QStringLiteral("consent_to_contact"), true},
                {QStringLiteral("consent_share_housing"), true}};
    }

private Q_SLOTS:
    void init() { f.setUp(); }
    void cleanup() { f.tearDown(); }

    void newPersonAndReferralTogether()
    {
        IntakeController c;
        QVERIFY(c.isNew());
        QCOMPARE(c.referral().value(QStringLiteral("date_received")).toString(), QStringLiteral("2025-11-23"));
        QVERIFY(c.consents().size() >= 7);
        QSignalSpy created(&c, &IntakeController::created);
        QVERIFY(c.save(newPerson(),
                       {{QStringLiteral("source"), QStringLiteral("gp")},
                        {QStringLiteral("date_received"), QStringLiteral("2025-11-20")}}));
        QCOMPARE(created.size(), 1);
        const QString id = created[0][0].toString();
        QCOMPARE(c.personId(), id);
        QVERIFY(!c.isNew());
        const Record p = f.store->get(id).value();
        QCOMPARE(p.values.value(QStringLiteral("postcode")).toString(), QStringLiteral("G42 7XY"));
        QVERIFY(!p.values.contains(QStringLiteral("phone")));
        QCOMPARE(p.values.value(QStringLiteral("consent_share_housing")).toBool(), true);
        QCOMPARE(c.personName(), QStringLiteral("Isla Drummond"));
        QCOMPARE(c.referral().value(QStringLiteral("source")).toString(), QStringLiteral("gp"));
        QVERIFY(c.deprivation().contains(QStringLiteral("SIMD")));
    }

    void aBadReferralStoresNeitherRecord()
    {
        IntakeController c;
        const qint64 before = f.writes();
        QVERIFY(!c.save(
            newPerson(),
            {{QStringLiteral("source"), QString()}, {QStringLiteral("date_received"), QStringLiteral("2025-11-20")}}));
        QVERIFY(c.errors().contains(QStringLiteral("source")));
        QVERIFY(c.isNew());
        QCOMPARE(f.writes(), before);
        QVariantMap bad = newPerson();
        bad.insert(QStringLiteral("date_of_birth"), QStringLiteral("02/07/1961"));
        bad.insert(QStringLiteral("given_name"), QString());
        QVERIFY(!c.save(bad, {{QStringLiteral("source"), QStringLiteral("gp")}}));
        QVERIFY(c.errors().value(QStringLiteral("date_of_birth")).toString().contains(QStringLiteral("YYYY-MM-DD")));
        QVERIFY(c.errors().contains(QStringLiteral("given_name")));
        QCOMPARE(f.writes(), before);
    }

    void editAnExistingPerson()
    {
        IntakeController c;
        c.setPersonId(f.personId);
        QCOMPARE(c.person().value(QStringLiteral("given_name")).toString(), QStringLiteral("Morag"));
        QVERIFY(c.referral().isEmpty());
        QVERIFY(c.save({{QStringLiteral("preferred_name"), QStringLiteral("Mo")}},
                       {{QStringLiteral("source"), QStringLiteral("self")},
                        {QStringLiteral("date_received"), QStringLiteral("2025-11-01")}}));
        QCOMPARE(c.personName(), QStringLiteral("Mo MacAlister"));
        QCOMPARE(f.all(QStringLiteral("referral")).size(), 1);
        QVERIFY(c.save({}, {{QStringLiteral("referrer"), QStringLiteral("Dr Rao")}}));
        QCOMPARE(f.all(QStringLiteral("referral")).size(), 1);
        QCOMPARE(f.all(QStringLiteral("referral"))[0].values.value(QStringLiteral("referrer")).toString(),
                 QStringLiteral("Dr Rao"));
    }

    void contactAttemptsDateTheFirstContact()
    {
        QVERIFY(f.store
                    ->commit({Mutation::put(QStringLiteral("referral"),
                                            {{QStringLiteral("person_id"), f.personId},
                                             {QStringLiteral("source"), QStringLiteral("gp")},
                                             {QStringLiteral("date_received"), QStringLiteral("2025-11-13")}})})
                    .ok());
        ContactController c;
        QAbstractItemModelTester t(c.contacts(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        c.setPersonId(f.personId);
        QVERIFY(c.awaitingFirstContact());
        QCOMPARE(c.daysWaiting(), 10);
        QVERIFY(c.add({{QStringLiteral("date"), QStringLiteral("2025-11-20")},
                       {QStringLiteral("method"), QStringLiteral("phone")},
                       {QStringLiteral("outcome"), QStringLiteral("no_answer")}}));
        QVERIFY(c.awaitingFirstContact());
        const qint64 before = f.writes();
        QVERIFY(!c.add({{QStringLiteral("method"), QStringLiteral("pigeon")},
                        {QStringLiteral("outcome"), QStringLiteral("reached")}}));
        QVERIFY(c.errors().contains(QStringLiteral("method")));
        QCOMPARE(f.writes(), before);
        QVERIFY(c.awaitingFirstContact());
        QVERIFY(c.add({{QStringLiteral("date"), QStringLiteral("2025-11-22")},
                       {QStringLiteral("method"), QStringLiteral("home_visit")},
                       {QStringLiteral("outcome"), QStringLiteral("visit_arranged")}}));
        QVERIFY(!c.awaitingFirstContact());
        QCOMPARE(f.all(QStringLiteral("referral"))[0].values.value(QStringLiteral("date_first_contact")).toString(),
                 QStringLiteral("2025-11-22"));
        QCOMPARE(c.contacts()->count(), 2);
        QCOMPARE(c.contacts()->get(0).value(QStringLiteral("outcomeLabel")).toString(),
                 QStringLiteral("Visit arranged"));
    }
};

QTEST_GUILESS_MAIN(TestIntakeController)
#include "tst_intakecontroller.moc"
