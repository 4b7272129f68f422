#pragma once

#include "protocol.h"
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
    QString error;            // for a person to read, when !ok
    bool offline = false;     // the server could not be reached (as opposed to refusing)
    int pushed = 0;           // writes the server acknowledged
    int rejected = 0;         // writes it refused (now in the could-not-sync list)
    int pulled = 0;           // writes received that were new here
    qint64 received = 0;      // writes received (new or already held)
    qint64 expected = 0;      // writes the server counted for this run when it began pulling
    qint64 bytesExpected = 0; // the server's estimate of the bytes to pull, from the same count
    int purged = 0;           // people removed from this device (out of scope)
    int keptForHandover = 0;  // people out of scope kept because of unsynced changes
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
    // Pull progress of the current (or last) run: writes received of the total the server counted,
    // and bytes moved of the estimated total.
    Q_PROPERTY(qint64 progressDone READ progressDone NOTIFY progressChanged)
    Q_PROPERTY(qint64 progressTotal READ progressTotal NOTIFY progressChanged)
    Q_PROPERTY(qint64 bytesDone READ bytesDone NOTIFY progressChanged)
    Q_PROPERTY(qint64 bytesTotal READ bytesTotal NOTIFY progressChanged)
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
    [[nodiscard]] qint64 progressDone() const { return m_run.received; }
    [[nodiscard]] qint64 progressTotal() const { return m_pullTotal; }
    [[nodiscard]] qint64 bytesDone() const { return m_run.bytesUp + m_run.bytesDown; }
    [[nodiscard]] qint64 bytesTotal() const { return m_bytesTotal; }

    // The protocol's largest batches: fewer round trips and fewer durable commits on both ends.
    int pushBatch = MaxWritesPerPush;
    int pullLimit = MaxPullLimit;

Q_SIGNALS:
    void stateChanged(hearth::sync::SyncEngine::State state);
    // Writes received so far in this run and the server's count of the total; bytes moved.
    void progress(qint64 done, qint64 total, qint64 bytes);
    // Bytes moved so far in this run and the estimated total (pushed bytes plus the server's
    // estimate of what there is to pull).
    void bytesProgress(qint64 done, qint64 total);
    void progressChanged();
    void finished(const hearth::sync::SyncSummary &summary);

private:
    void setState(State s);
    Status configureTransport();
    void pushStep();
    void pullStep();
    void requestPage(const PullRequest &request);
    void applyPage(const Reply &reply);
    // Counts a reply's bytes; ends the run (false) when it is a transport or HTTP failure.
    bool accepted(const Reply &reply);
    void finish(bool ok, const QString &error = {}, bool offline = false);
    void scheduleRetry();

    Store &m_store;
    Transport m_transport;
    State m_state = State::Idle;
    bool m_running = false;
    bool m_again = false;
    SyncSummary m_run;
    quint64 m_runId = 0; // replies of an earlier run (a prefetched page after a failure) are dropped
    qint64 m_pullTotal = 0;
    qint64 m_bytesTotal = 0;
    bool m_counted = false; // the server has counted this run's backlog
    QDateTime m_lastSuccess;
    QTimer m_debounce;
    QTimer m_periodic;
    QTimer m_retry;
    int m_backoffMs = 0;
    std::mt19937 m_rng{std::random_device{}()};
};

} // namespace hearth::sync
