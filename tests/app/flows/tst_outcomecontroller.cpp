#include "flowtestsupport.h"
#include "outcomecontroller.h"

#include <QFile>

using namespace hearth;

class TestOutcomeController : public QObject
{
    Q_OBJECT
    test::FlowFixture f;

private Q_SLOTS:
    void init() { f.setUp(); }
    void cleanup()
    {
        OutcomeController::setWordingDirectory({});
        f.tearDown();
    }

    void placeholderWordingHasTheInstrumentsStructure()
    {
        OutcomeController::setWordingDirectory({});
        const QVariantMap w5 = OutcomeController::loadWording(QStringLiteral("eq5d_5l"));
        QVERIFY(w5.value(QStringLiteral("placeholder")).toBool());
        const QVariantList dims = w5.value(QStringLiteral("dimensions")).toList();
        QCOMPARE(dims.size(), 5);
        QCOMPARE(dims[0].toMap().value(QStringLiteral("id")).toString(), QStringLiteral("mobility"));
        QCOMPARE(dims[4].toMap().value(QStringLiteral("levels")).toList().size(), 5);
        const QVariantMap w3 = OutcomeController::loadWording(QStringLiteral("eq5d_3l"));
        QCOMPARE(
            w3.value(QStringLiteral("dimensions")).toList()[0].toMap().value(QStringLiteral("levels")).toList().size(),
            3);
        QVERIFY(!OutcomeController::loadWording(QStringLiteral("distress_thermometer"))
                     .value(QStringLiteral("title"))
                     .toString()
                     .isEmpty());
    }

    void deploymentWordingReplacesThePlaceholder()
    {
        QTemporaryDir dir;
        QFile file(dir.filePath(QStringLiteral("distress_thermometer.json")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(R"({"format":"hearth.instrument_wording","format_version":1,"title":"Licensed title",
                      "prompt":"Licensed prompt","low":"0","high":"10"})");
        file.close();
        QFile bad(dir.filePath(QStringLiteral("eq5d_5l.json")));
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write(R"({"format":"hearth.instrument_wording","title":"Broken","dimensions":[]})");
        bad.close();
        OutcomeController::setWordingDirectory(dir.path());
        const QVariantMap w = OutcomeController::loadWording(QStringLiteral("distress_thermometer"));
        QCOMPARE(w.value(QStringLiteral("title")).toString(), QStringLiteral("Licensed title"));
        QVERIFY(!w.value(QStringLiteral("placeholder")).toBool());
        // A malformed file is not used: the placeholder is.
        QVERIFY(
            OutcomeController::loadWording(QStringLiteral("eq5d_5l")).value(QStringLiteral("placeholder")).toBool());
    }

    void eq5dIsSavedWithItsIndexAndComparedBeforeAndAfter()
    {
        OutcomeController c;
        QAbstractItemModelTester t1(c.history(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester t2(c.comparison(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        c.setPersonId(f.personId);
        QCOMPARE(c.timepoint(), QStringLiteral("initial"));
        QSignalSpy form(&c, &OutcomeController::formChanged);
        for (int d = 0; d < 5; ++d)
            c.setLevel(d, d + 1); // 12345
        QCOMPARE(form.size(), 5);
        c.setVas(40);
        QVERIFY(c.save());
        const auto m = f.all(QStringLiteral("outcome_measure"));
        QCOMPARE(m.size(), 1);
        QCOMPARE(m[0].values.value(QStringLiteral("eq5d_state")).toString(), QStringLiteral("12345"));
        QCOMPARE(m[0].values.value(QStringLiteral("eq5d_index")).toDouble(), 0.322);
        QCOMPARE(c.levels(), QVariantList({0, 0, 0, 0, 0})); // the form is cleared
        QCOMPARE(c.vas(), -1);
        QCOMPARE(c.timepoint(), QStringLiteral("review"));
        QCOMPARE(c.comparison()->count(), 0);

        for (int d = 0; d < 5; ++d)
            c.setLevel(d, 1);
        c.setVas(75);
        QVERIFY(c.save());
        QCOMPARE(c.history()->count(), 2);
        QCOMPARE(c.history()->get(0).value(QStringLiteral("indexText")).toString(), QStringLiteral("1.000"));
        QCOMPARE(c.comparison()->count(), 2);
        const QVariantMap index = c.comparison()->get(0);
        QCOMPARE(index.value(QStringLiteral("before")).toString(), QStringLiteral("0.322"));
        QCOMPARE(index.value(QStringLiteral("after")).toString(), QStringLiteral("1.000"));
        QCOMPARE(index.value(QStringLiteral("direction")).toString(), QStringLiteral("better"));
        QCOMPARE(c.comparison()->get(1).value(QStringLiteral("change")).toString(), QStringLiteral("+35"));
    }

    void incompleteMeasuresAreRefused()
    {
        OutcomeController c;
        c.setPersonId(f.personId);
        const qint64 before = f.writes();
        QVERIFY(!c.save()); // nothing entered
        QVERIFY(c.errors().contains(QStringLiteral("eq5d_state")));
        QVERIFY(c.errors().contains(QStringLiteral("eq5d_vas")) || c.message().contains(QStringLiteral("VAS")));
        c.setLevel(0, 2);
        c.setVas(50);
        QVERIFY(!c.save()); // four dimensions unanswered
        QVERIFY(c.errors().value(QStringLiteral("eq5d_state")).toString().contains(QStringLiteral("five digits")));
        QCOMPARE(c.levels()[0].toInt(), 2); // what was entered is kept for correcting
        c.setInstrument(QStringLiteral("distress_thermometer"));
        QVERIFY(!c.save());
        QVERIFY(c.errors().contains(QStringLiteral("distress")));
        QCOMPARE(f.writes(), before);
        c.setDistress(6);
        QVERIFY(c.save());
        QCOMPARE(f.all(QStringLiteral("outcome_measure"))[0].values.value(QStringLiteral("distress")).toInt(), 6);
    }

    void distressFallsBackToTheAssessments()
    {
        f.seedAssessment({{QStringLiteral("pain"), 8}}, 8);
        auto review = f.store->commit(
            {Mutation::put(QStringLiteral("assessment"),
                           {{QStringLiteral("person_id"), f.personId},
                            {QStringLiteral("kind"), QStringLiteral("review")},
                            {QStringLiteral("date"), QStringLiteral("2025-11-20")},
                            {QStringLiteral("checklist_version"), test::reference().checklist().id()},
                            {QStringLiteral("initial_assessment_id"), f.all(QStringLiteral("assessment"))[0].id},
                            {QStringLiteral("overall_distress"), 3},
                            {QStringLiteral("status"), QStringLiteral("complete")}})});
        QVERIFY(review.ok());
        OutcomeController c;
        c.setPersonId(f.personId);
        QCOMPARE(c.comparison()->count(), 1);
        QCOMPARE(c.comparison()->get(0).value(QStringLiteral("direction")).toString(), QStringLiteral("better"));
        QCOMPARE(c.comparison()->get(0).value(QStringLiteral("change")).toString(), QStringLiteral("-5"));
    }
};

QTEST_GUILESS_MAIN(TestOutcomeController)
#include "tst_outcomecontroller.moc"
