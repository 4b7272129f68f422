#include "desktop/desktopscheduler.h"

#include <QSignalSpy>
#include <QTest>

using namespace hearth;
using namespace std::chrono_literals;

class TestScheduler : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void runsPeriodicallyUntilCancelled();
};

void TestScheduler::runsPeriodicallyUntilCancelled()
{
    DesktopScheduler s;
    int runs = 0;
    s.schedulePeriodic(20ms, [&] { ++runs; });
    QVERIFY(s.isScheduled());
    QTRY_VERIFY_WITH_TIMEOUT(runs >= 3, 5000);
    s.cancel();
    const int after = runs;
    QTest::qWait(100);
    QCOMPARE(runs, after);
    QVERIFY(!s.isScheduled());
}

QTEST_GUILESS_MAIN(TestScheduler)
#include "tst_scheduler.moc"
