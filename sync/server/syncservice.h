#pragma once

#include "serverstore.h"

#include <QByteArray>
#include <QHash>
#include <QLoggingCategory>
#include <QMutex>
#include <QString>

#include <atomic>

Q_DECLARE_LOGGING_CATEGORY(lcServer)

namespace hearth::server {

// One HTTP request, as far as the service needs it.
struct ServiceRequest {
    QByteArray method;
    QString path;
    QByteArray body;
    QByteArray authorization;   // the Authorization header
    QByteArray protocolVersion; // the Hearth-Protocol header
    QByteArray contentType;
    // The URL query, encoded (the reports API reads from, to, team and format from it).
    QString query;
    QString peer; // for logs
};

struct ServiceResponse {
    int status = 200;
    QByteArray contentType = "application/json";
    QByteArray body;
};

// Which people a user may see: the one place scope is decided, so new roles extend it here.
struct Scope {
    QSet<QString> caseloads;
    [[nodiscard]] bool containsCaseload(const QString &c) const { return !c.isEmpty() && caseloads.contains(c); }
};

// The sync protocol (sync/PROTOCOL.md) independent of HTTP: enrol, push, pull, health. The HTTP
// server and in-process tests both call handle(). Thread-safe: handle() runs on a thread pool.
class SyncService
{
public:
    SyncService(ServerStore &store, QString serverId);

    [[nodiscard]] ServiceResponse handle(const ServiceRequest &request);
    [[nodiscard]] Result<Scope> scopeFor(const User &user);

    // Password hashing shared with the administration commands: scrypt via OpenSSL, parameters
    // stored with the hash ("scrypt$N$r$p$salt$hash", base64 parts).
    [[nodiscard]] static Result<QByteArray> hashPassword(const QByteArray &password);
    [[nodiscard]] static bool verifyPassword(const QByteArray &password, const QByteArray &encoded);
    [[nodiscard]] static QByteArray hashToken(const QByteArray &token);

    // Requests being handled now; graceful shutdown waits for this to reach zero.
    [[nodiscard]] int inFlight() const { return m_inFlight.load(); }

private:
    ServiceResponse health();
    ServiceResponse enrol(const ServiceRequest &r);
    ServiceResponse push(const ServiceRequest &r, const Device &device, const User &user);
    ServiceResponse pull(const ServiceRequest &r, const Device &device, const User &user);
    // Resolves the bearer token to an enrolled device and an active user, or an error response.
    std::optional<ServiceResponse> authenticate(const ServiceRequest &r, Device *device, User *user);
    bool tooManyFailures(const QString &userId);
    void recordFailure(const QString &userId, bool failed);

    ServerStore &m_store;
    QString m_serverId;
    std::atomic<int> m_inFlight{0};
    QMutex m_failuresLock;
    QHash<QString, QList<qint64>> m_failures; // user -> times of recent failed sign-ins
};

} // namespace hearth::server
