#include "syncstatus.h"

#include "session.h"
#include "syncrunner.h"

#include <QQmlEngine>

namespace hearth::app {

SyncStatus::SyncStatus(QObject *parent) : QObject(parent) {}

SyncStatus *SyncStatus::create(QQmlEngine *, QJSEngine *)
{
    SyncStatus *s = Session::instance()->syncStatus();
    QQmlEngine::setObjectOwnership(s, QQmlEngine::CppOwnership);
    return s;
}

void SyncStatus::syncNow()
{
    if (m_runner && m_enrolled)
        m_runner->syncNow();
}

void SyncStatus::attach(SyncRunner *runner)
{
    if (m_runner)
        disconnect(m_runner->worker(), nullptr, this, nullptr);
    m_runner = runner;
    m_done = m_total = m_pending = 0;
    m_conflicts = 0;
    m_lastError.clear();
    m_state = runner ? State::NotEnrolled : State::Locked;
    if (runner) {
        SyncWorker *w = runner->worker();
        connect(w, &SyncWorker::opened, this,
                [this](bool enrolled, const QString &server, const QString &) { applyOpened(enrolled, server); });
        connect(w, &SyncWorker::failed, this, [this](const QString &message) {
            m_lastError = message;
            m_state = State::Error;
            Q_EMIT changed();
        });
        connect(w, &SyncWorker::stateChanged, this, [this](int s) { applyState(sync::SyncEngine::State(s)); });
        connect(w, &SyncWorker::progress, this, &SyncStatus::applyProgress);
        connect(w, &SyncWorker::finished, this, &SyncStatus::applyFinished);
        connect(w, &SyncWorker::counts, this, &SyncStatus::applyCounts);
    }
    Q_EMIT changed();
}

void SyncStatus::applyOpened(bool enrolled, const QString &server)
{
    m_enrolled = enrolled;
    m_server = server;
    m_state = enrolled ? State::Idle : State::NotEnrolled;
    Q_EMIT changed();
}

void SyncStatus::applyState(sync::SyncEngine::State s)
{
    switch (s) {
    case sync::SyncEngine::State::Idle:
        m_state = State::Idle;
        break;
    case sync::SyncEngine::State::Syncing:
        m_state = State::Syncing;
        m_done = m_total = 0;
        break;
    case sync::SyncEngine::State::Offline:
        m_state = State::Offline;
        break;
    case sync::SyncEngine::State::Error:
        m_state = State::Error;
        break;
    }
    Q_EMIT changed();
}

void SyncStatus::applyProgress(qint64 done, qint64 total)
{
    m_done = done;
    m_total = qMax(total, done);
    Q_EMIT changed();
}

void SyncStatus::applyFinished(const sync::SyncSummary &summary)
{
    if (summary.ok) {
        m_lastSynced = summary.finishedAt.isValid() ? summary.finishedAt : QDateTime::currentDateTime();
        m_lastError.clear();
    } else {
        m_lastError = summary.error;
    }
    m_lastRun = QVariantMap{{QStringLiteral("pushed"), summary.pushed},
                            {QStringLiteral("pulled"), summary.pulled},
                            {QStringLiteral("rejected"), summary.rejected},
                            {QStringLiteral("purged"), summary.purged}};
    Q_EMIT changed();
    if (summary.pulled > 0 || summary.purged > 0)
        Q_EMIT pulled();
}

void SyncStatus::applyCounts(qint64 pending, int conflicts)
{
    m_pending = pending;
    m_conflicts = conflicts;
    Q_EMIT changed();
}

} // namespace hearth::app
