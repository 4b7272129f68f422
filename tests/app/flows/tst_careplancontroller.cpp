#include "careplancontroller.h"
#include "flowtestsupport.h"

#include <QFile>

using namespace hearth;

class TestCarePlanController : public QObject
{
    Q_OBJECT
    test::FlowFixture f;
    QStringList ids; // assessment, pain, money_or_housing, loneliness_or_isolation

private Q_SLOTS:
    void init()
    {
        f.setUp();
        ids = f.seedAssessment({{QStringLiteral("pain"), 8},
                                {QStringLiteral("money_or_housing"), 7},
                                {QStringLiteral("loneliness_or_isolation"), 5},
                                {QStringLiteral("constipation"), 2}});
    }
    void cleanup() { f.tearDown(); }

    void showsTheRankedConcerns()
    {
        CarePlanController c;
        QAbstractItemModelTester t1(c.concerns(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester t2(c.shares(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        c.setPersonId(f.personId);
        QCOMPARE(c.assessmentId(), ids[0]);
        QVERIFY(c.assessmentLabel().contains(QStringLiteral("2025-11-01")));
        QCOMPARE(c.concerns()->count(), 3); // the unranked constipation has no action: not in the plan
        QCOMPARE(c.concerns()->get(0).value(QStringLiteral("label")).toString(), QStringLiteral("Pain"));
        QCOMPARE(c.concerns()->get(1).value(QStringLiteral("rank")).toInt(), 2);
        QVERIFY(!c.agreed());
        auto *actions =
            qobject_cast<CareActionsModel *>(c.concerns()->get(0).value(QStringLiteral("actions")).value<QObject *>());
        QVERIFY(actions);
        QAbstractItemModelTester t3(actions, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(actions->count(), 0);
    }

    void addActionsDiscussAgreeAndLock()
    {
        CarePlanController c;
        c.setPersonId(f.personId);
        QVERIFY(c.saveDiscussed(ids[1], QStringLiteral("  It keeps me up at night.  ")));
        QCOMPARE(f.store->get(ids[1]).value().values.value(QStringLiteral("discussed")).toString(),
                 QStringLiteral("It keeps me up at night."));
        QVERIFY(c.saveAction({}, ids[1],
                             {{QStringLiteral("action"), QStringLiteral("Ask the GP about pain relief")},
                              {QStringLiteral("owner"), QStringLiteral("gp")},
                              {QStringLiteral("owner_name"), QStringLiteral("Dr Rao")},
                              {QStringLiteral("due_date"), QStringLiteral("2025-12-10")}}));
        const auto actions = f.all(QStringLiteral("care_action"));
        QCOMPARE(actions.size(), 1);
        QCOMPARE(actions[0].values.value(QStringLiteral("status")).toString(), QStringLiteral("planned"));
        QCOMPARE(actions[0].values.value(QStringLiteral("concern_id")).toString(), ids[1]);
        QCOMPARE(actions[0].values.value(QStringLiteral("assessment_id")).toString(), ids[0]);
        QCOMPARE(c.actionCount(), 1);
        auto *model =
            qobject_cast<CareActionsModel *>(c.concerns()->get(0).value(QStringLiteral("actions")).value<QObject *>());
        QCOMPARE(model->count(), 1);
        QCOMPARE(model->get(0).value(QStringLiteral("ownerLabel")).toString(), QStringLiteral("GP"));

        QSignalSpy planChanged(&c, &CarePlanController::planChanged);
        QVERIFY(c.agree());
        QVERIFY(planChanged.size() >= 1);
        QVERIFY(c.agreed());
        QCOMPARE(c.agreedDate(), QStringLiteral("2025-11-23"));
        // Agreement is a care_plan record of the assessment, not a note.
        const auto plans = f.all(QStringLiteral("care_plan"));
        QCOMPARE(plans.size(), 1);
        QCOMPARE(plans[0].values.value(QStringLiteral("assessment_id")).toString(), ids[0]);
        QCOMPARE(plans[0].values.value(QStringLiteral("status")).toString(), QStringLiteral("agreed"));
        QCOMPARE(plans[0].values.value(QStringLiteral("agreed_date")).toString(), QStringLiteral("2025-11-23"));
        QVERIFY(!plans[0].values.value(QStringLiteral("agreed_by")).toString().isEmpty());
        QCOMPARE(f.all(QStringLiteral("note")).size(), 0);
        // Agreeing again writes nothing.
        const qint64 beforeAgain = f.writes();
        QVERIFY(c.agree());
        QCOMPARE(f.writes(), beforeAgain);

        // Locked: the action's wording cannot change, its status can.
        const qint64 before = f.writes();
        QVERIFY(!c.saveAction(actions[0].id, ids[1], {{QStringLiteral("action"), QStringLiteral("Something else")}}));
        QVERIFY(c.errors().contains(QStringLiteral("action")));
        QVERIFY(!c.saveAction({}, ids[2], {{QStringLiteral("action"), QStringLiteral("New")}}));
        QVERIFY(!c.saveDiscussed(ids[1], QStringLiteral("changed")));
        QCOMPARE(f.writes(), before);
        QVERIFY(c.saveAction(actions[0].id, ids[1],
                             {{QStringLiteral("status"), QStringLiteral("done")},
                              {QStringLiteral("action"), QStringLiteral("Ask the GP about pain relief")}}));
        QCOMPARE(f.store->get(actions[0].id).value().values.value(QStringLiteral("status")).toString(),
                 QStringLiteral("done"));
        // ...and so can its outcome and when to look at it again (the editor sends all three).
        QVERIFY(!c.saveAction(actions[0].id, ids[1],
                              {{QStringLiteral("status"), QStringLiteral("done")},
                               {QStringLiteral("outcome"), QStringLiteral("Pain much better")},
                               {QStringLiteral("review_date"), QStringLiteral("2025-02-30")}}));
        QVERIFY(c.errors().contains(QStringLiteral("review_date")));
        QVERIFY(c.saveAction(actions[0].id, ids[1],
                             {{QStringLiteral("status"), QStringLiteral("done")},
                              {QStringLiteral("outcome"), QStringLiteral("Pain much better")},
                              {QStringLiteral("review_date"), QStringLiteral("2026-01-10")}}));
        const QJsonObject tracked = f.store->get(actions[0].id).value().values;
        QCOMPARE(tracked.value(QStringLiteral("outcome")).toString(), QStringLiteral("Pain much better"));
        QCOMPARE(tracked.value(QStringLiteral("review_date")).toString(), QStringLiteral("2026-01-10"));

        // A fresh controller reads the lock back from the store.
        CarePlanController again;
        again.setPersonId(f.personId);
        QVERIFY(again.agreed());
    }

    void badActionShowsFieldErrorsAndStoresNothing()
    {
        CarePlanController c;
        c.setPersonId(f.personId);
        const qint64 before = f.writes();
        QVERIFY(!c.saveAction({}, ids[1],
                              {{QStringLiteral("action"), QStringLiteral("  ")},
                               {QStringLiteral("owner"), QStringLiteral("gp")},
                               {QStringLiteral("due_date"), QStringLiteral("10/12/2025")}}));
        QVERIFY(c.failed());
        QVERIFY(c.errors().contains(QStringLiteral("action")));
        QVERIFY(c.errors().value(QStringLiteral("due_date")).toString().contains(QStringLiteral("YYYY-MM-DD")));
        QCOMPARE(f.writes(), before);
        QVERIFY(!c.agree()); // nothing to agree yet
        QCOMPARE(f.writes(), before);
    }

    void sharingNeedsAgreementAndConsent()
    {
        CarePlanController c;
        c.setPersonId(f.personId);
        QVERIFY(!c.shareWith(QStringLiteral("gp")));
        QVERIFY(c.saveAction({}, ids[1],
                             {{QStringLiteral("action"), QStringLiteral("Pain review")},
                              {QStringLiteral("owner"), QStringLiteral("gp")}}));
        QVERIFY(c.agree());
        // test::person() consents to the GP only.
        bool gpConsented = false, housingConsented = true;
        for (const QVariant &v : c.shareOptions()) {
            const QVariantMap o = v.toMap();
            if (o.value(QStringLiteral("value")) == QStringLiteral("gp"))
                gpConsented = o.value(QStringLiteral("consented")).toBool();
            if (o.value(QStringLiteral("value")) == QStringLiteral("housing"))
                housingConsented = o.value(QStringLiteral("consented")).toBool();
        }
        QVERIFY(gpConsented);
        QVERIFY(!housingConsented);
        const qint64 before = f.writes();
        QVERIFY(!c.shareWith(QStringLiteral("housing")));
        QVERIFY(c.message().contains(QStringLiteral("consent")));
        QCOMPARE(f.writes(), before);
        QVERIFY(!c.shareWith(QStringLiteral("nobody")));
        QVERIFY(c.shareWith(QStringLiteral("gp")));
        QCOMPARE(c.shares()->count(), 1);
        QCOMPARE(c.shares()->get(0).value(QStringLiteral("recipientLabel")).toString(), QStringLiteral("GP"));
        const auto shares = f.all(QStringLiteral("plan_share"));
        QCOMPARE(shares.size(), 1);
        QCOMPARE(shares[0].values.value(QStringLiteral("recipient_kind")).toString(), QStringLiteral("gp"));
        QCOMPARE(shares[0].values.value(QStringLiteral("care_plan_id")).toString(),
                 f.all(QStringLiteral("care_plan"))[0].id);
        QCOMPARE(shares[0].values.value(QStringLiteral("shared_date")).toString(), QStringLiteral("2025-11-23"));

        // The core refuses a share without consent even when a caller skips the controller.
        auto direct =
            f.store->put(QStringLiteral("plan_share"),
                         QJsonObject{{QStringLiteral("person_id"), f.personId},
                                     {QStringLiteral("care_plan_id"), f.all(QStringLiteral("care_plan"))[0].id},
                                     {QStringLiteral("recipient_kind"), QStringLiteral("housing")},
                                     {QStringLiteral("shared_date"), QStringLiteral("2025-11-23")}});
        QVERIFY(!direct.ok());
        QCOMPARE(direct.error().code, ErrorCode::Validation);
        bool named = false;
        for (const FieldError &e : direct.error().fields)
            named |= e.field == QStringLiteral("recipient_kind");
        QVERIFY(named);
    }

    void pdfIsMadeOrSaysNotAvailable()
    {
        CarePlanController c;
        c.setPersonId(f.personId);
        QVERIFY(c.saveAction({}, ids[1],
                             {{QStringLiteral("action"), QStringLiteral("Pain review")},
                              {QStringLiteral("owner"), QStringLiteral("gp")}}));
        QVERIFY(c.agree());
        QTemporaryDir out;
        const bool made = c.exportDocument({}, out.path());
        if (!c.documentAvailable()) {
            QVERIFY(!made);
            QVERIFY(c.message().contains(QStringLiteral("not available")));
            return;
        }
        QVERIFY2(made, qPrintable(c.message()));
        QVERIFY(QFile::exists(c.documentPath()));
        QFile pdf(c.documentPath());
        QVERIFY(pdf.open(QIODevice::ReadOnly));
        QVERIFY(pdf.read(5) == "%PDF-");
        QVERIFY(!c.documentPath().contains(QStringLiteral("MacAlister")));
        // A professional without consent gets nothing.
        QVERIFY(!c.exportDocument(QStringLiteral("housing"), out.path()));
    }
};

QTEST_MAIN(TestCarePlanController)
#include "tst_careplancontroller.moc"
