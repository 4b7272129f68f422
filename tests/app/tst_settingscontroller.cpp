#include "appsupport.h"
#include "settingscontroller.h"

using namespace hearth;
using namespace hearth::app;

class TestSettingsController : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void changesPasscodeOffTheUiThread();
    void refusesMismatchOrWrongPasscode();
    void repointsTheServer();
};

void TestSettingsController::changesPasscodeOffTheUiThread()
{
    test::AppFixture f(2, false);
    SettingsController s;
    QSignalSpy changed(&s, &SettingsController::passcodeChanged);
    s.changePasscode(QString::fromUtf8(test::kAppPasscode), QStringLiteral("a brand new passcode"),
                     QStringLiteral("a brand new passcode"));
    QVERIFY(s.isBusy());
    QVERIFY(changed.wait(10000));
    QVERIFY(s.error().isEmpty());
    QVERIFY(!s.message().isEmpty());
    f.session->lock();
    QVERIFY(!Store::open(f.dir, test::kAppPasscode, test::appOptions()).ok());
    QVERIFY(Store::open(f.dir, "a brand new passcode", test::appOptions()).ok());
}

void TestSettingsController::refusesMismatchOrWrongPasscode()
{
    test::AppFixture f(2, false);
    SettingsController s;
    s.changePasscode(QString::fromUtf8(test::kAppPasscode), QStringLiteral("new passcode one"),
                     QStringLiteral("new passcode two"));
    QVERIFY(!s.isBusy());
    QVERIFY(!s.error().isEmpty());
    s.changePasscode(QStringLiteral("not the current one"), QStringLiteral("new passcode one"),
                     QStringLiteral("new passcode one"));
    QTRY_VERIFY_WITH_TIMEOUT(!s.isBusy(), 10000);
    QVERIFY(!s.error().isEmpty());
    QVERIFY(Store::open(f.dir, test::kAppPasscode, test::appOptions()).ok());
}

void TestSettingsController::repointsTheServer()
{
    test::AppFixture f(2, false);
    SettingsController s;
    QVERIFY(!s.setServer(QStringLiteral("http://insecure.example"), {}));
    QVERIFY(!s.error().isEmpty());
    QVERIFY(!s.setServer(QStringLiteral("https://ok.example:8443"), QStringLiteral("md5/nope")));
    QVERIFY(s.setServer(QStringLiteral("https://ok.example:8443"), QStringLiteral("sha256/abc=")));
    QCOMPARE(s.server(), QStringLiteral("https://ok.example:8443"));
    QCOMPARE(f.session->store()->syncValue(QStringLiteral("pin")).value(), QStringLiteral("sha256/abc="));
    QVERIFY(!s.deviceId().isEmpty());
}

QTEST_MAIN(TestSettingsController)
#include "tst_settingscontroller.moc"
