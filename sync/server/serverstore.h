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
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

namespace hearth::server {

// A person who signs in: a link worker, a housing officer, a team manager, an administrator.
struct User {
    QString id; // sign-in name, unique
    QString displayName;
    QString role; // link_worker | housing | manager | admin
    QString team; // managers see every caseload of their team
    QStringList caseloads;
    bool disabled = false;
    QByteArray passwordHash; // encoded KDF output with its parameters; never the password
};

struct Device {
    QString id; // the device's own id (the HLC device of its writes)
    QString userId;
    QByteArray tokenHash; // SHA-256 of the device token; the token itself is never stored
    QDateTime enrolledAt;
    bool revoked = false;
};

// A signed-in browser session for the reports API (reports/REPORTS.md): only the token's hash is
// stored, like a device token's, and it is useful until `expiresAt` or sign-out.
struct Session {
    QByteArray tokenHash; // SHA-256 of the session token
    QString userId;
    QDateTime createdAt;
    QDateTime expiresAt;
};

// A write as the server holds it: with the server sequence number that orders pulls.
struct StoredWrite {
    qint64 serverSeq = 0;
    Write write;
    // The stored encoded values and parents (Write::encodePayload()), set only by readers that
    // leave them undecoded (write.values and write.parents empty) so a pull can pass them through.
    QByteArray payload;
};

// How much a device has still to pull: writes and their stored payload bytes.
struct Backlog {
    qint64 writes = 0;
    qint64 bytes = 0;
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

    // ---- report sessions (in the store, so a token works on every process sharing it) ----
    // Adds a session of an existing user (Validation otherwise) and drops every expired one.
    virtual Status addSession(const Session &session) = 0;
    // The session whose token hashes to `tokenHash`, expired or not: the caller checks the time.
    [[nodiscard]] virtual Result<std::optional<Session>> sessionByTokenHash(const QByteArray &tokenHash) = 0;
    // Removes a session (sign-out); an unknown one is not an error, so signing out twice is fine.
    virtual Status removeSession(const QByteArray &tokenHash) = 0;

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
    // A pull page: writes with serverSeq > after whose person's current caseload (personCaseloads())
    // is one of `caseloads`, in serverSeq order, at most `limit`, with their payload undecoded
    // (StoredWrite::payload). Read in sequence order and stopped at the limit, so a page costs its
    // own size, not the whole backlog's or the number of people in scope. Writes of
    // `exceptDevice` are left out: a device holds its own writes already.
    [[nodiscard]] virtual Result<QList<StoredWrite>> writesInCaseloads(qint64 after, const QStringList &caseloads,
                                                                       int limit,
                                                                       const QString &exceptDevice = QString()) = 0;
    // The writes (and payload bytes) writesInCaseloads() would return after `after` without a limit.
    [[nodiscard]] virtual Result<Backlog> backlogInCaseloads(qint64 after, const QStringList &caseloads,
                                                             const QString &exceptDevice = QString()) = 0;

    // ---- merged state ----
    [[nodiscard]] virtual Result<std::optional<RecordState>> record(const QString &id) = 0;
    // Every record, in id order (reports read the server's merged state through this).
    virtual Status forEachRecord(const std::function<void(const RecordState &)> &fn) = 0;
    // Person id -> current caseload (the merged `caseload` field of each person record), deleted
    // people included: their tombstones stay in scope so an edit the delete had not seen reaches a
    // person as a conflict, and a deleted person's id can never be taken over from another caseload.
    [[nodiscard]] virtual Result<QHash<QString, QString>> personCaseloads() = 0;
    // personCaseloads() for the given people only (those the server knows): what a push needs.
    [[nodiscard]] virtual Result<QHash<QString, QString>> caseloadsOf(const QStringList &persons) = 0;

    // ---- what each device holds ----
    // Persons whose history a device has confirmed receiving (and not since purged).
    [[nodiscard]] virtual Result<QSet<QString>> delivered(const QString &deviceId) = 0;
    virtual Status markDelivered(const QString &deviceId, const QStringList &added, const QStringList &removed) = 0;
    // People whose current caseload (personCaseloads()) is one of `caseloads` and whose history
    // the device has not confirmed receiving, in id order, at most `limit` (all when limit < 0).
    // Worked out in the database, so a pull does not read every person and delivery.
    [[nodiscard]] virtual Result<QStringList> undelivered(const QString &deviceId, const QStringList &caseloads,
                                                          int limit) = 0;
    // People the device has confirmed receiving whose current caseload is none of `caseloads`.
    [[nodiscard]] virtual Result<QStringList> deliveredOutside(const QString &deviceId,
                                                               const QStringList &caseloads) = 0;
};

// ---- for the implementations only ----
namespace detail {

// One connection per thread for one store instance. A thread opens its own on first use; it is
// closed on that thread when the thread exits, or with the store (no thread may use it then).
template<typename Conn>
class PerThread
{
public:
    using Factory = std::function<Result<std::unique_ptr<Conn>>()>;

