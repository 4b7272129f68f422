#include "selftest.h"

#include "demodata.h"
#include "desktop/desktopsecurescreen.h"
#include "pageregistry.h"
#include "referencedata.h"
#include "session.h"
#include "store.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QGuiApplication>
#include <QLocale>
#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QTemporaryDir>
#include <QThread>
#include <QTranslator>

#include <cstdio>

namespace hearth::app {

QUrl mainUrl()
{
    return QUrl(QStringLiteral("qrc") + moduleResourceRoot() + QStringLiteral("Main.qml"));
}

void prepareEngine(QQmlEngine &engine)
{
    // Qt 6.5+ searches qrc:/qt/qml by default; 6.4 needs to be told.
    engine.addImportPath(QStringLiteral("qrc:/qt/qml"));
}

void selectStyle()
{
#if defined(Q_OS_IOS)
    QQuickStyle::setStyle(QStringLiteral("iOS"));
#else
    QQuickStyle::setStyle(QStringLiteral("Material"));
#endif
}

void installTranslations()
{
    // Owned by the application object, so they live as long as it does.
    auto *english = new QTranslator(QCoreApplication::instance());
    if (english->load(QStringLiteral(":/i18n/hearth_en.qm")))
        QCoreApplication::installTranslator(english);
    auto *local = new QTranslator(QCoreApplication::instance());
    if (QLocale().language() != QLocale::English
        && local->load(QLocale(), QStringLiteral("hearth"), QStringLiteral("_"), QStringLiteral(":/i18n")))
        QCoreApplication::installTranslator(local);
}

QString defaultAssetsDir()
{
    // Next to the executable when deployed (Android/iOS bundles copy assets/ there), else the
    // source tree's copy for development builds.
    const QString bundled = QCoreApplication::applicationDirPath() + QStringLiteral("/assets");
    if (QFileInfo::exists(bundled + QStringLiteral("/manifest.json")))
        return bundled;
    if (qEnvironmentVariableIsSet("HEARTH_ASSETS"))
        return qEnvironmentVariable("HEARTH_ASSETS");
    return QStringLiteral(HEARTH_APP_ASSETS_DIR);
}

bool waitUntil(const std::function<bool()> &done, int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    while (!done() && t.elapsed() < timeoutMs) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
        QThread::msleep(2);
    }
    return done();
}

QString createDemoStore(const QString &dir, const QByteArray &passcode, int people, const ReferenceData &reference,
                        quint64 kdfN, bool withConflict)
{
    StoreOptions options;
    options.kdf.n = kdfN;
    options.reference = &reference;
    auto created = Store::create(dir, passcode, options);
    if (!created)
        return created.error().toString();
    Store &store = *created.value();
    demo::Options o;
    o.people = people;
    o.today = QDate::currentDate();
    if (auto n = demo::populate(store, o, reference); !n)
        return n.error().toString();
    if (!withConflict)
        return {};

    // A real conflict: a second device receives the first person's record, both edit the same
    // field offline, and this device then receives the other's write.
    auto firstReader = store.reader();
    if (!firstReader)
        return firstReader.error().toString();
    auto entries = firstReader.value()->caseload(o.today);
    if (!entries || entries.value().isEmpty())
        return QStringLiteral("the demo caseload is empty");
    const CaseloadIndex index(std::move(entries).value());
    const QString person = index.entries().first().personId;
    QTemporaryDir peerDir;
    auto peer = Store::create(peerDir.path() + QStringLiteral("/peer"), passcode, options);
    if (!peer)
        return peer.error().toString();
    QList<Write> personWrites;
    if (auto st = store.forEachWrite([&](const Write &w, bool) {
            if (w.recordId == person)
                personWrites.append(w);
        });
        !st)
        return st.error().toString();
    if (auto r = peer.value()->applyRemote(personWrites); !r)
        return r.error().toString();
    if (auto st = store.edit(person, {{QStringLiteral("phone"), QStringLiteral("0141 496 0000")}}); !st)
        return st.error().toString();
    if (auto st = peer.value()->edit(person, {{QStringLiteral("phone"), QStringLiteral("07700 900461")}}); !st)
        return st.error().toString();
    auto theirs = peer.value()->pendingWrites(100);
    if (!theirs)
        return theirs.error().toString();
    if (auto r = store.applyRemote(theirs.value()); !r)
        return r.error().toString();
    return {};
}

QString firstPerson(const QString &storeDir, const QByteArray &passcode, const ReferenceData &reference)
{
    StoreOptions options;
    options.reference = &reference;
    auto store = Store::open(storeDir, passcode, options);
    if (!store)
        return {};
    auto reader = store.value()->reader();
    if (!reader)
        return {};
    auto entries = reader.value()->caseload(QDate::currentDate());
    if (!entries)
        return {};
    const CaseloadIndex index(std::move(entries).value());
    for (int i : index.select({}, CaseloadIndex::Filter::Open, QDate::currentDate()))
        return index.entries().at(i).personId;
    return {};
}

QStringList mainScreens()
{
    return {QStringLiteral("caseload"), QStringLiteral("person"), QStringLiteral("conflicts"), QStringLiteral("sync"),
            QStringLiteral("settings")};
}

bool isEnvironmentNoise(const QMessageLogContext &context, const QString &message)
{
    // Headless machines: no runtime folder, no platform plugin niceties. Not the app's doing.
    const QLatin1String category(context.category ? context.category : "");
    return category.startsWith(QLatin1String("qt.qpa")) || message.startsWith(QLatin1String("QStandardPaths: "));
}

