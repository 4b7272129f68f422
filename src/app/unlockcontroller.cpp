#include "unlockcontroller.h"

#include "keyprotector.h"
#include "session.h"
#include "store.h"
#include "syncengine.h"

#include <QDir>
#include <QPointer>
#include <QUrl>
#include <QtConcurrent/QtConcurrentRun>

namespace hearth::app {

namespace {

// A store opened (or an error) on the thread pool; shared_ptr because futures copy results.
struct Opened {
    std::shared_ptr<std::unique_ptr<Store>> store;
    Error error;
    bool ok = false;
};

Opened failed(Error e)
{
    return Opened{nullptr, std::move(e), false};
}

// Removes what a failed first run created, so the next attempt starts clean.
void removeStoreFiles(const QString &dir)
{
    QDir d(dir);
    for (const QString &f : d.entryList({QStringLiteral("hearth.db*")}, QDir::Files))
        d.remove(f);
}

} // namespace

UnlockController::UnlockController(QObject *parent) : QObject(parent)
{
    if (Session *s = Session::instance())
        connect(s, &Session::storeExistsChanged, this, &UnlockController::firstRunChanged);
}

bool UnlockController::isFirstRun() const
{
    Session *s = Session::instance();
    return s && !s->storeExists();
}

void UnlockController::unlock(const QString &passcode)
{
    Session *session = Session::instance();
    if (!session || m_busy)
        return;
    if (passcode.isEmpty()) {
        setError(tr("Enter your passcode."));
        return;
    }
    setError({});
    setBusy(true, tr("Checking the passcode"));
    const QString dir = session->storeDir();
    const StoreOptions options = session->storeOptions();
    const QByteArray secret = passcode.toUtf8();
    QPointer<UnlockController> self(this);
    QtConcurrent::run([dir, options, secret]() {
        auto opened = Store::open(dir, secret, options);
        if (!opened)
            return failed(opened.error());
        return Opened{std::make_shared<std::unique_ptr<Store>>(std::move(opened).value()), {}, true};
    }).then(this, [self, secret](const Opened &result) {
        if (!self)
            return;
        self->setBusy(false);
        if (!result.ok) {
            const bool lockedOut = result.error.code == ErrorCode::LockedOut;
            self->setError(result.error.code == ErrorCode::WrongPasscode
                               ? tr("That passcode is not right. %1").arg(result.error.message)
                               : result.error.message,
                           lockedOut);
            return;
        }
        if (Session *s = Session::instance())
            s->adopt(std::move(*result.store), secret);
        Q_EMIT self->unlocked();
    });
}

void UnlockController::enrol(const QString &server, const QString &user, const QString &password, const QString &pin,
                             const QString &passcode, const QString &passcodeAgain)
{
    Session *session = Session::instance();
    if (!session || m_busy)
        return;
    const QUrl url = QUrl::fromUserInput(server.trimmed());
    if (server.trimmed().isEmpty() || !url.isValid() || url.scheme() != QLatin1String("https")) {
        setError(tr("The server address must start with https://, for example https://hearth.example.org:8443"));
        return;
    }
    if (user.trimmed().isEmpty() || password.isEmpty()) {
        setError(tr("Enter the user name and password your team manager gave you."));
        return;
    }
    if (passcode != passcodeAgain) {
        setError(tr("The two passcodes are different. Type the same passcode twice."));
        return;
    }
    if (const QString weak = Store::checkPasscodeStrength(passcode.toUtf8()); !weak.isEmpty()) {
        setError(weak);
        return;
    }
    setError({});
    setBusy(true, tr("Enrolling this device with the server"));
    const QString dir = session->storeDir();
    const StoreOptions options = session->storeOptions();
    const QByteArray secret = passcode.toUtf8();
    const QByteArray pw = password.toUtf8();
    const QString who = user.trimmed();
    const QString keyPin = pin.trimmed();
    QPointer<UnlockController> self(this);
    QtConcurrent::run([dir, options, secret, pw, who, keyPin, url]() {
        auto created = Store::create(dir, secret, options);
        if (!created)
            return failed(created.error());
        std::unique_ptr<Store> store = std::move(created).value();
        Status st;
        {
            // The engine here only enrols (a blocking call with its own event loop); the sync
            // worker the session starts afterwards runs the syncs.
            sync::SyncEngine engine(*store);
            st = engine.enrol(url, who, pw, keyPin);
        }
        if (!st) {
            const QString storeId = store->storeId();
            store.reset();
            if (options.keyProtector)
                (void)options.keyProtector->destroy(storeId);
            removeStoreFiles(dir);
            return failed(st.error());
        }
        return Opened{std::make_shared<std::unique_ptr<Store>>(std::move(store)), {}, true};
    }).then(this, [self, secret](const Opened &result) {
        if (!self)
            return;
        self->setBusy(false);
        if (!result.ok) {
            self->setError(tr("Could not enrol this device: %1").arg(result.error.message));
            return;
        }
        if (Session *s = Session::instance())
            s->adopt(std::move(*result.store), secret);
        Q_EMIT self->firstRunChanged();
        Q_EMIT self->unlocked();
    });
}

void UnlockController::setBusy(bool busy, const QString &progress)
{
    if (busy == m_busy && progress == m_progress)
        return;
    m_busy = busy;
    m_progress = progress;
    Q_EMIT busyChanged();
}

void UnlockController::setError(const QString &error, bool lockedOut)
{
    if (error == m_error && lockedOut == m_lockedOut)
        return;
    m_error = error;
    m_lockedOut = lockedOut;
    Q_EMIT errorChanged();
}

} // namespace hearth::app
