#include "syncengine.h"

#include "protocol.h"

#include <QEventLoop>
#include <QHostInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkInformation>
#include <QPointer>

namespace hearth::sync {

namespace {

QStringList listSetting(const Store &store, const QString &key)
{
    auto v = store.syncValue(key);
    QStringList out;
    if (v)
        for (const QJsonValue &x : QJsonDocument::fromJson(v.value().toUtf8()).array())
            out << x.toString();
    return out;
}

QString listJson(const QStringList &l)
{
    return QString::fromUtf8(QJsonDocument(QJsonArray::fromStringList(l)).toJson(QJsonDocument::Compact));
}

constexpr int kMaxBackoffMs = 15 * 60 * 1000;

} // namespace

SyncEngine::SyncEngine(Store &store, QObject *parent) : QObject(parent), m_store(store)
{
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(3000);
    connect(&m_debounce, &QTimer::timeout, this, &SyncEngine::syncNow);
    connect(&m_periodic, &QTimer::timeout, this, &SyncEngine::syncNow);
    m_retry.setSingleShot(true);
    connect(&m_retry, &QTimer::timeout, this, &SyncEngine::syncNow);
}

bool SyncEngine::isEnrolled() const
{
    auto t = m_store.syncValue(QStringLiteral("token"));
    return t && !t.value().isEmpty();
}

Status SyncEngine::enrol(const QUrl &server, const QString &user, const QByteArray &password, const QString &pin)
{
    if (!server.isValid() || server.scheme() != QLatin1String("https") || server.host().isEmpty())
        return makeError(ErrorCode::Usage, QStringLiteral("The server address must look like https://host:port"));
    if (!pin.isEmpty() && !pin.startsWith(QLatin1String("sha256/")))
        return makeError(ErrorCode::Usage,
                         QStringLiteral("A pin looks like sha256/<base64>, as hearth-server prints it"));
    m_transport.setServer(server);
    m_transport.setPin(pin);
    m_transport.setToken({});
    const QByteArray body = QJsonDocument(QJsonObject{{QStringLiteral("user"), user},
                                                      {QStringLiteral("password"), QString::fromUtf8(password)},
                                                      {QStringLiteral("device"), m_store.deviceId()},
                                                      {QStringLiteral("name"), QHostInfo::localHostName()}})
                                .toJson(QJsonDocument::Compact);
    const Reply r = m_transport.postAndWait(QStringLiteral("/v1/enrol"), body, "application/json");
    if (r.networkError)
        return makeError(ErrorCode::Network, r.error);
    if (r.httpStatus != 200)
        return makeError(r.httpStatus == 401 || r.httpStatus == 403 || r.httpStatus == 429 ? ErrorCode::Refused
                                                                                           : ErrorCode::Network,
                         r.error);
    const QJsonObject o = QJsonDocument::fromJson(r.body).object();
    const QString token = o.value(QStringLiteral("token")).toString();
    if (token.isEmpty())
        return makeError(ErrorCode::Network, QStringLiteral("The server's enrolment answer is malformed"));
    QStringList caseloads;
    for (const QJsonValue &c : o.value(QStringLiteral("caseloads")).toArray())
        caseloads << c.toString();
    const QList<std::pair<QString, QString>> settings = {
        {QStringLiteral("server"), server.toString()},
        {QStringLiteral("pin"), pin},
        {QStringLiteral("token"), token},
        {QStringLiteral("user"), user},
        {QStringLiteral("role"), o.value(QStringLiteral("role")).toString()},
        {QStringLiteral("caseloads"), listJson(caseloads)},
        {QStringLiteral("caseload"), caseloads.value(0)},
        {QStringLiteral("cursor"), QStringLiteral("0")},
        {QStringLiteral("confirm_delivered"), QStringLiteral("[]")},
        {QStringLiteral("confirm_purged"), QStringLiteral("[]")},
    };
    for (const auto &[k, v] : settings)
        if (auto st = m_store.setSyncValue(k, v); !st)
            return st;
    return {};
}

Status SyncEngine::configureTransport()
{
    auto server = m_store.syncValue(QStringLiteral("server"));
    auto token = m_store.syncValue(QStringLiteral("token"));
    auto pin = m_store.syncValue(QStringLiteral("pin"));
    if (!server || !token || !pin)
        return makeError(ErrorCode::Corrupt, QStringLiteral("This device's sync settings are unreadable"));
    if (token.value().isEmpty())
        return makeError(ErrorCode::Usage, QStringLiteral("This device is not enrolled with a server yet"));
    m_transport.setServer(QUrl(server.value()));
    m_transport.setToken(token.value().toUtf8());
    m_transport.setPin(pin.value());
    return {};
}

void SyncEngine::setState(State s)
{
    if (s == m_state)
        return;
    m_state = s;
    Q_EMIT stateChanged(s);
}

void SyncEngine::syncNow()
{
    if (m_running) {
        m_again = true;
        return;
    }
    if (auto st = configureTransport(); !st) {
        m_run = SyncSummary{};
        m_running = true;
        finish(false, st.error().message);
        return;
    }
    m_retry.stop();
    m_running = true;
    m_again = false;
    m_run = SyncSummary{};
    ++m_runId;
    m_pullTotal = 0;
    m_bytesTotal = 0;
    m_counted = false;
    setState(State::Syncing);
    pushStep();
}

SyncSummary SyncEngine::syncAndWait()
{
    QEventLoop loop;
    SyncSummary out;
    bool done = false;
    auto c = connect(this, &SyncEngine::finished, &loop, [&](const SyncSummary &s) {
        out = s;
        done = true;
        loop.quit();
    });
    syncNow();
    if (!done)
        loop.exec();
    disconnect(c);
    return out;
}

void SyncEngine::pushStep()
{
    auto pending = m_store.pendingWrites(pushBatch, false);
    if (!pending)
        return finish(false, pending.error().message);
    if (pending.value().isEmpty())
        return pullStep();
    const qsizetype sent = pending.value().size();
    m_transport.post(QStringLiteral("/v1/push"), PushRequest{pending.value()}.encode(), CborType,
                     [this, sent, run = m_runId](const Reply &r) {
                         if (run != m_runId || !m_running || !accepted(r))
                             return;
                         auto resp = PushResponse::decode(r.body);
                         if (!resp)
                             return finish(false, resp.error().message);
                         if (resp.value().acked.size() + resp.value().rejected.size() != sent)
                             return finish(false,
                                           QStringLiteral("The server answered for %1 of %2 changes")
                                               .arg(resp.value().acked.size() + resp.value().rejected.size())
                                               .arg(sent));
                         // Only what the server stored durably stops being pending.
                         if (auto st = m_store.markSent(resp.value().acked); !st)
                             return finish(false, st.error().message);
                         if (auto st = m_store.markRejected(resp.value().rejected); !st)
                             return finish(false, st.error().message);
                         m_run.pushed += int(resp.value().acked.size());
                         m_run.rejected += int(resp.value().rejected.size());
                         pushStep();
                     });
}

void SyncEngine::pullStep()
{
    auto cursor = m_store.syncValue(QStringLiteral("cursor"));
    if (!cursor)
        return finish(false, cursor.error().message);
    PullRequest req;
    req.cursor = cursor.value().toLongLong();
    req.limit = pullLimit;
    req.confirmDelivered = listSetting(m_store, QStringLiteral("confirm_delivered"));
    req.confirmPurged = listSetting(m_store, QStringLiteral("confirm_purged"));
    requestPage(req);
}

void SyncEngine::requestPage(const PullRequest &request)
{
    PullRequest req = request;
    req.count = !m_counted; // the first page of a run counts the backlog; later pages count down
    m_counted = true;
    m_transport.post(QStringLiteral("/v1/pull"), req.encode(), CborType, [this, run = m_runId](const Reply &r) {
        if (run != m_runId || !m_running)
            return; // a prefetched page of a run that has ended: never applied
        applyPage(r);
    });
}

bool SyncEngine::accepted(const Reply &r)
{
    m_run.bytesUp += r.bytesUp;
    m_run.bytesDown += r.bytesDown;
    if (r.networkError)
        finish(false, r.error, true);
    else if (r.httpStatus != 200)
        finish(false, r.error);
    return !r.networkError && r.httpStatus == 200;
}

void SyncEngine::applyPage(const Reply &r)
{
    if (!accepted(r))
        return;
    auto resp = PullResponse::decode(r.body);
    if (!resp)
        return finish(false, resp.error().message);
    const PullResponse &page = resp.value();
    if (page.remaining >= 0) {
        m_pullTotal = m_run.received + page.writes.size() + page.remaining;
        m_bytesTotal = m_run.bytesUp + m_run.bytesDown + qMax<qint64>(0, page.remainingBytes);
        m_run.expected = m_pullTotal;
        m_run.bytesExpected = m_bytesTotal;
    }
    // While this page is applied the server prepares the next one. Only when this page asks for no
    // confirmation (nothing delivered, nothing to purge): the request is then exactly the one the
    // device would send after applying it, and if applying fails its answer is dropped unread.
    const bool prefetch = page.more && page.delivered.isEmpty() && page.purge.isEmpty();
    if (prefetch) {
        PullRequest next;
        next.cursor = page.cursor;
        next.limit = pullLimit;
        requestPage(next);
    }
    // The writes, the new cursor and what to confirm next time, in one transaction.
    auto applied = m_store.applyRemote(page.writes,
                                       {{QStringLiteral("cursor"), QString::number(page.cursor)},
                                        {QStringLiteral("confirm_delivered"), listJson(page.delivered)},
                                        {QStringLiteral("confirm_purged"), QStringLiteral("[]")}});
    if (!applied)
        return finish(false, applied.error().message);
    m_run.pulled += applied.value();
    m_run.received += page.writes.size();
    QStringList purged;
    for (const QString &person : page.purge) {
        auto st = m_store.purgePerson(person);
        if (st)
            purged << person;
        else if (st.error().code == ErrorCode::Conflict)
            ++m_run.keptForHandover; // unsynced changes: kept, and listed as could-not-sync
        else
            return finish(false, st.error().message);
    }
    m_run.purged += int(purged.size());
    if (!purged.isEmpty())
        if (auto st = m_store.setSyncValue(QStringLiteral("confirm_purged"), listJson(purged)); !st)
            return finish(false, st.error().message);
    m_pullTotal = qMax(m_pullTotal, m_run.received);
    m_bytesTotal = qMax(m_bytesTotal, m_run.bytesUp + m_run.bytesDown);
    Q_EMIT progress(m_run.received, m_pullTotal, m_run.bytesUp + m_run.bytesDown);
    Q_EMIT bytesProgress(m_run.bytesUp + m_run.bytesDown, m_bytesTotal);
    Q_EMIT progressChanged();
    if (prefetch)
        return; // its answer continues the run
    // What this page delivered or what was purged is confirmed by one more pull in this run, so
    // the server knows what the device holds when the run ends rather than at the next one.
    if (page.more || !page.delivered.isEmpty() || !purged.isEmpty())
        return pullStep();
    finish(true);
}

void SyncEngine::finish(bool ok, const QString &error, bool offline)
{
    m_running = false;
    m_run.ok = ok;
    m_run.error = error;
    m_run.offline = offline;
    m_run.finishedAt = QDateTime::currentDateTimeUtc();
    if (ok) {
        m_lastSuccess = m_run.finishedAt;
        m_backoffMs = 0;
        setState(State::Idle);
    } else {
        setState(offline ? State::Offline : State::Error);
        if (m_periodic.isActive())
            scheduleRetry();
    }
    Q_EMIT finished(m_run);
    if (ok && m_again)
        m_debounce.start();
}

void SyncEngine::scheduleRetry()
{
    // Exponential backoff with jitter, so devices coming back together do not stampede.
    m_backoffMs = qBound(2000, m_backoffMs * 2, kMaxBackoffMs);
    std::uniform_int_distribution<int> jitter(m_backoffMs / 2, m_backoffMs);
    m_retry.start(jitter(m_rng));
}

void SyncEngine::setAutomatic(bool on, int periodMs)
{
    if (!on) {
        m_periodic.stop();
        m_retry.stop();
        m_debounce.stop();
        return;
    }
    m_periodic.start(periodMs);
    // Without a connectivity backend (servers, CI) the retry timer keeps probing instead.
    if (QNetworkInformation::loadDefaultBackend() && QNetworkInformation::instance())
        connect(
            QNetworkInformation::instance(), &QNetworkInformation::reachabilityChanged, this,
            [this](QNetworkInformation::Reachability r) {
                if (r == QNetworkInformation::Reachability::Online)
                    notifyOnline();
            },
            Qt::UniqueConnection);
    QTimer::singleShot(0, this, &SyncEngine::syncNow);
}

void SyncEngine::notifyLocalChange()
{
    if (m_periodic.isActive())
        m_debounce.start();
}

std::function<void()> SyncEngine::backgroundTask()
{
    QPointer<SyncEngine> self(this);
    return [self] {
        if (self)
            self->syncNow();
    };
}

void SyncEngine::notifyOnline()
{
    m_backoffMs = 0;
    syncNow();
}

} // namespace hearth::sync
