#include "assessmentcontroller.h"
#include "flowtestsupport.h"

using namespace hearth;

class TestAssessmentController : public QObject
{
    Q_OBJECT
    test::FlowFixture f;

    static int rowOf(const RowsModel *m, const QString &key, const QVariant &value)
    {
        for (int i = 0; i < m->count(); ++i)
            if (m->get(i).value(key) == value)
                return i;
        return -1;
    }

private Q_SLOTS:
    void init() { f.setUp(); }
    void cleanup() { f.tearDown(); }

    void modelsPassTheTester()
    {
        AssessmentController c;
        QAbstractItemModelTester t1(c.domains(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester t2(c.checklist(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester t3(c.concerns(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester t4(c.assessments(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        c.setPersonId(f.personId);
        QVERIFY(c.begin(QStringLiteral("initial")));
        QVERIFY(c.setScore(QStringLiteral("pain"), 6));
        c.setCurrentDomain(QStringLiteral("practical"));
        QVERIFY(c.setScore(QStringLiteral("money_or_housing"), 9));
        QVERIFY(c.setScore(QStringLiteral("money_or_housing"), -1));
        QCOMPARE(c.domains()->count(), test::reference().checklist().domains().size());
        QCOMPARE(c.domains()->roleNames().value(Qt::UserRole), QByteArray("key"));
    }

    void scoringWritesConcernRecords()
    {
        AssessmentController c;
        c.setPersonId(f.personId);
        QCOMPARE(c.assessmentId(), QString());
        QVERIFY(c.begin(QStringLiteral("initial")));
        QVERIFY(!c.assessmentId().isEmpty());
        QCOMPARE(c.status(), QStringLiteral("draft"));
        QCOMPARE(c.currentDomain(), QStringLiteral("physical"));
        const auto a = f.all(QStringLiteral("assessment"));
        QCOMPARE(a.size(), 1);
        QCOMPARE(a[0].values.value(QStringLiteral("checklist_version")).toString(), test::reference().checklist().id());
        QCOMPARE(a[0].values.value(QStringLiteral("assessor")).toString(), QStringLiteral("lw1"));
        QCOMPARE(a[0].values.value(QStringLiteral("date")).toString(), QStringLiteral("2025-11-23"));

        QSignalSpy changed(c.checklist(), &QAbstractItemModel::dataChanged);
        QVERIFY(c.setScore(QStringLiteral("pain"), 7));
        // Scoring one item updates that row only: the list the person scrolls does not reset.
        QCOMPARE(changed.size(), 1);
        const int pain = rowOf(c.checklist(), QStringLiteral("key"), QStringLiteral("pain"));
        QCOMPARE(c.checklist()->get(pain).value(QStringLiteral("score")).toInt(), 7);
        QCOMPARE(c.checklist()->get(pain).value(QStringLiteral("chosen")).toBool(), true);
        QVERIFY(c.setScore(QStringLiteral("pain"), 4));
        auto concerns = f.all(QStringLiteral("concern"));
        QCOMPARE(concerns.size(), 1);
        QCOMPARE(concerns[0].values.value(QStringLiteral("score")).toInt(), 4);
        QCOMPARE(concerns[0].values.value(QStringLiteral("domain")).toString(), QStringLiteral("physical"));
        QCOMPARE(c.chosenCount(), 1);
        const int physical = rowOf(c.domains(), QStringLiteral("key"), QStringLiteral("physical"));
        QCOMPARE(c.domains()->get(physical).value(QStringLiteral("chosen")).toInt(), 1);

        QVERIFY(c.setScore(QStringLiteral("pain"), -1));
        QCOMPARE(f.all(QStringLiteral("concern")).size(), 0);
        QCOMPARE(c.chosenCount(), 0);
    }

    void badScoreIsRefusedAndStoresNothing()
    {
        AssessmentController c;
        c.setPersonId(f.personId);
        QVERIFY(c.begin(QStringLiteral("initial")));
        const qint64 before = f.writes();
        QSignalSpy errors(&c, &FlowController::errorsChanged);
        QVERIFY(!c.setScore(QStringLiteral("pain"), 11));
        QCOMPARE(errors.size(), 1);
        QVERIFY(c.errors().value(QStringLiteral("score")).toString().contains(QStringLiteral("between 0 and 10")));
        QVERIFY(c.message().startsWith(QStringLiteral("Not saved")));
        QCOMPARE(f.writes(), before);
        QCOMPARE(f.all(QStringLiteral("concern")).size(), 0);
        // A good score afterwards clears the error.
        QVERIFY(c.setScore(QStringLiteral("pain"), 10));
        QVERIFY(c.errors().isEmpty());
    }

    void finishingNeedsOverallDistress()
    {
        AssessmentController c;
        c.setPersonId(f.personId);
        QVERIFY(c.begin(QStringLiteral("initial")));
        QVERIFY(c.setScore(QStringLiteral("pain"), 7));
        const qint64 before = f.writes();
        QVERIFY(!c.finish());
        QVERIFY(c.errors().contains(QStringLiteral("overall_distress")));
        QCOMPARE(f.writes(), before);
        QCOMPARE(c.status(), QStringLiteral("draft"));
        QVERIFY(c.setOverallDistress(6));
        QCOMPARE(c.overallDistress(), 6);
        QVERIFY(c.finish());
        QVERIFY(c.isComplete());
        QCOMPARE(f.all(QStringLiteral("assessment"))[0].values.value(QStringLiteral("status")).toString(),
                 QStringLiteral("complete"));
    }

    void rankingPutsThreeHighestFirstAndThePersonCanReorder()
    {
        AssessmentController c;
        c.setPersonId(f.personId);
        QVERIFY(c.begin(QStringLiteral("initial")));
        QVERIFY(c.setScore(QStringLiteral("pain"), 5));
        QVERIFY(c.setScore(QStringLiteral("constipation"), 9));
        QVERIFY(c.setScore(QStringLiteral("diarrhoea"), 2));
        QVERIFY(c.setScore(QStringLiteral("indigestion"), 7));
        QVERIFY(c.prepareRanking());
        auto order = [&] {
            QStringList items;
            for (int i = 0; i < c.concerns()->count(); ++i)
                items << c.concerns()->get(i).value(QStringLiteral("item")).toString();
            return items;
        };
        QCOMPARE(order(), QStringList({"constipation", "indigestion", "pain", "diarrhoea"}));
        QCOMPARE(c.concerns()->get(2).value(QStringLiteral("rank")).toInt(), 3);
        QCOMPARE(c.concerns()->get(2).value(QStringLiteral("discussFirst")).toBool(), true);
        QCOMPARE(c.concerns()->get(3).value(QStringLiteral("rank")).toInt(), 0);

        // The person wants to talk about diarrhoea first.
        QVERIFY(c.moveConcern(3, 0));
        QCOMPARE(order(), QStringList({"diarrhoea", "constipation", "indigestion", "pain"}));
        QHash<QString, int> ranks;
        for (const Record &r : f.all(QStringLiteral("concern")))
            ranks.insert(r.values.value(QStringLiteral("item")).toString(),
                         r.values.value(QStringLiteral("rank")).toInt(0));
        QCOMPARE(ranks.value(QStringLiteral("diarrhoea")), 1);
        QCOMPARE(ranks.value(QStringLiteral("constipation")), 2);
        QCOMPARE(ranks.value(QStringLiteral("indigestion")), 3);
        QCOMPARE(ranks.value(QStringLiteral("pain")), 0);
        // An order the person set is kept when ranking is prepared again.
        QVERIFY(c.prepareRanking());
        QCOMPARE(order().first(), QStringLiteral("diarrhoea"));
        QVERIFY(!c.moveConcern(0, 9));
    }

    void reviewShowsEarlierScores()
    {
        AssessmentController c;
        c.setPersonId(f.personId);
        QVERIFY(c.begin(QStringLiteral("initial")));
        const QString initialId = c.assessmentId();
        QVERIFY(c.setScore(QStringLiteral("pain"), 8));
        QVERIFY(c.setOverallDistress(7));
        QVERIFY(c.finish());
        c.close();
        QCOMPARE(c.assessmentId(), QString());
        QCOMPARE(c.assessments()->count(), 1);

        QVERIFY(c.begin(QStringLiteral("review")));
        QCOMPARE(c.kind(), QStringLiteral("review"));
        QCOMPARE(c.initialAssessmentId(), initialId);
        QCOMPARE(c.previousDistress(), 7);
        const int pain = rowOf(c.checklist(), QStringLiteral("key"), QStringLiteral("pain"));
        QCOMPARE(c.checklist()->get(pain).value(QStringLiteral("previousScore")).toInt(), 8);
        QCOMPARE(c.checklist()->get(pain).value(QStringLiteral("score")).toInt(), -1);
        QVERIFY(c.setScore(QStringLiteral("pain"), 3));
        QCOMPARE(c.concerns()->get(0).value(QStringLiteral("previousScore")).toInt(), 8);
        QCOMPARE(c.concerns()->get(0).value(QStringLiteral("score")).toInt(), 3);
        QCOMPARE(c.assessments()->count(), 2);
    }

    void reviewWithoutInitialIsRefused()
    {
        AssessmentController c;
        c.setPersonId(f.personId);
        const qint64 before = f.writes();
        QVERIFY(!c.begin(QStringLiteral("review")));
        QVERIFY(c.errors().contains(QStringLiteral("initial_assessment_id")));
        // The field is not on the page, so the message spells the problem out.
        QVERIFY(c.message().contains(QStringLiteral("initial_assessment_id")));
        QCOMPARE(f.writes(), before);
        QCOMPARE(c.assessmentId(), QString());
    }

    void aDraftIsResumed()
    {
        {
            AssessmentController c;
            c.setPersonId(f.personId);
            QVERIFY(c.begin(QStringLiteral("initial")));
            QVERIFY(c.setScore(QStringLiteral("pain"), 5));
        }
        AssessmentController again;
        again.setPersonId(f.personId);
        QVERIFY(!again.assessmentId().isEmpty());
        QCOMPARE(again.chosenCount(), 1);
    }

    void lockedAppRefuses()
    {
        AssessmentController c;
        c.setPersonId(f.personId);
        QSignalSpy available(&c, &FlowController::availableChanged);
        FlowSession::instance()->detach();
        QCOMPARE(available.size(), 1);
        QVERIFY(!c.available());
        QVERIFY(!c.begin(QStringLiteral("initial")));
        QCOMPARE(c.checklist()->count(), 0);
    }
};

QTEST_GUILESS_MAIN(TestAssessmentController)
#include "tst_assessmentcontroller.moc"
