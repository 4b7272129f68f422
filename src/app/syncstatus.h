#pragma once

#include "syncengine.h"

#include <QDateTime>
#include <QObject>
#include <QtQml/qqmlregistration.h>

class QQmlEngine;
class QJSEngine;

namespace hearth::app {

class SyncRunner;

// Sync at a glance for the caseload header and the sync status page: offline / syncing n of m /
// last synced / conflicts to review. Fed by the sync worker's signals; owned by the Session.
class SyncStatus : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    Q_PROPERTY(State state READ state NOTIFY changed)
    Q_PROPERTY(bool enrolled READ isEnrolled NOTIFY changed)
    Q_PROPERTY(QString server READ server NOTIFY changed)
    Q_PROPERTY(qint64 done READ done NOTIFY changed)
    Q_PROPERTY(qint64 total READ total NOTIFY changed)
    Q_PROPERTY(QDateTime lastSynced READ lastSynced NOTIFY changed)
    Q_PROPERTY(qint64 pending READ pending NOTIFY changed)
    Q_PROPERTY(int conflicts READ conflicts NOTIFY changed)
    Q_PROPERTY(QString lastError READ lastError NOTIFY changed)
    // What the last run moved: {pushed, pulled, rejected, purged}.
    Q_PROPERTY(QVariantMap lastRun READ lastRun NOTIFY changed)
public:
    // Unscoped so QML reads SyncStatus.Offline on every Qt version.
    enum State { Locked, NotEnrolled, Idle, Syncing, Offline, Error };
    Q_ENUM(State)

    // No default argument on purpose: Qt 6.4 builds a singleton with a default constructor when
    // there is one, ignoring create(), and QML would get a second, unconnected instance.
    explicit SyncStatus(QObject *parent);
    static SyncStatus *create(QQmlEngine *, QJSEngine *);

    [[nodiscard]] State state() const { return m_state; }
    [[nodiscard]] bool isEnrolled() const { return m_enrolled; }
    [[nodiscard]] QString server() const { return m_server; }
    [[nodiscard]] qint64 done() const { return m_done; }
    [[nodiscard]] qint64 total() const { return m_total; }
    [[nodiscard]] QDateTime lastSynced() const { return m_lastSynced; }
    [[nodiscard]] qint64 pending() const { return m_pending; }
    [[nodiscard]] int conflicts() const { return m_conflicts; }
    [[nodiscard]] QString lastError() const { return m_lastError; }
    [[nodiscard]] QVariantMap lastRun() const { return m_lastRun; }

    // Asks for a sync run now (the "Sync now" button).
    Q_INVOKABLE void syncNow();

    // Connects to a sync worker (the Session does this on unlock); null detaches (lock).
    void attach(SyncRunner *runner);
    // Applies what the engine reported; public so tests can drive it without a server.
    void applyOpened(bool enrolled, const QString &server);
    void applyState(sync::SyncEngine::State s);
    void applyProgress(qint64 done, qint64 total);
    void applyFinished(const sync::SyncSummary &summary);
    void applyCounts(qint64 pending, int conflicts);

Q_SIGNALS:
    void changed();
    // A run brought new writes: pages reload what they show.
    void pulled();

private:
    SyncRunner *m_runner = nullptr;
    State m_state = State::Locked;
    bool m_enrolled = false;
    QString m_server;
    qint64 m_done = 0;
    qint64 m_total = 0;
    QDateTime m_lastSynced;
    qint64 m_pending = 0;
    int m_conflicts = 0;
    QString m_lastError;
    QVariantMap m_lastRun;
};

} // namespace hearth::app
