#pragma once

#include "merge.h"
#include "result.h"
#include "write.h"

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QSet>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>
#include <optional>

namespace hearth::server {

// A person who signs in: a link worker, a housing officer, a team manager, an administrator.
struct User {
    QString id;          // sign-in name, unique
    QString displayName;
    QString role;        // link_worker | housing | manager | admin
    QString team;        // managers see every caseload of their team
    QStringList caseloads;
    bool disabled = false;
    QByteArray passwordHash; // encoded KDF output with its parameters; never the password
};

struct Device {
    QString id;          // the device's own id (the HLC device of its writes)
    QString userId;
    QByteArray tokenHash; // SHA-256 of the device token; the token itself is never stored
    QDateTime enrolledAt;
    bool revoked = false;
};

// A write as the server holds it: with the server sequence number that orders pulls.
struct StoredWrite {
    qint64 serverSeq = 0;
    Write write;
};

// The server's storage: users, devices, the revision log of every device, and the merged state
// (the same merge the devices run). Implemented on SQLite (embedded default) and PostgreSQL
// (several server processes on one database). Every method is safe to call from any thread;
// implementations use one connection per thread.
class ServerStore
{
public:
    virtual ~ServerStore() = default;

    // Opens a store: an empty or "sqlite:" URL means SQLite in `dataDir`; "postgresql://..." PostgreSQL.
    static Result<std::unique_ptr<ServerStore>> open(const QString &url, const QString &dataDir);

    [[nodiscard]] virtual QString kind() const = 0; // "sqlite" or "postgresql"

    // ---- users and devices ----
    virtual Status addUser(const User &user) = 0;    // fails (Validation) if the id exists
    virtual Status updateUser(const User &user) = 0; // fails (NotFound) if it does not
    [[nodiscard]] virtual Result<std::optional<User>> user(const QString &id) = 0;
    [[nodiscard]] virtual Result<QList<User>> users() = 0;
    virtual Status addDevice(const Device &device) = 0; // fails (Validation) if the id exists
    [[nodiscard]] virtual Result<std::optional<Device>> deviceByTokenHash(const QByteArray &tokenHash) = 0;
    [[nodiscard]] virtual Result<std::optional<Device>> device(const QString &id) = 0;
    virtual Status revokeDevice(const QString &id) = 0;

    // ---- the log ----
    // Stores writes durably in one transaction, idempotent by (device, seq): a write already held
    // is skipped (a different write under the same id is an error, Corrupt). Each new write gets
    // the next server sequence number, and sequence order equals commit order across every server
    // process, so a pull cursor never skips a write that commits later. Applies each write to the
    // merged record state. Returns how many were new. Returns only after the commit is durable.
    virtual Result<int> append(const QList<Write> &writes) = 0;
    // Writes with serverSeq > after whose person is in `persons`, in serverSeq order, at most `limit`.
    [[nodiscard]] virtual Result<QList<StoredWrite>> writesAfter(qint64 after, const QSet<QString> &persons,
                                                                 int limit) = 0;
    // Every write of the given persons with serverSeq <= upTo, in serverSeq order (back-fill for a
    // person newly in a device's scope).
    [[nodiscard]] virtual Result<QList<StoredWrite>> writesOfPersons(const QStringList &persons, qint64 upTo) = 0;
    [[nodiscard]] virtual Result<qint64> lastSeq() = 0;
    // Number of writes after `after` for these persons: lets a first sync show "n of m".
    [[nodiscard]] virtual Result<qint64> countAfter(qint64 after, const QSet<QString> &persons) = 0;

    // ---- merged state ----
    [[nodiscard]] virtual Result<std::optional<RecordState>> record(const QString &id) = 0;
    // Every record, in id order (reports read the server's merged state through this).
    virtual Status forEachRecord(const std::function<void(const RecordState &)> &fn) = 0;
    // Person id -> current caseload (the merged `caseload` field of each live person record).
    [[nodiscard]] virtual Result<QHash<QString, QString>> personCaseloads() = 0;

    // ---- what each device holds ----
    // Persons whose history a device has confirmed receiving (and not since purged).
    [[nodiscard]] virtual Result<QSet<QString>> delivered(const QString &deviceId) = 0;
    virtual Status markDelivered(const QString &deviceId, const QStringList &added, const QStringList &removed) = 0;
};

} // namespace hearth::server