    explicit PerThread(Factory factory) : m_pool(std::make_shared<Pool>(std::move(factory))) {}

    // This thread's connection, opened on first use.
    Result<Conn *> local()
    {
        const auto self = std::this_thread::get_id();
        {
            std::lock_guard lock(m_pool->mutex);
            if (auto it = m_pool->conns.find(self); it != m_pool->conns.end())
                return it->second.get();
        }
        auto conn = m_pool->factory(); // outside the lock: connecting may take a while
        if (!conn)
            return conn.error();
        Conn *raw = conn.value().get();
        {
            std::lock_guard lock(m_pool->mutex);
            m_pool->conns.emplace(self, std::move(conn).value());
        }
        exitHook().watch(m_pool);
        return raw;
    }

private:
    struct Pool {
        explicit Pool(Factory f) : factory(std::move(f)) {}
        void release(std::thread::id thread)
        {
            std::unique_ptr<Conn> closing; // closed outside the lock
            std::lock_guard lock(mutex);
            if (auto it = conns.find(thread); it != conns.end()) {
                closing = std::move(it->second);
                conns.erase(it);
            }
        }
        Factory factory;
        std::mutex mutex;
        std::unordered_map<std::thread::id, std::unique_ptr<Conn>> conns;
    };
    // Lives in each thread that used a store; on thread exit it closes that thread's connections,
    // so pool threads that come and go leave no connection (or thread id to be reused) behind.
    struct ExitHook {
        std::vector<std::weak_ptr<Pool>> pools;
        void watch(const std::shared_ptr<Pool> &pool)
        {
            std::erase_if(pools, [](const std::weak_ptr<Pool> &p) { return p.expired(); });
            pools.push_back(pool);
        }
        ~ExitHook()
        {
            for (const std::weak_ptr<Pool> &p : pools)
                if (auto pool = p.lock())
                    pool->release(std::this_thread::get_id());
        }
    };
    static ExitHook &exitHook()
    {
        thread_local ExitHook hook;
        return hook;
    }

    std::shared_ptr<Pool> m_pool;
};

// A write already in the log under a new write's id or clock.
struct StoredKey {
    QString device;
    qint64 dseq = 0;
    QString hlc;
};

// What the shared append algorithm needs from a backend. Every call is made inside the backend's
// write transaction, after it has made itself the only writer (so lastSeq() + 1 is next).
class AppendTarget
{
public:
    virtual ~AppendTarget() = default;
    // The greatest server sequence number held, 0 for an empty log.
    [[nodiscard]] virtual Result<qint64> lastSeq() = 0;
    // Stored writes with w's (device, dseq) or w's clock: none, one or two.
    [[nodiscard]] virtual Result<QList<StoredKey>> stored(const Write &w) = 0;
    // Whether a write with this clock is in the log (this transaction's inserts included).
    [[nodiscard]] virtual Result<bool> hasClock(const QString &hlc) = 0;
    // The merged state of a record, if held.
    [[nodiscard]] virtual Result<std::optional<RecordState>> loadRecord(const QString &id) = 0;
    // Adds a write to the log under server sequence number `seq`.
    virtual Status insertWrite(qint64 seq, const Write &w) = 0;
    // Inserts or replaces a record's merged state.
    virtual Status saveRecord(const RecordState &state) = 0;
    // Inserts or updates a person's row; `caseload` is null when the person has none.
    virtual Status savePerson(const QString &personId, const std::optional<QString> &caseload, bool deleted) = 0;
};

// The backend-neutral body of ServerStore::append(): idempotence, conflicts, sequence numbers and
// the merge. Returns how many writes were new; on an error the caller rolls back.
Result<int> appendWrites(const QList<Write> &writes, AppendTarget &target);

} // namespace detail

} // namespace hearth::server
