#pragma once

#include "../core/testsupport.h"
#include "desktop/desktopsecurescreen.h"
#include "selftest.h"
#include "session.h"

#include <QQmlApplicationEngine>
#include <QQuickWindow>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

namespace hearth::test {

inline const QByteArray kAppPasscode = "app test passcode";

// Options for stores the app tests create or open: shipped reference data, cheap KDF.
inline StoreOptions appOptions()
{
    StoreOptions options;
    options.reference = &reference();
    options.kdf.n = 1024;
    return options;
}

// A Session over a folder that holds no store yet: the first run, before enrolment.
struct FirstRunFixture {
    QTemporaryDir tmp;
    QString dir = tmp.path() + QStringLiteral("/store");
    DesktopSecureScreen secureScreen;
    app::Session session{dir, app::Services{nullptr, nullptr, &secureScreen}, appOptions()};
};

// A temporary encrypted demo store (cheap KDF) and a Session over it, unlocked, with sync off.
struct AppFixture {
    QTemporaryDir tmp;
    QString dir;
    DesktopSecureScreen secureScreen;
    std::unique_ptr<app::Session> session;

    // `people` demo people; `withConflict` adds one real two-device conflict.
    explicit AppFixture(int people = 40, bool withConflict = true, bool unlock = true)
    {
        dir = tmp.path() + QStringLiteral("/store");
        const QString error = app::createDemoStore(dir, kAppPasscode, people, reference(), 1024, withConflict);
        if (!error.isEmpty())
            qFatal("demo store: %s", qPrintable(error));
        session = std::make_unique<app::Session>(dir, app::Services{nullptr, nullptr, &secureScreen}, appOptions());
        session->setSyncEnabled(false);
        if (unlock)
            this->unlock();
    }

    void unlock()
    {
        auto opened = Store::open(dir, kAppPasscode, appOptions());
        if (!opened)
            qFatal("open: %s", qPrintable(opened.error().toString()));
        session->adopt(std::move(opened).value(), kAppPasscode);
    }
};

// Loads the app's main window (Main.qml) into `engine`; null when it did not load.
inline QQuickWindow *loadMainWindow(QQmlApplicationEngine &engine)
{
    app::prepareEngine(engine);
    engine.load(app::mainUrl());
    return engine.rootObjects().isEmpty() ? nullptr : qobject_cast<QQuickWindow *>(engine.rootObjects().first());
}

} // namespace hearth::test
