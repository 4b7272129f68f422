#include "appsupport.h"
#include "caseloadmodel.h"
#include "syncstatus.h"
#include "unlockcontroller.h"

#include "../sync/serverprocess.h"

using namespace hearth;
using namespace hearth::app;

// The app against a real hearth-server over loopback TLS: enrol from the unlock screen, sync by
// itself, keep working while the server is gone, and catch up when it is back.
class TestSyncStatus : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void statesFromEngineSignals();
    void enrolSyncOfflineAndBack();
};

void TestSyncStatus::statesFromEngineSignals()
{
    SyncStatus s(nullptr);
    QSignalSpy changed(&s, &SyncStatus::changed);
    QSignalSpy pulled(&s, &SyncStatus::pulled);
    QCOMPARE(s.state(), SyncStatus::State::Locked);
    s.applyOpened(true, QStringLiteral("https://h.example"));
    QCOMPARE(s.state(), SyncStatus::State::Idle);
    s.applyState(sync::SyncEngine::State::Syncing);
    s.applyProgress(5, 20);
    QCOMPARE(s.state(), SyncStatus::State::Syncing);
    QCOMPARE(s.done(), 5);
    QCOMPARE(s.total(), 20);
    sync::SyncSummary failed;
    failed.ok = false;
    failed.offline = true;
    failed.error = QStringLiteral("no route");
    s.applyFinished(failed);
    s.applyState(sync::SyncEngine::State::Offline);
    QCOMPARE(s.state(), SyncStatus::State::Offline);
    QCOMPARE(s.lastError(), QStringLiteral("no route"));
    QVERIFY(!s.lastSynced().isValid());
    QCOMPARE(pulled.size(), 0);
    sync::SyncSummary ok;
    ok.ok = true;
    ok.pulled = 3;
    ok.finishedAt = QDateTime::currentDateTime();
    s.applyFinished(ok);
    QVERIFY(s.lastSynced().isValid());
    QVERIFY(s.lastError().isEmpty());
    QCOMPARE(pulled.size(), 1);
    QCOMPARE(s.lastRun().value(QStringLiteral("pulled")).toInt(), 3);
    s.applyCounts(4, 2);
    QCOMPARE(s.pending(), 4);
    QCOMPARE(s.conflicts(), 2);
    QVERIFY(changed.size() >= 7);
}

void TestSyncStatus::enrolSyncOfflineAndBack()
{
    QTemporaryDir tmp;
    test::ServerProcess server(tmp.path() + QStringLiteral("/server"));
    QCOMPARE(server.admin({QStringLiteral("demo")}), 0);
    QVERIFY(server.start());

    test::FirstRunFixture device;
    Session &session = device.session;
    UnlockController unlock;
    QVERIFY(unlock.isFirstRun());
    QSignalSpy unlocked(&unlock, &UnlockController::unlocked);
    unlock.enrol(server.url(), QStringLiteral("lw1"), QStringLiteral("demo-lw1"), server.pin(),
                 QStringLiteral("device passcode 1"), QStringLiteral("device passcode 1"));
    QVERIFY2(unlocked.wait(60000), qPrintable(unlock.error()));
    QVERIFY(session.isUnlocked());
    SyncStatus *status = session.syncStatus();
    // The session starts syncing by itself: no button pressed.
    QTRY_VERIFY_WITH_TIMEOUT(status->lastSynced().isValid(), 60000);
    QVERIFY(status->isEnrolled());
    QCOMPARE(status->server(), server.url());
    CaseloadModel caseload;
    caseload.setFilter(CaseloadModel::Filter::All);
    QTRY_VERIFY_WITH_TIMEOUT(caseload.total() > 0 && !caseload.isBusy(), 30000);

    // The server goes away: the app keeps working, says it is offline, and counts what waits.
    server.kill();
    auto added = session.commit(
        {Mutation::put(QStringLiteral("person"), test::person(QStringLiteral("Offline"), QStringLiteral("Added")))});
    QVERIFY(added.ok());
    status->syncNow();
    QTRY_COMPARE_WITH_TIMEOUT(status->state(), SyncStatus::State::Offline, 60000);
    QTRY_VERIFY_WITH_TIMEOUT(status->pending() > 0, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(caseload.matches() > 0 && !caseload.isBusy(), 10000);

    // Back on the same port: the next run sends what waited.
    QVERIFY(server.start(server.port()));
    status->syncNow();
    QTRY_VERIFY_WITH_TIMEOUT(status->pending() == 0 && status->state() == SyncStatus::State::Idle, 60000);
    QVERIFY(status->lastError().isEmpty());
    session.lock();
    QCOMPARE(status->state(), SyncStatus::State::Locked);
}

QTEST_MAIN(TestSyncStatus)
#include "tst_syncstatus.moc"
