#pragma once

#include "result.h"
#include "store.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QTimer>
#include <QtQml/qqmlregistration.h>

#include <memory>

class QQmlEngine;
class QJSEngine;

namespace hearth {
class BackgroundScheduler;
class KeyProtector;
class ReferenceData;
class SecureScreen;
} // namespace hearth

namespace hearth::app {

class SyncRunner;
class SyncStatus;

// Platform services the composition root (main.cpp) or a test hands to the session.
struct Services {
    KeyProtector *keyProtector = nullptr;
    BackgroundScheduler *scheduler = nullptr; // may be null: no background sync (tests)
    SecureScreen *secureScreen = nullptr;     // may be null only in tests that do not show data
};

// The unlocked state of the app: the open store on the UI thread, its sync worker, the lock.
// Controllers read the store through it at the moment they act, so nothing writes through a
// pointer that a lock has invalidated. It holds no page state (each page has its controller).
class Session : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    Q_PROPERTY(bool unlocked READ isUnlocked NOTIFY unlockedChanged)
    Q_PROPERTY(bool storeExists READ storeExists NOTIFY storeExistsChanged)
    Q_PROPERTY(QString user READ user NOTIFY unlockedChanged)
    // Why the app last locked itself ("inactivity"), empty after a manual lock or at start.
    Q_PROPERTY(QString lockReason READ lockReason NOTIFY lockReasonChanged)
    Q_PROPERTY(
        int lockTimeoutMinutes READ lockTimeoutMinutes WRITE setLockTimeoutMinutes NOTIFY lockTimeoutMinutesChanged)
    // Multiplies every font size (1.0 to 2.0): the app must work at 200%.
    Q_PROPERTY(qreal textScale READ textScale WRITE setTextScale NOTIFY textScaleChanged)
public:
    Session(QString storeDir, Services services, StoreOptions options, QObject *parent = nullptr);
    ~Session() override;

    // The one session of the process (set by the constructor); QML gets the same object.
    [[nodiscard]] static Session *instance();
    static Session *create(QQmlEngine *, QJSEngine *);

    [[nodiscard]] bool isUnlocked() const { return m_store != nullptr; }
    [[nodiscard]] bool storeExists() const;
    [[nodiscard]] QString user() const { return m_user; }
    [[nodiscard]] QString lockReason() const { return m_lockReason; }
    [[nodiscard]] int lockTimeoutMinutes() const { return m_lockTimeoutMinutes; }
    void setLockTimeoutMinutes(int minutes);
    [[nodiscard]] qreal textScale() const { return m_textScale; }
    void setTextScale(qreal scale);

    // The open store, or null while locked. Use on the UI thread only.
    [[nodiscard]] Store *store() const { return m_store.get(); }
    [[nodiscard]] const ReferenceData *reference() const { return m_options.reference; }
    [[nodiscard]] QString storeDir() const { return m_storeDir; }
    // Options to open or create the store with (KDF, key protector, reference data).
    [[nodiscard]] StoreOptions storeOptions() const { return m_options; }
    [[nodiscard]] const Services &services() const { return m_services; }
    [[nodiscard]] SyncStatus *syncStatus() const { return m_syncStatus; }

    // Takes over a store opened with `passcode` (UnlockController, tests) and starts syncing once
    // the first screen is drawn (see deferBackgroundStart()). The passcode is kept only until the
    // sync worker has been handed it (at most StartupHoldLimitMs), and wiped by a lock.
    void adopt(std::unique_ptr<Store> store, const QByteArray &passcode);
    // The path every edit from the app takes: commits, then tells the sync engine and the open
    // pages. `personIds` names whose records changed (empty: unknown, reload everything).
    Result<QStringList> commit(const QList<Mutation> &mutations, const QStringList &personIds = {});
    // Tells pages that records changed by some other path (the flow pages after their commits).
    void notifyChanged(const QStringList &personIds);

    // Turns automatic sync off (self-test, screenshots, benchmarks: no server there).
    void setSyncEnabled(bool on) { m_syncEnabled = on; }
    [[nodiscard]] bool isSyncEnabled() const { return m_syncEnabled; }

    // Holds back start-up work nobody sees yet (the sync worker opening its own connection, a
    // second passcode derivation) until the returned token is released, so the first screen after
    // an unlock has the processor to itself. Empty when there is nothing left to hold back. The
    // work starts anyway after StartupHoldLimitMs.
    [[nodiscard]] std::shared_ptr<void> deferBackgroundStart();
    static constexpr int StartupHoldLimitMs = 3000;

    // Overrides the lock timeout with milliseconds (tests); 0 restores the setting.
    void setInactivityLimitMs(int ms);

    // Locks now: closes the store, forgets the key, hides personal data.
    Q_INVOKABLE void lock();
    // Restarts the inactivity timer (every touch or key press does this).
    void noteActivity();

Q_SIGNALS:
    // Emitted before a lock takes the store away, so views can let go of their rows first.
    void aboutToLock();
    void unlockedChanged();
    void storeExistsChanged();
    void lockReasonChanged();
    void lockTimeoutMinutesChanged();
    void textScaleChanged();
    // Records of these people changed (empty: anything may have changed).
    void recordsChanged(const QStringList &personIds);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void lockFor(const QString &reason);
    void startAfterNextFrame();
    void startBackgroundWork();
    void saveSettings() const;
    [[nodiscard]] int inactivityLimitMs() const;

    QString m_storeDir;
    Services m_services;
    StoreOptions m_options;
    std::unique_ptr<Store> m_store;
    SyncRunner *m_sync = nullptr;
    SyncStatus *m_syncStatus = nullptr;
    QString m_user;
    QString m_lockReason;
    int m_lockTimeoutMinutes = 5;
    qreal m_textScale = 1.0;
    bool m_syncEnabled = true;
    int m_inactivityOverrideMs = 0;
    QTimer m_inactivity;
    // Start-up work waits for the first screen: the sync worker's passcode (wiped once used), the
    // holds taken this unlock, and which unlock they belong to (a lock makes older holds void).
    QByteArray m_syncPasscode;
    bool m_backgroundStarted = false;
    int m_startupHolds = 0;
    quint64 m_unlockEpoch = 0;
    QTimer m_startupHoldLimit;
    QElapsedTimer m_sinceRestart; // throttles timer restarts to one per second of input
};

} // namespace hearth::app
