#include "syncrunner.h"

#include "crypto.h"

#include <QMetaObject>

namespace hearth::app {

namespace {
QString textOrEmpty(const Result<QString> &r)
{
    return r ? r.value() : QString();
}
} // namespace

SyncWorker::SyncWorker(QString dir, StoreOptions options) : m_dir(std::move(dir)), m_options(std::move(options)) {}

SyncWorker::~SyncWorker() = default;

void SyncWorker::start(QByteArray passcode, bool automatic)
{
    auto store = Store::open(m_dir, passcode, m_options);
    crypto::wipe(passcode);
    if (!store) {
        Q_EMIT failed(store.error().message);
        return;
    }
    m_store = std::move(store).value();
    m_engine = std::make_unique<sync::SyncEngine>(*m_store);
    connect(m_engine.get(), &sync::SyncEngine::stateChanged, this,
            [this](sync::SyncEngine::State s) { Q_EMIT stateChanged(int(s)); });
    connect(m_engine.get(), &sync::SyncEngine::progress, this,
            [this](qint64 done, qint64 total, qint64) { Q_EMIT progress(done, total); });
    connect(m_engine.get(), &sync::SyncEngine::finished, this, [this](const sync::SyncSummary &s) {
        Q_EMIT finished(s);
        recount();
    });
    const bool enrolled = m_engine->isEnrolled();
    Q_EMIT opened(enrolled, textOrEmpty(m_store->syncValue(QStringLiteral("server"))),
                  textOrEmpty(m_store->syncValue(QStringLiteral("user"))));
    recount();
    if (enrolled && automatic)
        m_engine->setAutomatic(true);
}

void SyncWorker::syncNow()
{
    if (m_engine && m_engine->isEnrolled())
        m_engine->syncNow();
}

void SyncWorker::notifyLocalChange()
{
    if (!m_engine)
        return;
    m_engine->notifyLocalChange();
    recount();
}

void SyncWorker::stop()
{
    m_engine.reset();
    m_store.reset();
}

std::function<void()> SyncWorker::backgroundTask()
{
    return [this] { QMetaObject::invokeMethod(this, &SyncWorker::syncNow, Qt::QueuedConnection); };
}

void SyncWorker::recount()
{
    if (!m_store)
        return;
    auto pending = m_store->pendingCount();
    auto conflicted = m_store->conflicted();
    int conflicts = 0;
    if (conflicted)
        for (const Record &r : conflicted.value())
            conflicts += int(r.conflicts.size());
    Q_EMIT counts(pending ? pending.value() : 0, conflicts);
}

SyncRunner::SyncRunner(const QString &dir, const StoreOptions &options, QObject *parent) : QObject(parent)
{
    m_thread.setObjectName(QStringLiteral("hearth-sync"));
    m_worker = new SyncWorker(dir, options);
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    m_thread.start();
}

SyncRunner::~SyncRunner()
{
    // The store must close on the thread that used it, before the thread goes away.
    QMetaObject::invokeMethod(m_worker, &SyncWorker::stop, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

void SyncRunner::start(const QByteArray &passcode, bool automatic)
{
    QMetaObject::invokeMethod(m_worker, "start", Qt::QueuedConnection, Q_ARG(QByteArray, passcode),
                              Q_ARG(bool, automatic));
}

void SyncRunner::syncNow()
{
    QMetaObject::invokeMethod(m_worker, &SyncWorker::syncNow, Qt::QueuedConnection);
}

void SyncRunner::notifyLocalChange()
{
    QMetaObject::invokeMethod(m_worker, &SyncWorker::notifyLocalChange, Qt::QueuedConnection);
}

} // namespace hearth::app
