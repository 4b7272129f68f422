#pragma once

#include <QString>
#include <QUrl>

#include <functional>

class QQmlEngine;
class QMessageLogContext;

namespace hearth {
class ReferenceData;
}

namespace hearth::app {

class Session;

// qrc URL of the main window.
[[nodiscard]] QUrl mainUrl();
// Import path for the Hearth module (same on Qt 6.4 and newer).
void prepareEngine(QQmlEngine &engine);
// Chooses the platform's own Quick Controls style: Material on Android (and on Linux, where
// Debian's qml6-module-qtquick-controls ships it), iOS on iOS. Call before the first QML engine.
void selectStyle();
// Installs the app's translations: English plural forms always, then the system language's file
// when the build has one. Call once after the application object exists.
void installTranslations();
// The shipped reference data (source tree in development, bundled on devices).
[[nodiscard]] QString defaultAssetsDir();

// `hearth --self-test`: a temporary demo store, the main window, then every screen and every
// registered flow page loaded in turn. Returns 0, or 1 after printing each QML warning or error.
int runSelfTest(const ReferenceData &reference);
// `hearth --screenshot F`: unlocks with HEARTH_PASSCODE, waits for the caseload (and a first sync
// attempt), saves the window to F and exits. For the demo without a display.
int runScreenshot(Session &session, const QString &file);

} // namespace hearth::app

namespace hearth::app {

// A demo caseload in a new encrypted store at `dir` (demo::populate, `people` people, today's
// date), plus one real two-device conflict on the first person so the conflicts screen has work.
// `kdfN` is the scrypt cost (tests and the self-test use a cheap one).
[[nodiscard]] QString createDemoStore(const QString &dir, const QByteArray &passcode, int people,
                                      const ReferenceData &reference, quint64 kdfN = 1024, bool withConflict = true);

// The app's main screens, in the order the self-test and the screenshot test show them.
[[nodiscard]] QStringList mainScreens();
// Shows a screen in the main window: one of mainScreens(), or "flow:<registry key>". Waits until
// the navigation has settled. Returns false when the window refused (unknown screen, missing page).
bool showScreen(QObject *window, const QString &screen, const QString &personId);
// Spins the event loop until `done()` or `timeoutMs` passes; returns done().
bool waitUntil(const std::function<bool()> &done, int timeoutMs);
// Warnings from the environment rather than the app (a headless machine's missing runtime folder),
// which the self-test and the screenshot test do not count.
[[nodiscard]] bool isEnvironmentNoise(const QMessageLogContext &context, const QString &message);
// The first open person of the store's caseload (sorted by name), for screens that need one.
[[nodiscard]] QString firstPerson(const QString &storeDir, const QByteArray &passcode, const ReferenceData &reference);

} // namespace hearth::app
