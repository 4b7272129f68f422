#include "ctl.h"

#include <QCoreApplication>
#include <QGuiApplication>

#include <cstring>
#include <memory>

int main(int argc, char **argv)
{
    // `careplan` draws text into a PDF, which needs the font database only a QGuiApplication has. Every other
    // command stays a plain QCoreApplication, and hearthctl stays headless: offscreen unless told otherwise.
    bool drawsText = false;
    for (int i = 1; i < argc; ++i)
        drawsText = drawsText || std::strcmp(argv[i], "careplan") == 0;
    if (drawsText && !qEnvironmentVariableIsSet("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    std::unique_ptr<QCoreApplication> app;
    if (drawsText)
        app = std::make_unique<QGuiApplication>(argc, argv);
    else
        app = std::make_unique<QCoreApplication>(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("Hearth"));
    QCoreApplication::setApplicationName(QStringLiteral("hearthctl"));
    return hearth::ctl::run(QCoreApplication::arguments());
}
