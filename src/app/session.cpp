#include "session.h"

#include "backgroundscheduler.h"
#include "crypto.h"
#include "flows/flowsession.h"
#include "logging.h"
#include "securescreen.h"
#include "syncrunner.h"
#include "syncstatus.h"

#include <QCoreApplication>
#include <QEvent>
#include <QGuiApplication>
#include <QQmlEngine>
#include <QQuickWindow>
#include <QSettings>

namespace hearth::app {

namespace {
Session *s_instance = nullptr;

QString settingsPath(const QString &storeDir)
{
    // Beside the store, not in it: lock timeout and text size are not personal data and must be
    // readable before the store is unlocked.
    return storeDir + QStringLiteral("/app-settings.ini");
}
} // namespace

Session::Session(QString storeDir, Services services, StoreOptions options, QObject *parent)
    : QObject(parent),
      m_storeDir(std::move(storeDir)),
      m_services(services),
      m_options(std::move(options)),
      m_syncStatus(new SyncStatus(this))
{
    Q_ASSERT(!s_instance);
    s_instance = this;
    m_options.keyProtector = services.keyProtector;
    const QSettings settings(settingsPath(m_storeDir), QSettings::IniFormat);
    m_lockTimeoutMinutes = qBound(1, settings.value(QStringLiteral("lock_timeout_minutes"), 5).toInt(), 60);
    m_textScale = qBound(1.0, settings.value(QStringLiteral("text_scale"), 1.0).toReal(), 2.0);
    m_inactivity.setSingleShot(true);
    connect(&m_inactivity, &QTimer::timeout, this, [this] { lockFor(QStringLiteral("inactivity")); });
    m_startupHoldLimit.setSingleShot(true);
    connect(&m_startupHoldLimit, &QTimer::timeout, this, &Session::startBackgroundWork);
    connect(m_syncStatus, &SyncStatus::pulled, this, [this] { Q_EMIT recordsChanged({}); });
    if (QCoreApplication::instance())
        QCoreApplication::instance()->installEventFilter(this);
}

Session::~Session()
{
    lock();
    s_instance = nullptr;
}

Session *Session::instance()
{
    return s_instance;
}

Session *Session::create(QQmlEngine *, QJSEngine *)
{
    Q_ASSERT_X(s_instance, "Session::create", "the composition root creates the Session before the QML engine");
    QQmlEngine::setObjectOwnership(s_instance, QQmlEngine::CppOwnership);
    return s_instance;
}

bool Session::storeExists() const
{
    return Store::exists(m_storeDir);
}

void Session::setLockTimeoutMinutes(int minutes)
{
    minutes = qBound(1, minutes, 60);
    if (minutes == m_lockTimeoutMinutes)
        return;
    m_lockTimeoutMinutes = minutes;
    saveSettings();
    if (isUnlocked())
        m_inactivity.start(inactivityLimitMs());
    Q_EMIT lockTimeoutMinutesChanged();
}

void Session::setTextScale(qreal scale)
{
    scale = qBound(1.0, scale, 2.0);
    if (qFuzzyCompare(scale, m_textScale))
        return;
    m_textScale = scale;
    saveSettings();
    Q_EMIT textScaleChanged();
}

void Session::setInactivityLimitMs(int ms)
{
    m_inactivityOverrideMs = ms;
    if (isUnlocked())
        m_inactivity.start(inactivityLimitMs());
}

int Session::inactivityLimitMs() const
{
    return m_inactivityOverrideMs > 0 ? m_inactivityOverrideMs : m_lockTimeoutMinutes * 60 * 1000;
}

void Session::saveSettings() const
{
    QSettings settings(settingsPath(m_storeDir), QSettings::IniFormat);
    settings.setValue(QStringLiteral("lock_timeout_minutes"), m_lockTimeoutMinutes);
    settings.setValue(QStringLiteral("text_scale"), m_textScale);
}

void Session::adopt(std::unique_ptr<Store> store, const QByteArray &passcode)
{
    lock();
    m_store = std::move(store);
    auto user = m_store->syncValue(QStringLiteral("user"));
    m_user = user ? user.value() : QString();
    // Personal data is about to be shown: protect the screen before anything renders it.
    if (m_services.secureScreen)
        m_services.secureScreen->setSecure(true);
    FlowSession::instance()->attach(m_store.get(), m_options.reference, m_user);
    m_sync = new SyncRunner(m_storeDir, m_options, this);
    m_syncStatus->attach(m_sync);
    m_syncPasscode = passcode;
    m_backgroundStarted = false;
    m_startupHolds = 0;
    m_lockReason.clear();
    Q_EMIT lockReasonChanged();
    m_inactivity.start(inactivityLimitMs());
    m_sinceRestart.start();
    Q_EMIT storeExistsChanged();
    Q_EMIT unlockedChanged();
    // Views that show the first screen took their holds while unlockedChanged was handled.
    if (m_startupHolds == 0)
        startBackgroundWork();
    else
        m_startupHoldLimit.start(StartupHoldLimitMs);
}

std::shared_ptr<void> Session::deferBackgroundStart()
{
    if (!m_store || m_backgroundStarted)
        return {};
    ++m_startupHolds;
    QPointer<Session> self(this);
    const quint64 epoch = m_unlockEpoch;
    return std::shared_ptr<void>(nullptr, [self, epoch](void *) {
        if (self && self->m_unlockEpoch == epoch && --self->m_startupHolds == 0)
            self->startAfterNextFrame();
    });
}

void Session::startAfterNextFrame()
{
    // The rows the holds waited for are in the model; the window draws them on its next frame.
    QQuickWindow *shown = nullptr;
    for (QWindow *w : QGuiApplication::topLevelWindows())
        if (auto *q = qobject_cast<QQuickWindow *>(w); q && q->isVisible())
            shown = q;
    if (!shown) {
        startBackgroundWork();
        return;
    }
    const quint64 epoch = m_unlockEpoch;
    auto once = std::make_shared<QMetaObject::Connection>();
    *once = connect(shown, &QQuickWindow::frameSwapped, this, [this, once, epoch] {
        disconnect(*once);
        if (epoch == m_unlockEpoch)
            startBackgroundWork();
    });
    shown->update();
}

void Session::startBackgroundWork()
{
    if (!m_sync || m_backgroundStarted)
        return;
    m_backgroundStarted = true;
    m_startupHoldLimit.stop();
    m_sync->start(m_syncPasscode, m_syncEnabled);
    crypto::wipe(m_syncPasscode);
    if (m_services.scheduler && m_syncEnabled) {
        // The scheduler calls back on its own thread; the task queues the run onto the worker.
        m_services.scheduler->schedulePeriodic(std::chrono::minutes(15), m_sync->worker()->backgroundTask());
    }
}

Result<QStringList> Session::commit(const QList<Mutation> &mutations, const QStringList &personIds)
{
    if (!m_store)
        return makeError(ErrorCode::Usage, tr("The app is locked. Unlock it and try again."));
    auto ids = m_store->commit(mutations);
    if (!ids)
        return ids;
    notifyChanged(personIds);
    return ids;
}

void Session::notifyChanged(const QStringList &personIds)
{
    if (m_sync)
        m_sync->notifyLocalChange();
    Q_EMIT recordsChanged(personIds);
}

void Session::lock()
{
    lockFor({});
}

void Session::lockFor(const QString &reason)
{
    if (!m_store)
        return;
    Q_EMIT aboutToLock();
    m_inactivity.stop();
    m_startupHoldLimit.stop();
    ++m_unlockEpoch;
    crypto::wipe(m_syncPasscode);
    if (m_services.scheduler)
        m_services.scheduler->cancel();
    m_syncStatus->attach(nullptr);
    delete m_sync; // joins the sync thread, which closes its own connection
    m_sync = nullptr;
    FlowSession::instance()->detach();
    // Pages drop their data on unlockedChanged, before the store (and its key) goes away.
    std::unique_ptr<Store> closing = std::move(m_store);
    Q_EMIT unlockedChanged();
    closing.reset();
    m_user.clear();
    if (m_services.secureScreen)
        m_services.secureScreen->setSecure(false);
    if (m_lockReason != reason) {
        m_lockReason = reason;
        Q_EMIT lockReasonChanged();
    }
    qCInfo(lcApp) << "locked" << (reason.isEmpty() ? "on request" : qPrintable(reason));
}

void Session::noteActivity()
{
    if (!m_store)
        return;
    if (m_sinceRestart.isValid() && m_sinceRestart.elapsed() < 1000)
        return;
    m_sinceRestart.restart();
    m_inactivity.start(inactivityLimitMs());
}

bool Session::eventFilter(QObject *watched, QEvent *event)
{
    switch (event->type()) {
    case QEvent::MouseButtonPress:
    case QEvent::TouchBegin:
    case QEvent::KeyPress:
    case QEvent::Wheel:
        noteActivity();
        break;
    default:
        break;
    }
    return QObject::eventFilter(watched, event);
}

} // namespace hearth::app
