#pragma once

#include "store.h"
#include "transport.h"

#include <QDateTime>
#include <QObject>
#include <QTimer>

#include <random>

namespace hearth::sync {

// What one sync run did.
struct SyncSummary {
    bool ok = false;
    QString error;           // for a person to read, when !ok
    bool offline = false;    // the server could not be reached (as opposed to refusing)
    int pushed = 0;          // writes the server acknowledged
    int rejected = 0;        // writes it refused (now in the could-not-sync list)
    int pulled = 0;          // writes received that were new here
    int purged = 0;          // people removed from this device (out of scope)
    int keptForHandover = 0; // people out of scope kept because of unsynced changes
    qint64 bytesUp = 0;
    qint64 bytesDown = 0;
    QDateTime finishedAt;
};

// The client sync engine, shared by the app and `hearthctl sync`: push this device's pending
// writes, then pull and apply until caught up. Every step is resumable: the server acknowledges
// only durable writes, and the pull cursor is saved in the same transaction as the writes it
// covers. Lives on the thread of its Store (give the app its own Store connection on a worker
// thread so the UI thread never waits on the network or on bulk decryption).
class SyncEngine : public QObject
{
    Q_OBJECT
public:
    enum class State { Idle, Syncing, Offline, Error };
    Q_ENUM(State)

    explicit SyncEngine(Store &store, QObject *parent = nullptr);

    // Enrols this device with the server (blocking: a one-off step before any sync).
    Status enrol(const QUrl &server, const QString &user, const QByteArray &password, const QString &pin);
    [[nodiscard]] bool isEnrolled() const;

    // Starts a sync run now unless one is running; `finished` reports the outcome.
    void syncNow();
    // Runs syncNow() and waits for it (command-line use).
    SyncSummary syncAndWait();

    // Automatic triggers: a local change (debounced), a periodic timer, connectivity returning,
    // and failures retried with exponential backoff and jitter.
    void setAutomatic(bool on, int periodMs = 15 * 60 * 1000);
    void notifyLocalChange();
    void notifyOnline();
    // Lets the platform's background scheduler run syncs while the app is in the background;
    // `run` is called from the scheduler's callback (the composition root wires it to syncNow()).
    [[nodiscard]] std::function<void()> backgroundTask();

    [[nodiscard]] State state() const { return m_state; }
    [[nodiscard]] QDateTime lastSuccess() const { return m_lastSuccess; }
    [[nodiscard]] int nextRetryMs() const { return m_backoffMs; }

    int pushBatch = 1000;
    int pullLimit = 2000;

Q_SIGNALS:
    void stateChanged(hearth::sync::SyncEngine::State state);
    // Writes applied so far in this run and the server's estimate of the total; bytes moved.
    void progress(qint64 done, qint64 total, qint64 bytes);
    void finished(const hearth::sync::SyncSummary &summary);

private:
    void setState(State s);
    Status configureTransport();
    void pushStep();
    void pullStep();
    void finish(bool ok, const QString &error = {}, bool offline = false);
    void scheduleRetry();

    Store &m_store;
    Transport m_transport;
    State m_state = State::Idle;
    bool m_running = false;
    bool m_again = false;
    SyncSummary m_run;
    qint64 m_pullTotal = 0;
    QDateTime m_lastSuccess;
    QTimer m_debounce;
    QTimer m_periodic;
    QTimer m_retry;
    int m_backoffMs = 0;
    std::mt19937 m_rng{std::random_device{}()};
};

} // namespace hearth::sync
