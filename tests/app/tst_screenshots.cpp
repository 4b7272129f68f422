// Renders every main screen offscreen at tablet landscape (1280x800) and phone (390x844) size with
// the demo caseload, plus the phone at 200% text, and writes PNGs to <build>/screenshots. Fails on
// any QML warning, a blank picture, or a screen that does not open.
#include "appsupport.h"
#include "pageregistry.h"
#include "syncstatus.h"

#include <QDir>
#include <QImage>
#include <QQmlApplicationEngine>
#include <QQuickWindow>
#include <QtQml/qqmlextensionplugin.h>

Q_IMPORT_QML_PLUGIN(HearthPlugin)

using namespace hearth;
using namespace hearth::app;

namespace {
int s_warnings = 0;
QtMessageHandler s_previous = nullptr;
void handler(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    if (type != QtDebugMsg && type != QtInfoMsg && !isEnvironmentNoise(context, message))
        ++s_warnings;
    if (s_previous)
        s_previous(type, context, message);
}

// A blank or single-colour picture means nothing rendered.
bool hasContent(const QImage &image)
{
    if (image.isNull())
        return false;
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); y += 7)
        for (int x = 0; x < image.width(); x += 7)
            colours.insert(image.pixel(x, y));
    return colours.size() > 8;
}
} // namespace

class TestScreenshots : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void everyScreenAtBothSizes();
    void enrolScreen();
    void cleanupTestCase() { qInstallMessageHandler(s_previous); }

private:
    bool grab(QQuickWindow *window, const QString &name);
    QString m_dir;
};

void TestScreenshots::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    installTranslations();
    selectStyle();
    m_dir = QStringLiteral(HEARTH_SCREENSHOT_DIR);
    QVERIFY(QDir().mkpath(m_dir));
    s_previous = qInstallMessageHandler(handler);
}

bool TestScreenshots::grab(QQuickWindow *window, const QString &name)
{
    waitUntil([] { return false; }, 250);
    const QImage image = window->grabWindow();
    const QString path = m_dir + QLatin1Char('/') + name + QStringLiteral(".png");
    if (!hasContent(image) || !image.save(path)) {
        qWarning("screenshot %s is blank or could not be saved", qPrintable(path));
        return false;
    }
    return true;
}

void TestScreenshots::everyScreenAtBothSizes()
{
    s_warnings = 0;
    test::AppFixture f(40, true, false);
    // Enrolment records the device's user; the demo people are all lw-01's, so the caseload's
    // summary card shows their figures.
    {
        auto opened = Store::open(f.dir, test::kAppPasscode, test::appOptions());
        QVERIFY(opened.ok());
        QVERIFY(opened.value()->setSyncValue(QStringLiteral("user"), QStringLiteral("lw-01")).ok());
    }
    f.unlock();
    // The screenshots show an enrolled device that synced a minute ago (no server runs here),
    // set once the sync worker has reported what it found (not enrolled, one conflict).
    SyncStatus *status = f.session->syncStatus();
    QTRY_COMPARE_WITH_TIMEOUT(status->conflicts(), 1, 10000);
    status->applyOpened(true, QStringLiteral("https://hearth.example.org:8443"));
    sync::SyncSummary last;
    last.ok = true;
    last.pulled = 412;
    last.pushed = 3;
    last.finishedAt = QDateTime::currentDateTime().addSecs(-60);
    status->applyFinished(last);
    const QString person = firstPerson(f.dir, test::kAppPasscode, test::reference());
    QVERIFY(!person.isEmpty());

    QQmlApplicationEngine engine;
    QQuickWindow *window = test::loadMainWindow(engine);
    QVERIFY(window);

    struct Size {
        const char *name;
        int w, h;
        qreal text;
    };
    const Size sizes[] = {{"tablet", 1280, 800, 1.0}, {"phone", 390, 844, 1.0}, {"phone-text200", 390, 844, 2.0}};
    for (const Size &size : sizes) {
        window->resize(size.w, size.h);
        f.session->setTextScale(size.text);
        QStringList screens = mainScreens();
        for (const PageEntry &page : pageEntries())
            if (page.isAvailable())
                screens << QStringLiteral("flow:") + page.key;
        for (const QString &screen : screens) {
            if (screen.startsWith(QLatin1String("flow:")))
                QVERIFY(showScreen(window, QStringLiteral("person"), person));
            QVERIFY2(showScreen(window, screen, person), qPrintable(screen));
            QCOMPARE(window->property("screen").toString(), screen);
            QString file = screen;
            file.replace(QLatin1Char(':'), QLatin1Char('-'));
            QVERIFY(grab(window, QStringLiteral("%1-%2").arg(QLatin1String(size.name), file)));
        }
    }
    f.session->setTextScale(1.0);
    f.session->lock();
    for (const Size &size : {sizes[0], sizes[1]}) {
        window->resize(size.w, size.h);
        QVERIFY(grab(window, QStringLiteral("%1-unlock").arg(QLatin1String(size.name))));
    }
    QCOMPARE(s_warnings, 0);
}

void TestScreenshots::enrolScreen()
{
    s_warnings = 0;
    test::FirstRunFixture f;
    QQmlApplicationEngine engine;
    QQuickWindow *window = test::loadMainWindow(engine);
    QVERIFY(window);
    QCOMPARE(window->property("screen").toString(), QStringLiteral("enrol"));
    window->resize(1280, 800);
    QVERIFY(grab(window, QStringLiteral("tablet-enrol")));
    window->resize(390, 844);
    QVERIFY(grab(window, QStringLiteral("phone-enrol")));
    QCOMPARE(s_warnings, 0);
}

QTEST_MAIN(TestScreenshots)
#include "tst_screenshots.moc"
