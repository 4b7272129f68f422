#include "appsupport.h"
#include "workersummarycontroller.h"

#include <QJsonObject>

using namespace hearth;
using namespace hearth::app;

class TestWorkerSummaryController : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedKingdom));
    }
    void figuresMatchComputeWorkerSummary();
    void recomputesOnceAfterABurstOfChanges();
    void clearsOnLock();
    void notesADeviceWithoutAUser();
};

namespace {
const QString kWorker = QStringLiteral("lw-01");

// A demo store whose device belongs to the demo people's link worker, unlocked.
void unlockAsWorker(test::AppFixture &f)
{
    {
        auto opened = Store::open(f.dir, test::kAppPasscode, test::appOptions());
        QVERIFY(opened.ok());
        QVERIFY(opened.value()->setSyncValue(QStringLiteral("user"), kWorker).ok());
    }
    f.unlock();
    QCOMPARE(f.session->user(), kWorker);
}

documents::WorkerSummary direct(test::AppFixture &f)
{
    auto r = documents::computeWorkerSummary(*f.session->store(), kWorker, QDate::currentDate());
    if (!r)
        qFatal("computeWorkerSummary: %s", qPrintable(r.error().message));
    return std::move(r).value();
}
} // namespace

void TestWorkerSummaryController::figuresMatchComputeWorkerSummary()
{
    test::AppFixture f(40, false, false);
    unlockAsWorker(f);
    WorkerSummaryController c;
    QSignalSpy changed(&c, &WorkerSummaryController::changed);
    QVERIFY(!c.isAvailable()); // the first computation waits for the debounce, not the constructor
    QVERIFY(changed.wait(5000));
    QCOMPARE(changed.count(), 1);
    QVERIFY(c.isAvailable());
    QVERIFY(c.message().isEmpty());

    const documents::WorkerSummary s = direct(f);
    QVERIFY(s.people > 0);
    QCOMPARE(c.openCases(), s.openCases);
    QCOMPARE(c.reviewsDue(), s.reviewsDue);
    QCOMPARE(c.summary().gainedPence, s.gainedPence);
    QCOMPARE(c.summary().debtWrittenOffPence, s.debtWrittenOffPence);
    QCOMPARE(c.summary().closedCases, s.closedCases);
    QCOMPARE(c.summary().concernsImproved, s.concernsImproved);
    QCOMPARE(c.gainedText(), QStringLiteral("\u00A3") + QLocale().toString(double(s.gainedPence) / 100.0, 'f', 2));
    QCOMPARE(c.debtWrittenOffText(),
             QStringLiteral("\u00A3") + QLocale().toString(double(s.debtWrittenOffPence) / 100.0, 'f', 2));
    QVERIFY(c.quarterText().contains(QString::number(s.quarterEnd.year())));
    QVERIFY(!c.concernChangeText().isEmpty());
    if (s.pairedConcerns > 0)
        QVERIFY(c.concernChangeText().contains(QString::number(s.pairedConcerns)));
    QVERIFY(c.accessibleSummary().contains(c.gainedText()));
}

void TestWorkerSummaryController::recomputesOnceAfterABurstOfChanges()
{
    test::AppFixture f(20, false, false);
    unlockAsWorker(f);
    WorkerSummaryController c;
    QSignalSpy changed(&c, &WorkerSummaryController::changed);
    QVERIFY(changed.wait(5000));
    const qint64 before = c.summary().gainedPence;
    auto reader = f.session->store()->reader();
    auto entries = reader.value()->caseload(QDate::currentDate());
    QString person;
    for (const CaseloadEntry &e : entries.value())
        if (e.linkWorker == kWorker && !e.closed)
            person = e.personId;
    QVERIFY(!person.isEmpty());

    // Three edits in quick succession: one computation after the last.
    changed.clear();
    const QString today = QDate::currentDate().toString(Qt::ISODate);
    for (int i = 0; i < 3; ++i) {
        auto done = f.session->commit({Mutation::put(QStringLiteral("financial_gain"),
                                                     QJsonObject{{QStringLiteral("person_id"), person},
                                                                 {QStringLiteral("kind"), QStringLiteral("grant")},
                                                                 {QStringLiteral("amount"), 10.25},
                                                                 {QStringLiteral("period"), QStringLiteral("one_off")},
                                                                 {QStringLiteral("date_awarded"), today}})},
                                      {person});
        QVERIFY2(done.ok(), done.ok() ? "" : qPrintable(done.error().message));
    }
    QCOMPARE(changed.count(), 0);
    QVERIFY(changed.wait(5000));
    QTest::qWait(WorkerSummaryController::DebounceMs * 2);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(c.summary().gainedPence, before + 3 * 1025);
    QCOMPARE(c.summary().gainedPence, direct(f).gainedPence);
}

void TestWorkerSummaryController::clearsOnLock()
{
    test::AppFixture f(10, false, false);
    unlockAsWorker(f);
    WorkerSummaryController c;
    QSignalSpy changed(&c, &WorkerSummaryController::changed);
    QVERIFY(changed.wait(5000));
    QVERIFY(c.isAvailable());
    f.session->lock();
    QVERIFY(!c.isAvailable());
    QCOMPARE(c.openCases(), 0);
    QVERIFY(c.gainedText().isEmpty());
    QVERIFY(!c.message().isEmpty());
}

void TestWorkerSummaryController::notesADeviceWithoutAUser()
{
    // A device not yet enrolled has no user: a note, not anyone's figures.
    test::AppFixture bare(10, false);
    WorkerSummaryController d;
    d.refresh();
    QVERIFY(!d.isAvailable());
    QVERIFY(!d.message().isEmpty());
}

QTEST_MAIN(TestWorkerSummaryController)
#include "tst_workersummarycontroller.moc"
