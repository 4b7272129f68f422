#include "appsupport.h"
#include "flows/flowsession.h"
#include "unlockcontroller.h"

using namespace hearth;
using namespace hearth::app;

class TestSession : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void unlockWithPasscodeRequestsSecureScreen();
    void wrongPasscodesLockOut();
    void autoLocksAfterInactivity();
    void enrolmentFailureLeavesNothingBehind();
    void enrolmentChecksInputFirst();
    void settingsPersistOutsideTheStore();
    void commitIsRefusedWhileLocked();
};

void TestSession::unlockWithPasscodeRequestsSecureScreen()
{
    test::AppFixture f(5, false, false);
    QVERIFY(!f.session->isUnlocked());
    QVERIFY(!f.secureScreen.isSecure());
    UnlockController c;
    QVERIFY(!c.isFirstRun());
    QSignalSpy busy(&c, &UnlockController::busyChanged);
    c.unlock(QStringLiteral("not the passcode"));
    QVERIFY(c.isBusy()); // key derivation is off the UI thread
    QTRY_VERIFY_WITH_TIMEOUT(!c.isBusy(), 10000);
    QVERIFY(!f.session->isUnlocked());
    QVERIFY(!c.error().isEmpty());
    QVERIFY(!c.isLockedOut());

    QSignalSpy unlocked(&c, &UnlockController::unlocked);
    c.unlock(QString::fromUtf8(test::kAppPasscode));
    QVERIFY(unlocked.wait(10000));
    QVERIFY(f.session->isUnlocked());
    QVERIFY(f.session->store());
    QVERIFY(f.secureScreen.isSecure());
    QCOMPARE(f.secureScreen.requestsOn(), 1);
    QCOMPARE(FlowSession::instance()->store(), f.session->store());

    f.session->lock();
    QVERIFY(!f.session->isUnlocked());
    QVERIFY(!f.secureScreen.isSecure());
    QCOMPARE(FlowSession::instance()->store(), nullptr);
    QVERIFY(f.session->lockReason().isEmpty());
}

void TestSession::wrongPasscodesLockOut()
{
    test::AppFixture f(3, false, false);
    UnlockController c;
    for (int i = 0; i < 12 && !c.isLockedOut(); ++i) {
        c.unlock(QStringLiteral("wrong %1").arg(i));
        QTRY_VERIFY_WITH_TIMEOUT(!c.isBusy(), 10000);
    }
    QVERIFY(c.isLockedOut());
    QVERIFY(!c.error().isEmpty());
    // Even the right passcode is refused now.
    c.unlock(QString::fromUtf8(test::kAppPasscode));
    QTRY_VERIFY_WITH_TIMEOUT(!c.isBusy(), 10000);
    QVERIFY(!f.session->isUnlocked());
    QVERIFY(c.isLockedOut());
}

void TestSession::autoLocksAfterInactivity()
{
    test::AppFixture f(3, false);
    QVERIFY(f.session->isUnlocked());
    QSignalSpy reason(f.session.get(), &Session::lockReasonChanged);
    f.session->setInactivityLimitMs(150);
    QTRY_VERIFY_WITH_TIMEOUT(!f.session->isUnlocked(), 5000);
    QCOMPARE(f.session->lockReason(), QStringLiteral("inactivity"));
    QVERIFY(!f.secureScreen.isSecure());
}

void TestSession::enrolmentFailureLeavesNothingBehind()
{
    test::FirstRunFixture f;
    UnlockController c;
    QVERIFY(c.isFirstRun());
    // Nothing listens on port 1: enrolment fails as "network", and the half-made store goes.
    c.enrol(QStringLiteral("https://127.0.0.1:1"), QStringLiteral("lw1"), QStringLiteral("pw"), {},
            QStringLiteral("a good passcode 42"), QStringLiteral("a good passcode 42"));
    QVERIFY(c.isBusy());
    QTRY_VERIFY_WITH_TIMEOUT(!c.isBusy(), 30000);
    QVERIFY(!c.error().isEmpty());
    QVERIFY(!Store::exists(f.dir));
    QVERIFY(c.isFirstRun());
    QVERIFY(!f.session.isUnlocked());
}

void TestSession::enrolmentChecksInputFirst()
{
    test::FirstRunFixture f;
    UnlockController c;
    c.enrol(QStringLiteral("http://plain.example"), QStringLiteral("lw1"), QStringLiteral("pw"), {},
            QStringLiteral("a good passcode 42"), QStringLiteral("a good passcode 42"));
    QVERIFY(!c.isBusy());
    QVERIFY(c.error().contains(QLatin1String("https")));
    c.enrol(QStringLiteral("https://h.example"), QStringLiteral("lw1"), QStringLiteral("pw"), {},
            QStringLiteral("a good passcode 42"), QStringLiteral("a good passcode 43"));
    QVERIFY(!c.isBusy());
    QVERIFY(c.error().contains(QLatin1String("different")));
    c.enrol(QStringLiteral("https://h.example"), QStringLiteral("lw1"), QStringLiteral("pw"), {}, QStringLiteral("1"),
            QStringLiteral("1"));
    QVERIFY(!c.isBusy());
    QVERIFY(!c.error().isEmpty());
    QVERIFY(!Store::exists(f.dir));
}

void TestSession::settingsPersistOutsideTheStore()
{
    QTemporaryDir tmp;
    const QString dir = tmp.path() + QStringLiteral("/store");
    StoreOptions options;
    {
        Session s(dir, {}, options);
        QSignalSpy scale(&s, &Session::textScaleChanged);
        s.setTextScale(1.5);
        s.setTextScale(7); // bounded to 200%
        QCOMPARE(scale.size(), 2);
        s.setLockTimeoutMinutes(10);
    }
    Session s(dir, {}, options);
    QCOMPARE(s.textScale(), 2.0);
    QCOMPARE(s.lockTimeoutMinutes(), 10);
}

void TestSession::commitIsRefusedWhileLocked()
{
    test::AppFixture f(2, false, false);
    auto r = f.session->commit({Mutation::put(QStringLiteral("person"), test::person())});
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, ErrorCode::Usage);
}

QTEST_MAIN(TestSession)
#include "tst_session.moc"
