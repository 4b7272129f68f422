#include "settingscontroller.h"

#include "crypto.h"
#include "session.h"
#include "store.h"

#include <QPointer>
#include <QUrl>
#include <QtConcurrent/QtConcurrentRun>

namespace hearth::app {

SettingsController::SettingsController(QObject *parent) : QObject(parent)
{
    if (Session *s = Session::instance())
        connect(s, &Session::unlockedChanged, this, &SettingsController::reload);
    reload();
}

void SettingsController::reload()
{
    Session *session = Session::instance();
    Store *store = session ? session->store() : nullptr;
    auto text = [store](const char *key) {
        if (!store)
            return QString();
        auto v = store->syncValue(QString::fromLatin1(key));
        return v ? v.value() : QString();
    };
    m_server = text("server");
    m_pin = text("pin");
    m_user = text("user");
    m_deviceId = store ? store->deviceId() : QString();
    Q_EMIT changed();
}

bool SettingsController::setServer(const QString &server, const QString &pin)
{
    Session *session = Session::instance();
    Store *store = session ? session->store() : nullptr;
    if (!store) {
        say(tr("The app is locked. Unlock it and try again."), {});
        return false;
    }
    const QUrl url(server.trimmed());
    if (!url.isValid() || url.scheme() != QLatin1String("https") || url.host().isEmpty()) {
        say(tr("The server address must look like https://host:port"), {});
        return false;
    }
    const QString p = pin.trimmed();
    if (!p.isEmpty() && !p.startsWith(QLatin1String("sha256/"))) {
        say(tr("A key pin looks like sha256/… as the server prints it, or leave it empty"), {});
        return false;
    }
    Status st = store->setSyncValue(QStringLiteral("server"), url.toString());
    if (st)
        st = store->setSyncValue(QStringLiteral("pin"), p);
    if (!st) {
        say(st.error().message, {});
        return false;
    }
    reload();
    say({}, tr("Server saved. The next sync uses it."));
    return true;
}

void SettingsController::changePasscode(const QString &current, const QString &fresh, const QString &freshAgain)
{
    Session *session = Session::instance();
    if (!session || !session->store() || m_busy)
        return;
    if (fresh != freshAgain) {
        say(tr("The two new passcodes are different. Type the same passcode twice."), {});
        return;
    }
    if (const QString weak = Store::checkPasscodeStrength(fresh.toUtf8()); !weak.isEmpty()) {
        say(weak, {});
        return;
    }
    m_busy = true;
    Q_EMIT busyChanged();
    say({}, {});
    const QString dir = session->storeDir();
    const StoreOptions options = session->storeOptions();
    QPointer<SettingsController> self(this);
    QtConcurrent::run([dir, options, oldCode = current.toUtf8(), newCode = fresh.toUtf8()]() mutable {
        // Its own connection: the UI thread's store stays usable meanwhile, and a wrong current
        // passcode counts towards the lock-out like any other.
        QString error;
        auto store = Store::open(dir, oldCode, options);
        if (!store) {
            error = store.error().message;
        } else if (auto st = store.value()->changePasscode(oldCode, newCode); !st) {
            error = st.error().message;
        }
        crypto::wipe(oldCode);
        crypto::wipe(newCode);
        return error;
    }).then(this, [self](const QString &error) {
        if (!self)
            return;
        self->m_busy = false;
        Q_EMIT self->busyChanged();
        if (error.isEmpty()) {
            self->say({}, tr("Passcode changed. Use the new one next time you unlock."));
            Q_EMIT self->passcodeChanged();
        } else {
            self->say(error, {});
        }
    });
}

void SettingsController::say(const QString &error, const QString &message)
{
    m_error = error;
    m_message = message;
    Q_EMIT messageChanged();
}

} // namespace hearth::app
