// The main window (Main.qml) over a real session: what the lock does to the pages on screen.
#include "appsupport.h"

#include <QPointer>
#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickWindow>
#include <QRegularExpression>
#include <QTimer>
#include <QtQml/qqmlextensionplugin.h>

Q_IMPORT_QML_PLUGIN(HearthPlugin)

using namespace hearth;
using namespace hearth::app;

class TestMainWindow : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        installTranslations();
        selectStyle();
    }
    void lockWhileTheCaseloadCreatesRows();
};

void TestMainWindow::lockWhileTheCaseloadCreatesRows()
{
    // Qt 6.4 warns "DelegateModel::cancel: index out range" (and can crash) when a list that is
    // creating a row asynchronously sees its model emptied; the lock empties the caseload.
    QTest::failOnWarning(QRegularExpression(QStringLiteral("DelegateModel|index out range")));
    test::AppFixture f(300, false, false);
    QQmlApplicationEngine engine;
    QQuickWindow *window = test::loadMainWindow(engine);
    QVERIFY(window);
    window->resize(1280, 800);
    for (int round = 0; round < 6; ++round) {
        f.unlock();
        QQuickItem *list = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT((list = window->findChild<QQuickItem *>(QStringLiteral("caseloadList")))
                                     && list->property("count").toInt() > 0,
                                 20000);
        // Scroll a frame at a time, as a finger would, so the list keeps asking for rows it creates
        // between frames; lock just after a frame, while those rows are still being made.
        int frames = 0;
        bool locked = false;
        const int lockAfter = 3 + round;
        const QPointer<QQuickItem> view(list);
        const auto scroll = connect(window, &QQuickWindow::afterAnimating, this, [view, round] {
            if (view)
                view->setProperty("contentY", view->property("contentY").toReal() + 60 + 40 * round);
        });
        const auto swapped = connect(window, &QQuickWindow::frameSwapped, this, [&] {
            if (++frames < lockAfter) {
                window->update();
                return;
            }
            if (!locked) {
                locked = true;
                window->update();
                QTimer::singleShot(0, f.session.get(), [&f] { f.session->lock(); });
            }
        });
        window->update();
        QTRY_VERIFY_WITH_TIMEOUT(locked && !f.session->isUnlocked(), 10000);
        disconnect(scroll);
        disconnect(swapped);
        // The workspace, its list with it, goes once the event loop deletes it.
        QTRY_VERIFY_WITH_TIMEOUT(!window->findChild<QQuickItem *>(QStringLiteral("caseloadList")), 5000);
        QCOMPARE(window->property("screen").toString(), QStringLiteral("unlock"));
    }
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
