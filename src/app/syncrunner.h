#pragma once

#include "store.h"
#include "syncengine.h"

#include <QObject>
#include <QThread>

#include <memory>

namespace hearth::app {

// Lives on the sync thread: its own Store connection and the SyncEngine over it, so the UI
// thread never waits on the network or on applying a pulled page of writes.
class SyncWorker : public QObject
{
    Q_OBJECT
public:
    SyncWorker(QString dir, StoreOptions options);
    ~SyncWorker() override;

    // Opens the worker's connection and starts automatic sync; `passcode` is wiped after use.
    Q_INVOKABLE void start(QByteArray passcode, bool automatic);
    Q_INVOKABLE void syncNow();
    Q_INVOKABLE void notifyLocalChange();
    // Closes the connection (before the thread ends, on the thread that used it).
    Q_INVOKABLE void stop();
    // Runs on the worker thread from the platform's background scheduler.
    [[nodiscard]] std::function<void()> backgroundTask();

Q_SIGNALS:
    void opened(bool enrolled, const QString &server, const QString &user);
    void failed(const QString &message);
    void stateChanged(int state);
    void progress(qint64 done, qint64 total);
    void finished(const hearth::sync::SyncSummary &summary);
    // Writes not yet accepted by the server and records with conflicts, after each change.
    void counts(qint64 pending, int conflicts);

private:
    void recount();

    QString m_dir;
    StoreOptions m_options;
    std::unique_ptr<Store> m_store;
    std::unique_ptr<sync::SyncEngine> m_engine;
};

// Owns the sync thread and its worker; lives on the UI thread. Every call is queued.
class SyncRunner : public QObject
{
    Q_OBJECT
public:
    SyncRunner(const QString &dir, const StoreOptions &options, QObject *parent = nullptr);
    // Stops the worker and joins the thread.
    ~SyncRunner() override;

    void start(const QByteArray &passcode, bool automatic);
    void syncNow();
    void notifyLocalChange();
    [[nodiscard]] SyncWorker *worker() const { return m_worker; }

private:
    QThread m_thread;
    SyncWorker *m_worker = nullptr;
};

} // namespace hearth::app