bool showScreen(QObject *window, const QString &screen, const QString &personId)
{
    QVariant ok;
    if (!QMetaObject::invokeMethod(window, "show", Q_RETURN_ARG(QVariant, ok), Q_ARG(QVariant, screen),
                                   Q_ARG(QVariant, personId)))
        return false;
    if (!ok.toBool())
        return false;
    // Page transitions and the caseload's first load finish on the event loop.
    return waitUntil([window] { return !window->property("navigating").toBool(); }, 5000);
}

namespace {

int s_warnings = 0;
QtMessageHandler s_previous = nullptr;

void countingHandler(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    if ((type == QtWarningMsg || type == QtCriticalMsg || type == QtFatalMsg) && !isEnvironmentNoise(context, message))
        ++s_warnings;
    if (s_previous)
        s_previous(type, context, message);
}

} // namespace

int runSelfTest(const ReferenceData &reference)
{
    s_previous = qInstallMessageHandler(countingHandler);
    QTemporaryDir tmp;
    const QString dir = tmp.path() + QStringLiteral("/store");
    const QByteArray passcode = "self-test passcode";
    DesktopSecureScreen secureScreen;
    StoreOptions options;
    options.reference = &reference;
    Session session(dir, {nullptr, nullptr, &secureScreen}, options);
    session.setSyncEnabled(false);

    QQmlApplicationEngine engine;
    prepareEngine(engine);
    engine.load(mainUrl());
    if (engine.rootObjects().isEmpty()) {
        std::fprintf(stderr, "self-test: Main.qml did not load\n");
        return 1;
    }
    QObject *window = engine.rootObjects().first();
    int failures = 0;
    auto check = [&](bool ok, const QString &what) {
        std::fprintf(stdout, "self-test: %s %s\n", ok ? "ok  " : "FAIL", qPrintable(what));
        std::fflush(stdout);
        if (!ok)
            ++failures;
    };
    waitUntil([] { return false; }, 200);
    check(window->property("screen").toString() == QLatin1String("enrol"), QStringLiteral("first run shows enrolment"));

    const QString error = createDemoStore(dir, passcode, 40, reference);
    check(error.isEmpty(), QStringLiteral("demo store created ") + error);
    auto opened = Store::open(dir, passcode, options);
    check(opened.ok(), QStringLiteral("demo store opens"));
    if (!opened)
        return 1;
    session.adopt(std::move(opened).value(), passcode);
    check(secureScreen.isSecure(), QStringLiteral("secure screen requested while personal data shows"));
    const QString person = firstPerson(dir, passcode, reference);
    check(!person.isEmpty(), QStringLiteral("demo caseload has an open person"));

    for (const QString &screen : mainScreens())
        check(showScreen(window, screen, person), QStringLiteral("screen ") + screen);
    for (const PageEntry &page : pageEntries()) {
        if (!page.isAvailable()) {
            std::fprintf(stdout, "self-test: skip %s (%s is not in this build yet)\n", qPrintable(page.key),
                         qPrintable(page.file));
            continue;
        }
        check(showScreen(window, QStringLiteral("flow:") + page.key, person), QStringLiteral("page ") + page.file);
        if (page.key == QLatin1String("intake"))
            check(showScreen(window, QStringLiteral("flow:") + page.key, QString()),
                  QStringLiteral("page ") + page.file + QStringLiteral(" for a new person"));
    }
    // Locks straight after the last page, rows perhaps still being created (the window lets its
    // lists go of their models before the lock empties them).
    session.lock();
    waitUntil([] { return false; }, 100);
    check(window->property("screen").toString() == QLatin1String("unlock"), QStringLiteral("lock shows unlock"));
    check(!secureScreen.isSecure(), QStringLiteral("secure screen lifted when locked"));

    qInstallMessageHandler(s_previous);
    if (s_warnings > 0)
        std::fprintf(stdout, "self-test: FAIL %d QML warning(s) or error(s), printed above\n", s_warnings);
    std::fprintf(stdout, "self-test: %s\n", failures == 0 && s_warnings == 0 ? "passed" : "failed");
    return failures == 0 && s_warnings == 0 ? 0 : 1;
}

int runScreenshot(Session &session, const QString &file)
{
    const QByteArray passcode = qgetenv("HEARTH_PASSCODE");
    StoreOptions options = session.storeOptions();
    auto opened = Store::open(session.storeDir(), passcode, options);
    if (!opened) {
        std::fprintf(stderr, "hearth: %s\n", qPrintable(opened.error().toString()));
        return int(opened.error().code);
    }
    session.adopt(std::move(opened).value(), passcode);
    QQmlApplicationEngine engine;
    prepareEngine(engine);
    engine.load(mainUrl());
    if (engine.rootObjects().isEmpty())
        return 1;
    auto *window = qobject_cast<QQuickWindow *>(engine.rootObjects().first());
    // Give the first sync a moment to reach the server, so the header shows its outcome.
    waitUntil([] { return false; }, 4000);
    showScreen(window, QStringLiteral("caseload"), {});
    waitUntil([] { return false; }, 500);
    const QImage image = window->grabWindow();
    if (image.isNull() || !image.save(file)) {
        std::fprintf(stderr, "hearth: could not save the screenshot to %s\n", qPrintable(file));
        return 8;
    }
    std::fprintf(stdout, "%s\n", qPrintable(file));
    session.lock();
    return 0;
}

} // namespace hearth::app
