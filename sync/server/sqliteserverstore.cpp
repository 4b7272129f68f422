#include "sqliteserverstore.h"

#include "database.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTimeZone>

#include <sqlite3.h>

namespace hearth::server {

namespace {

const QString kDbFile = QStringLiteral("server.db");
constexpr qint64 kSchemaVersion = 1;
// Writers queue behind each other (BEGIN IMMEDIATE); a push waits rather than fails.
constexpr int kBusyTimeoutMs = 30000;

// The logical schema is shared with the PostgreSQL store (see postgresserverstore.cpp).
const char *const kSchema = R"SQL(
CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS users (
    id TEXT PRIMARY KEY,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL,
    team TEXT NOT NULL,
    caseloads TEXT NOT NULL,
    disabled INTEGER NOT NULL,
    password_hash BLOB
);
CREATE TABLE IF NOT EXISTS devices (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    token_hash BLOB NOT NULL UNIQUE,
    enrolled_at INTEGER,
    revoked INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS writes (
    seq INTEGER PRIMARY KEY,
    device TEXT NOT NULL,
    dseq INTEGER NOT NULL,
    hlc TEXT NOT NULL UNIQUE,
    record_id TEXT NOT NULL,
    type TEXT NOT NULL,
    person_id TEXT NOT NULL,
    payload BLOB NOT NULL,
    UNIQUE (device, dseq)
);
CREATE INDEX IF NOT EXISTS writes_person_seq ON writes(person_id, seq);
CREATE TABLE IF NOT EXISTS records (
    id TEXT PRIMARY KEY,
    type TEXT NOT NULL,
    person_id TEXT NOT NULL,
    state BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS persons (
    person_id TEXT PRIMARY KEY,
    caseload TEXT,
    deleted INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS persons_caseload ON persons(caseload, person_id);
CREATE TABLE IF NOT EXISTS delivered (
    device_id TEXT NOT NULL,
    person_id TEXT NOT NULL,
    PRIMARY KEY (device_id, person_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sessions (
    token_hash BLOB PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
)SQL";

Error ioError(const QString &what, const QString &driver)
{
    return makeError(ErrorCode::Io, QStringLiteral("%1: %2").arg(what, driver));
}

// Resets a cached statement when leaving scope: one left on a row would keep its read transaction,
// and with it an old snapshot, open on this thread's connection.
class Finish
{
public:
    explicit Finish(Statement &st) : m_st(st) {}
    ~Finish() { m_st.reset(); }
    Finish(const Finish &) = delete;
    Finish &operator=(const Finish &) = delete;

private:
    Statement &m_st;
};

QString caseloadsJson(const QStringList &caseloads)
{
    return QString::fromUtf8(QJsonDocument(QJsonArray::fromStringList(caseloads)).toJson(QJsonDocument::Compact));
}

Result<QStringList> parseCaseloads(const QString &userId, const QString &json)
{
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(json.toUtf8(), &err);
    if (err.error != QJsonParseError::NoError || !doc.isArray())
        return makeError(ErrorCode::Corrupt, QStringLiteral("The caseloads of user %1 are unreadable").arg(userId));
    QStringList out;
    for (const QJsonValue &v : doc.array())
        out << v.toString();
    return out;
}

// A person set as a JSON array, read back in SQL through json_each().
QString jsonList(const QStringList &items)
{
    return caseloadsJson(items);
}

// Columns: id, display_name, role, team, caseloads, disabled, password_hash.
Result<User> userFrom(const Statement &st)
{
    User u;
    u.id = st.text(0);
    u.displayName = st.text(1);
    u.role = st.text(2);
    u.team = st.text(3);
    auto caseloads = parseCaseloads(u.id, st.text(4));
    if (!caseloads)
        return caseloads.error();
    u.caseloads = caseloads.value();
    u.disabled = st.integer(5) != 0;
    u.passwordHash = st.blob(6);
    return u;
}

// Columns: id, user_id, token_hash, enrolled_at, revoked.
Device deviceFrom(const Statement &st)
{
    Device dev;
    dev.id = st.text(0);
    dev.userId = st.text(1);
    dev.tokenHash = st.blob(2);
    if (!st.isNull(3))
        dev.enrolledAt = QDateTime::fromMSecsSinceEpoch(st.integer(3), QTimeZone::utc());
    dev.revoked = st.integer(4) != 0;
    return dev;
}

// Columns: seq, device, dseq, hlc, record_id, type, person_id, payload; the payload kept as stored.
StoredWrite rawWriteFrom(const Statement &st)
{
    StoredWrite s;
    s.serverSeq = st.integer(0);
    Write &w = s.write;
    w.device = st.text(1);
    w.seq = st.integer(2);
    w.hlc = st.text(3);
    w.recordId = st.text(4);
    w.type = st.text(5);
    w.personId = st.text(6);
    s.payload = st.blob(7);
    return s;
}

// The same columns, with the payload decoded into the write.
Result<StoredWrite> storedWriteFrom(const Statement &st)
{
    StoredWrite s = rawWriteFrom(st);
    Write &w = s.write;
    if (auto decoded = w.decodePayload(s.payload); !decoded)
        return makeError(ErrorCode::Corrupt,
                         QStringLiteral("Stored write %1/%2 (server sequence %3) is unreadable: %4")
                             .arg(w.device)
                             .arg(w.seq)
                             .arg(s.serverSeq)
                             .arg(decoded.error().message));
    s.payload.clear();
    return s;
}

Result<RecordState> stateFrom(const QString &id, const QByteArray &blob)
{
    auto state = RecordState::decode(blob);
    if (!state || state.value().id != id)
        return makeError(ErrorCode::Corrupt, QStringLiteral("The stored state of record %1 is unreadable").arg(id));
    return state;
}

Result<QList<StoredWrite>> collect(Statement &st)
{
    QList<StoredWrite> out;
    while (st.step()) {
        auto w = storedWriteFrom(st);
        if (!w)
            return w.error();
        out.append(std::move(w).value());
    }
    if (!st.ok())
        return ioError(QStringLiteral("Cannot read the log"), st.error());
    return out;
}

// Runs one data-changing statement; Io with the driver's message on failure.
Status run(Statement &st, const QString &what)
{
    st.step();
    if (!st.ok())
        return ioError(what, st.error());
    return {};
}

// Stamps a new database with the schema version, or refuses one written by a newer server.
Status checkSchemaVersion(Database &db)
{
    auto &&version = db.prepare("SELECT max(version) FROM schema_version");
    Finish versionDone(version);
    if (!version.step())
        return ioError(QStringLiteral("Cannot read the schema version"), version.error());
    if (version.isNull(0)) {
        auto &&ins = db.prepare("INSERT INTO schema_version(version) VALUES (?1)");
        Finish insDone(ins);
        ins.bind(1, kSchemaVersion);
        if (auto st = run(ins, QStringLiteral("Cannot set the schema version")); !st)
            return st;
    } else if (version.integer(0) > kSchemaVersion) {
        return makeError(ErrorCode::Unsupported,
                         QStringLiteral("The server database was written by a newer hearth-server (schema %1; this "
                                        "version reads up to %2)")
                             .arg(version.integer(0))
                             .arg(kSchemaVersion));
    }
    return {};
}

Result<bool> userExists(Database &db, const QString &id)
{
    auto &&st = db.prepare("SELECT 1 FROM users WHERE id = ?1");
    Finish stDone(st);
    st.bind(1, id);
    const bool found = st.step();
    if (!st.ok())
        return ioError(QStringLiteral("Cannot read user %1").arg(id), st.error());
    return found;
}

class SqliteAppend final : public detail::AppendTarget
{
public:
    explicit SqliteAppend(Database &db) : m_db(db) {}

    Result<qint64> lastSeq() override
    {
        auto &&st = m_db.prepare("SELECT coalesce(max(seq), 0) FROM writes");
        Finish stDone(st);
        if (!st.step())
            return ioError(QStringLiteral("Cannot read the log"), st.error());
        return st.integer(0);
    }

    Result<QList<detail::StoredKey>> stored(const Write &w) override
    {
        auto &&st = m_db.prepare("SELECT device, dseq, hlc FROM writes WHERE device = ?1 AND dseq = ?2 "
                                 "UNION ALL SELECT device, dseq, hlc FROM writes WHERE hlc = ?3");
        Finish stDone(st);
        st.bind(1, w.device).bind(2, w.seq).bind(3, w.hlc);
        QList<detail::StoredKey> out;
        while (st.step())
            out.append(detail::StoredKey{st.text(0), st.integer(1), st.text(2)});
        if (!st.ok())
            return ioError(QStringLiteral("Cannot read the log"), st.error());
        return out;
    }

    Result<bool> hasClock(const QString &hlc) override
    {
        auto &&st = m_db.prepare("SELECT 1 FROM writes WHERE hlc = ?1");
        Finish stDone(st);
        st.bind(1, hlc);
        const bool found = st.step();
        if (!st.ok())
            return ioError(QStringLiteral("Cannot read the log"), st.error());
        return found;
    }

    Result<std::optional<RecordState>> loadRecord(const QString &id) override
    {
        auto &&st = m_db.prepare("SELECT state FROM records WHERE id = ?1");
        Finish stDone(st);
        st.bind(1, id);
        if (!st.step()) {
            if (!st.ok())
                return ioError(QStringLiteral("Cannot read record %1").arg(id), st.error());
            return std::optional<RecordState>();
        }
        auto state = stateFrom(id, st.blob(0));
        if (!state)
            return state.error();
        return std::optional<RecordState>(std::move(state).value());
    }

    Status insertWrite(qint64 seq, const Write &w) override
    {
        auto &&st = m_db.prepare("INSERT INTO writes(seq, device, dseq, hlc, record_id, type, person_id, payload) "
                                 "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
        Finish stDone(st);
        st.bind(1, seq).bind(2, w.device).bind(3, w.seq).bind(4, w.hlc).bind(5, w.recordId).bind(6, w.type);
        st.bind(7, w.personId).bind(8, w.encodePayload());
        return run(st, QStringLiteral("Cannot append write %1/%2 to the log").arg(w.device).arg(w.seq));
    }

    Status saveRecord(const RecordState &state) override
    {
        auto &&st = m_db.prepare("INSERT INTO records(id, type, person_id, state) VALUES (?1, ?2, ?3, ?4) "
                                 "ON CONFLICT(id) DO UPDATE SET state = excluded.state");
        Finish stDone(st);
        st.bind(1, state.id).bind(2, state.type).bind(3, state.personId).bind(4, state.encode());
        return run(st, QStringLiteral("Cannot save record %1").arg(state.id));
    }

    Status savePerson(const QString &personId, const std::optional<QString> &caseload, bool deleted) override
    {
        auto &&st = m_db.prepare("INSERT INTO persons(person_id, caseload, deleted) VALUES (?1, ?2, ?3) "
                                 "ON CONFLICT(person_id) DO UPDATE SET caseload = excluded.caseload, "
                                 "deleted = excluded.deleted");
        Finish stDone(st);
        st.bind(1, personId).bind(3, qint64(deleted));
        if (caseload)
            st.bind(2, *caseload);
        else
            st.bindNull(2);
        return run(st, QStringLiteral("Cannot update person %1").arg(personId));
    }

private:
    Database &m_db;
};

} // namespace

struct SqliteServerStore::Impl {
    explicit Impl(const QString &file)
        : path(file), conns([file]() -> Result<std::unique_ptr<Database>> {
              auto db = Database::open(file, true);
              if (!db)
                  return db.error();
              sqlite3_busy_timeout(db.value()->handle(), kBusyTimeoutMs);
              // FULL: an acknowledged push survives power loss, not only a crash of the server.
              // 32 MiB of page cache per connection: the log's indexes stay in memory as it grows.
              if (auto st = db.value()->exec(
                      QStringLiteral("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA cache_size=-32768;"));
                  !st)
                  return st.error();
              return db;
          })
    {}

    // This thread's connection.
    Result<Database *> db() { return conns.local(); }

    QString path;
    detail::PerThread<Database> conns;
};

SqliteServerStore::SqliteServerStore() = default;
SqliteServerStore::~SqliteServerStore() = default;

Result<std::unique_ptr<SqliteServerStore>> SqliteServerStore::open(const QString &dataDir)
{
    if (dataDir.isEmpty())
        return makeError(ErrorCode::Usage, QStringLiteral("No data folder given for the server's SQLite store"));
    if (!QDir().mkpath(dataDir))
        return makeError(ErrorCode::Io, QStringLiteral("Cannot create the data folder %1").arg(dataDir));
    std::unique_ptr<SqliteServerStore> s(new SqliteServerStore);
    s->d = std::make_unique<Impl>(QDir(dataDir).filePath(kDbFile));
    auto conn = s->d->db();
    if (!conn)
        return conn.error();
    Database &db = *conn.value();
    // WAL is a property of the file: set once, outside any transaction.
    if (auto st = db.exec(QStringLiteral("PRAGMA journal_mode=WAL")); !st)
        return st.error();
    Transaction tx(db);
    if (!tx.began())
        return ioError(QStringLiteral("Cannot open the server database %1").arg(s->d->path), db.lastError());
    if (auto st = db.exec(QString::fromLatin1(kSchema)); !st)
        return st.error();
    if (auto st = checkSchemaVersion(db); !st)
        return st.error();
    if (auto st = tx.commit(); !st)
        return st.error();
    return s;
}

QString SqliteServerStore::kind() const
{
    return QStringLiteral("sqlite");
}

// ---- users and devices ----

Status SqliteServerStore::addUser(const User &user)
{
    auto db = d->db();
    if (!db)
        return db.error();
    auto &&st = db.value()->prepare("INSERT OR IGNORE INTO users(id, display_name, role, team, caseloads, "
                                    "disabled, password_hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    Finish stDone(st);
    st.bind(1, user.id).bind(2, user.displayName).bind(3, user.role).bind(4, user.team);
    st.bind(5, caseloadsJson(user.caseloads)).bind(6, qint64(user.disabled)).bind(7, user.passwordHash);
    if (auto s = run(st, QStringLiteral("Cannot add user %1").arg(user.id)); !s)
        return s;
    if (sqlite3_changes(db.value()->handle()) == 0)
        return makeError(ErrorCode::Validation, QStringLiteral("A user %1 already exists").arg(user.id));
    return {};
}

Status SqliteServerStore::updateUser(const User &user)
{
    auto db = d->db();
    if (!db)
        return db.error();
    auto &&st = db.value()->prepare("UPDATE users SET display_name = ?2, role = ?3, team = ?4, caseloads = ?5, "
                                    "disabled = ?6, password_hash = ?7 WHERE id = ?1");
    Finish stDone(st);
    st.bind(1, user.id).bind(2, user.displayName).bind(3, user.role).bind(4, user.team);
    st.bind(5, caseloadsJson(user.caseloads)).bind(6, qint64(user.disabled)).bind(7, user.passwordHash);
    if (auto s = run(st, QStringLiteral("Cannot update user %1").arg(user.id)); !s)
        return s;
    if (sqlite3_changes(db.value()->handle()) == 0)
        return makeError(ErrorCode::NotFound, QStringLiteral("No user %1").arg(user.id));
    return {};
}

Result<std::optional<User>> SqliteServerStore::user(const QString &id)
{
    auto db = d->db();
    if (!db)
        return db.error();
    auto &&st = db.value()->prepare(
        "SELECT id, display_name, role, team, caseloads, disabled, password_hash FROM users WHERE id = ?1");
    Finish stDone(st);
    st.bind(1, id);
    if (!st.step()) {
        if (!st.ok())
            return ioError(QStringLiteral("Cannot read user %1").arg(id), st.error());
        return std::optional<User>();
    }
    auto u = userFrom(st);
    if (!u)
        return u.error();
    return std::optional<User>(std::move(u).value());
}

Result<QList<User>> SqliteServerStore::users()
{
    auto db = d->db();
    if (!db)
        return db.error();
    auto &&st = db.value()->prepare(
        "SELECT id, display_name, role, team, caseloads, disabled, password_hash FROM users ORDER BY id");
    Finish stDone(st);
    QList<User> out;
    while (st.step()) {
        auto u = userFrom(st);
        if (!u)
            return u.error();
        out.append(std::move(u).value());
    }
    if (!st.ok())
        return ioError(QStringLiteral("Cannot read the users"), st.error());
    return out;
}

Status SqliteServerStore::addDevice(const Device &device)
{
    auto db = d->db();
    if (!db)
        return db.error();
    Transaction tx(*db.value());
    if (!tx.began())
        return ioError(QStringLiteral("Cannot add device %1").arg(device.id), db.value()->lastError());
    auto known = userExists(*db.value(), device.userId);
    if (!known)
        return known.error();
    if (!known.value())
        return makeError(ErrorCode::Validation,
                         QStringLiteral("Device %1 names user %2, who does not exist").arg(device.id, device.userId));
    auto &&st = db.value()->prepare("INSERT OR IGNORE INTO devices(id, user_id, token_hash, enrolled_at, revoked) "
                                    "VALUES (?1, ?2, ?3, ?4, ?5)");
    Finish stDone(st);
    st.bind(1, device.id).bind(2, device.userId).bind(3, device.tokenHash).bind(5, qint64(device.revoked));
    if (device.enrolledAt.isValid())
        st.bind(4, device.enrolledAt.toMSecsSinceEpoch());
    else
        st.bindNull(4);
    if (auto s = run(st, QStringLiteral("Cannot add device %1").arg(device.id)); !s)
        return s;
    if (sqlite3_changes(db.value()->handle()) == 0)
        return makeError(ErrorCode::Validation,
                         QStringLiteral("A device %1 (or one with the same token) already exists").arg(device.id));
    return tx.commit();
}

Result<std::optional<Device>> SqliteServerStore::deviceByTokenHash(const QByteArray &tokenHash)
{
    auto db = d->db();
    if (!db)
        return db.error();
    auto &&st =
        db.value()->prepare("SELECT id, user_id, token_hash, enrolled_at, revoked FROM devices WHERE token_hash = ?1");
    Finish stDone(st);
    st.bind(1, tokenHash);
    if (!st.step()) {
        if (!st.ok())
            return ioError(QStringLiteral("Cannot look up a device"), st.error());
        return std::optional<Device>();
    }
    return std::optional<Device>(deviceFrom(st));
}

Result<std::optional<Device>> SqliteServerStore::device(const QString &id)
{
    auto db = d->db();
    if (!db)
        return db.error();
    auto &&st = db.value()->prepare("SELECT id, user_id, token_hash, enrolled_at, revoked FROM devices WHERE id = ?1");
    Finish stDone(st);
    st.bind(1, id);
    if (!st.step()) {
        if (!st.ok())
            return ioError(QStringLiteral("Cannot read device %1").arg(id), st.error());
        return std::optional<Device>();
    }
    return std::optional<Device>(deviceFrom(st));
}

Status SqliteServerStore::revokeDevice(const QString &id)
{
    auto db = d->db();
    if (!db)
        return db.error();
    auto &&st = db.value()->prepare("UPDATE devices SET revoked = 1 WHERE id = ?1");
    Finish stDone(st);
    st.bind(1, id);
    if (auto s = run(st, QStringLiteral("Cannot revoke device %1").arg(id)); !s)
        return s;
    if (sqlite3_changes(db.value()->handle()) == 0)
        return makeError(ErrorCode::NotFound, QStringLiteral("No device %1").arg(id));
    return {};
}

// ---- report sessions ----

Status SqliteServerStore::addSession(const Session &session)
{
    auto db = d->db();
    if (!db)
        return db.error();
    Transaction tx(*db.value());
    if (!tx.began())
        return ioError(QStringLiteral("Cannot add a session"), db.value()->lastError());
    auto known = userExists(*db.value(), session.userId);
    if (!known)
        return known.error();
    if (!known.value())
        return makeError(ErrorCode::Validation, QStringLiteral("No user %1").arg(session.userId));
    {
        auto &&st = db.value()->prepare("DELETE FROM sessions WHERE expires_at <= ?1");
        Finish stDone(st);
        st.bind(1, QDateTime::currentMSecsSinceEpoch());
        if (auto s = run(st, QStringLiteral("Cannot drop expired sessions")); !s)
            return s;
    }
    auto &&st = db.value()->prepare(
        "INSERT INTO sessions(token_hash, user_id, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)");
    Finish stDone(st);
    st.bind(1, session.tokenHash)
        .bind(2, session.userId)
        .bind(3, session.createdAt.toMSecsSinceEpoch())
        .bind(4, session.expiresAt.toMSecsSinceEpoch());
    if (auto s = run(st, QStringLiteral("Cannot add a session")); !s)
        return s;
    return tx.commit();
}

Result<std::optional<Session>> SqliteServerStore::sessionByTokenHash(const QByteArray &tokenHash)
{
    auto db = d->db();
    if (!db)
        return db.error();
    auto &&st =
        db.value()->prepare("SELECT token_hash, user_id, created_at, expires_at FROM sessions WHERE token_hash = ?1");
    Finish stDone(st);
    st.bind(1, tokenHash);
    if (!st.step()) {
        if (!st.ok())
            return ioError(QStringLiteral("Cannot look up a session"), st.error());
        return std::optional<Session>();
    }
    return std::optional<Session>(Session{st.blob(0), st.text(1),
                                          QDateTime::fromMSecsSinceEpoch(st.integer(2), QTimeZone::utc()),
                                          QDateTime::fromMSecsSinceEpoch(st.integer(3), QTimeZone::utc())});
}

Status SqliteServerStore::removeSession(const QByteArray &tokenHash)
{
    auto db = d->db();
    if (!db)
        return db.error();
    auto &&st = db.value()->prepare("DELETE FROM sessions WHERE token_hash = ?1");
    Finish stDone(st);
    st.bind(1, tokenHash);
    return run(st, QStringLiteral("Cannot remove a session"));
}

// ---- the log ----

Result<int> SqliteServerStore::append(const QList<Write> &writes)
{
    if (writes.isEmpty())
        return 0;
    auto db = d->db();
    if (!db)
        return db.error();
    // BEGIN IMMEDIATE takes the one write lock up front, so the sequence numbers allocated below
    // commit in order (and no reader can see a later number before an earlier one).
    Transaction tx(*db.value());
    if (!tx.began())
        return ioError(QStringLiteral("Cannot start storing writes"), db.value()->lastError());
    SqliteAppend target(*db.value());
    auto fresh = detail::appendWrites(writes, target);
    if (!fresh)
        return fresh.error();
    if (auto st = tx.commit(); !st)
        return st.error();
    return fresh;
}

Result<QList<StoredWrite>> SqliteServerStore::writesAfter(qint64 after, const QSet<QString> &persons, int limit)
{
    if (persons.isEmpty() || limit <= 0)
        return QList<StoredWrite>();
    auto db = d->db();
    if (!db)
        return db.error();
    auto &&st =
        db.value()->prepare("SELECT seq, device, dseq, hlc, record_id, type, person_id, payload FROM writes "
                            "WHERE seq > ?1 AND person_id IN (SELECT value FROM json_each(?2)) ORDER BY seq LIMIT ?3");
    Finish stDone(st);
    st.bind(1, after).bind(2, jsonList(QStringList(persons.cbegin(), persons.cend()))).bind(3, qint64(limit));
    return collect(st);
}

Result<QList<StoredWrite>> SqliteServerStore::writesOfPersons(const QStringList &persons, qint64 upTo)
{
    if (persons.isEmpty())
        return QList<StoredWrite>();
    auto db = d->db();
    if (!db)
        return db.error();
    auto &&st = db.value()->prepare("SELECT seq, device, dseq, hlc, record_id, type, person_id, payload FROM writes "
                                    "WHERE seq <= ?1 AND person_id IN (SELECT value FROM json_each(?2)) ORDER BY seq");
    Finish stDone(st);
    st.bind(1, upTo).bind(2, jsonList(persons));
    return collect(st);
}

Result<qint64> SqliteServerStore::lastSeq()
{
    auto db = d->db();
    if (!db)
        return db.error();
    return SqliteAppend(*db.value()).lastSeq();
}

Result<qint64> SqliteServerStore::countAfter(qint64 after, const QSet<QString> &persons)
{
    if (persons.isEmpty())
        return qint64(0);
    auto db = d->db();
    if (!db)
        return db.error();
    auto &&st = db.value()->prepare(
        "SELECT count(*) FROM writes WHERE seq > ?1 AND person_id IN (SELECT value FROM json_each(?2))");
    Finish stDone(st);
    st.bind(1, after).bind(2, jsonList(QStringList(persons.cbegin(), persons.cend())));
    if (!st.step())
        return ioError(QStringLiteral("Cannot count the log"), st.error());
    return st.integer(0);
}

// The scope join reads `writes` as the outer loop (CROSS JOIN fixes SQLite's join order), in
// sequence order, looking each write's person up by key: a page stops at its limit instead of
// collecting every matching write of every person in scope and sorting them.
Result<QList<StoredWrite>> SqliteServerStore::writesInCaseloads(qint64 after, const QStringList &caseloads, int limit,
                                                                const QString &exceptDevice)
{
    if (caseloads.isEmpty() || limit <= 0)
        return QList<StoredWrite>();
    auto db = d->db();
    if (!db)
        return db.error();
    auto &&st = db.value()->prepare(
        "SELECT w.seq, w.device, w.dseq, w.hlc, w.record_id, w.type, w.person_id, w.payload FROM writes w "
        "CROSS JOIN persons p ON p.person_id = w.person_id WHERE w.seq > ?1 AND w.device <> ?4 AND p.caseload IN "
        "(SELECT value FROM json_each(?2)) ORDER BY w.seq LIMIT ?3");
    Finish stDone(st);
    st.bind(1, after).bind(2, jsonList(caseloads)).bind(3, qint64(limit)).bind(4, exceptDevice);
    QList<StoredWrite> out;
    out.reserve(limit);
    while (st.step())
        out.append(rawWriteFrom(st));
    if (!st.ok())
        return ioError(QStringLiteral("Cannot read the log"), st.error());
    return out;
}

Result<Backlog> SqliteServerStore::backlogInCaseloads(qint64 after, const QStringList &caseloads,
                                                     const QString &exceptDevice)
{
    if (caseloads.isEmpty())
        return Backlog{};
    auto db = d->db();
    if (!db)
        return db.error();
    auto &&st = db.value()->prepare(
        "SELECT count(*), coalesce(sum(length(w.payload)), 0) FROM writes w CROSS JOIN persons p ON p.person_id = "
        "w.person_id WHERE w.seq > ?1 AND w.device <> ?3 AND p.caseload IN (SELECT value FROM json_each(?2))");
    Finish stDone(st);
    st.bind(1, after).bind(2, jsonList(caseloads)).bind(3, exceptDevice);
    if (!st.step())
        return ioError(QStringLiteral("Cannot count the log"), st.error());
    return Backlog{st.integer(0), st.integer(1)};
}

// ---- merged state ----

Result<std::optional<RecordState>> SqliteServerStore::record(const QString &id)
{
    auto db = d->db();
    if (!db)
        return db.error();
    return SqliteAppend(*db.value()).loadRecord(id);
}

Status SqliteServerStore::forEachRecord(const std::function<void(const RecordState &)> &fn)
{
    auto db = d->db();
    if (!db)
        return db.error();
    // One statement is one read transaction: a consistent snapshot, while pushes go on.
    auto &&st = db.value()->prepare("SELECT id, state FROM records ORDER BY id");
    Finish stDone(st);
    while (st.step()) {
        auto state = stateFrom(st.text(0), st.blob(1));
        if (!state)
            return state.error();
        fn(state.value());
    }
    if (!st.ok())
        return ioError(QStringLiteral("Cannot read the records"), st.error());
    return {};
}

Result<QHash<QString, QString>> SqliteServerStore::personCaseloads()
{
    auto db = d->db();
    if (!db)
        return db.error();
    auto &&st = db.value()->prepare("SELECT person_id, caseload FROM persons");
    Finish stDone(st);
    QHash<QString, QString> out;
    while (st.step())
        out.insert(st.text(0), st.isNull(1) ? QString() : st.text(1));
    if (!st.ok())
        return ioError(QStringLiteral("Cannot read the persons"), st.error());
    return out;
}

Result<QHash<QString, QString>> SqliteServerStore::caseloadsOf(const QStringList &persons)
{
    if (persons.isEmpty())
        return QHash<QString, QString>();
    auto db = d->db();
    if (!db)
        return db.error();
    auto &&st = db.value()->prepare(
        "SELECT person_id, caseload FROM persons WHERE person_id IN (SELECT value FROM json_each(?1))");
    Finish stDone(st);
    st.bind(1, jsonList(persons));
    QHash<QString, QString> out;
    while (st.step())
        out.insert(st.text(0), st.isNull(1) ? QString() : st.text(1));
    if (!st.ok())
        return ioError(QStringLiteral("Cannot read the persons"), st.error());
    return out;
}

// ---- what each device holds ----

Result<QSet<QString>> SqliteServerStore::delivered(const QString &deviceId)
{
    auto db = d->db();
    if (!db)
        return db.error();
    auto &&st = db.value()->prepare("SELECT person_id FROM delivered WHERE device_id = ?1");
    Finish stDone(st);
    st.bind(1, deviceId);
    QSet<QString> out;
    while (st.step())
        out.insert(st.text(0));
    if (!st.ok())
        return ioError(QStringLiteral("Cannot read what device %1 holds").arg(deviceId), st.error());
    return out;
}

Status SqliteServerStore::markDelivered(const QString &deviceId, const QStringList &added, const QStringList &removed)
{
    auto db = d->db();
    if (!db)
        return db.error();
    Transaction tx(*db.value());
    if (!tx.began())
        return ioError(QStringLiteral("Cannot record what device %1 holds").arg(deviceId), db.value()->lastError());
    // Removals last: when in doubt the server re-sends a person's history, which is harmless.
    {
        auto &&st = db.value()->prepare(
            "INSERT OR IGNORE INTO delivered(device_id, person_id) SELECT ?1, value FROM json_each(?2)");
        Finish stDone(st);
        st.bind(1, deviceId).bind(2, jsonList(added));
        if (auto s = run(st, QStringLiteral("Cannot record what device %1 holds").arg(deviceId)); !s)
            return s;
    }
    {
        auto &&st = db.value()->prepare(
            "DELETE FROM delivered WHERE device_id = ?1 AND person_id IN (SELECT value FROM json_each(?2))");
        Finish stDone(st);
        st.bind(1, deviceId).bind(2, jsonList(removed));
        if (auto s = run(st, QStringLiteral("Cannot record what device %1 holds").arg(deviceId)); !s)
            return s;
    }
    return tx.commit();
}

namespace {

Result<QStringList> personList(Statement &st, const QString &deviceId)
{
    QStringList out;
    while (st.step())
        out << st.text(0);
    if (!st.ok())
        return ioError(QStringLiteral("Cannot read what device %1 holds").arg(deviceId), st.error());
    return out;
}

} // namespace

Result<QStringList> SqliteServerStore::undelivered(const QString &deviceId, const QStringList &caseloads, int limit)
{
    if (caseloads.isEmpty() || limit == 0)
        return QStringList();
    auto db = d->db();
    if (!db)
        return db.error();
    auto &&st = db.value()->prepare(
        "SELECT p.person_id FROM persons p WHERE p.caseload IN (SELECT value FROM json_each(?2)) AND NOT EXISTS "
        "(SELECT 1 FROM delivered d WHERE d.device_id = ?1 AND d.person_id = p.person_id) ORDER BY p.person_id "
        "LIMIT ?3");
    Finish stDone(st);
    st.bind(1, deviceId).bind(2, jsonList(caseloads)).bind(3, qint64(limit < 0 ? -1 : limit));
    return personList(st, deviceId);
}

Result<QStringList> SqliteServerStore::deliveredOutside(const QString &deviceId, const QStringList &caseloads)
{
    auto db = d->db();
    if (!db)
        return db.error();
    auto &&st = db.value()->prepare(
        "SELECT d.person_id FROM delivered d LEFT JOIN persons p ON p.person_id = d.person_id WHERE d.device_id = ?1 "
        "AND (p.caseload IS NULL OR p.caseload NOT IN (SELECT value FROM json_each(?2))) ORDER BY d.person_id");
    Finish stDone(st);
    st.bind(1, deviceId).bind(2, jsonList(caseloads));
    return personList(st, deviceId);
}

} // namespace hearth::server
