// The composition root: platform services, the session, the QML engine. Nothing else lives here.
#include "desktop/desktopscheduler.h"
#include "desktop/desktopsecurescreen.h"
#include "desktop/filekeyprotector.h"
#include "outcomecontroller.h"
#include "referencedata.h"
#include "selftest.h"
#include "session.h"

#include <QCommandLineParser>
#include <QGuiApplication>
#include <QQmlApplicationEngine>
#include <QQmlEngine>
#include <QStandardPaths>
#include <QtQml/qqmlextensionplugin.h>

#include <cstdio>

Q_IMPORT_QML_PLUGIN(HearthPlugin)

int main(int argc, char **argv)
{
    // One code base, the platform's own look (Material on Android and Linux, iOS on iOS).
    hearth::app::selectStyle();
    QGuiApplication app(argc, argv);
    QGuiApplication::setOrganizationName(QStringLiteral("Hearth"));
    QGuiApplication::setApplicationName(QStringLiteral("Hearth"));
    QGuiApplication::setApplicationDisplayName(QStringLiteral("Hearth"));

    hearth::app::installTranslations();

    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("Hearth: cancer-support link work, offline first."));
    p.addHelpOption();
    const QCommandLineOption dataOpt(QStringLiteral("data"), QStringLiteral("The device store's folder"),
                                     QStringLiteral("DIR"));
    const QCommandLineOption selfTestOpt(QStringLiteral("self-test"),
                                         QStringLiteral("Load every page on a temporary demo store and exit non-zero "
                                                        "on any QML warning"));
    const QCommandLineOption screenshotOpt(QStringLiteral("screenshot"),
                                           QStringLiteral("Unlock with HEARTH_PASSCODE, save the caseload to F, exit"),
                                           QStringLiteral("F"));
    const QCommandLineOption assetsOpt(QStringLiteral("assets"), QStringLiteral("Reference data folder"),
                                       QStringLiteral("DIR"));
    p.addOptions({dataOpt, selfTestOpt, screenshotOpt, assetsOpt});
    p.process(app);

    const QString assetsDir = p.isSet(assetsOpt) ? p.value(assetsOpt) : hearth::app::defaultAssetsDir();
    auto reference = hearth::ReferenceData::loadDefault(assetsDir);
    if (!reference) {
        std::fprintf(stderr, "hearth: %s\n", qPrintable(reference.error().toString()));
        return int(reference.error().code);
    }
    // A deployment's licensed questionnaire wording sits beside the rest of its reference data.
    hearth::OutcomeController::setWordingDirectory(assetsDir + QStringLiteral("/instruments"));

    if (p.isSet(selfTestOpt))
        return hearth::app::runSelfTest(reference.value());

    const QString storeDir = p.isSet(dataOpt)
        ? p.value(dataOpt)
        : QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/store");
    hearth::FileKeyProtector keyProtector;
    hearth::DesktopScheduler scheduler;
    hearth::DesktopSecureScreen secureScreen;
    hearth::StoreOptions options;
    options.reference = &reference.value();
    hearth::app::Session session(storeDir, {&keyProtector, &scheduler, &secureScreen}, options);

    if (p.isSet(screenshotOpt))
        return hearth::app::runScreenshot(session, p.value(screenshotOpt));

    QQmlApplicationEngine engine;
    hearth::app::prepareEngine(engine);
    engine.load(hearth::app::mainUrl());
    if (engine.rootObjects().isEmpty())
        return 1;
    return QGuiApplication::exec();
}
