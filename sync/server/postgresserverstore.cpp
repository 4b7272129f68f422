#include "postgresserverstore.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTimeZone>
#include <QUrl>

#include <libpq-fe.h>

#include <vector>

namespace hearth::server {

namespace {

constexpr qint64 kSchemaVersion = 1;
// Transaction-scoped advisory locks (fixed, arbitrary keys; scoped to the database by PostgreSQL).
// Schema: two processes starting together must not both run CREATE TABLE IF NOT EXISTS, which races.
const char *const kSchemaLock = "SELECT pg_advisory_xact_lock(5206374821950001)";
// The log: held from allocating sequence numbers until commit, so sequence order is commit order.
const char *const kAppendLock = "SELECT pg_advisory_xact_lock(5206374821950002)";
// forEachRecord() reads this many records per query.
constexpr int kRecordPage = 500;

// The logical schema of sqliteserverstore.cpp. Text is compared bytewise ("C"), as in SQLite, so
// id order (and clock order of hlc) does not depend on the database's locale.
const char *const kSchema[] = {
    R"SQL(CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL))SQL",
    R"SQL(CREATE TABLE IF NOT EXISTS users (
        id TEXT COLLATE "C" PRIMARY KEY,
        display_name TEXT NOT NULL,
        role TEXT NOT NULL,
        team TEXT NOT NULL,
        caseloads TEXT NOT NULL,
        disabled BOOLEAN NOT NULL,
        password_hash BYTEA
    ))SQL",
    R"SQL(CREATE TABLE IF NOT EXISTS devices (
        id TEXT COLLATE "C" PRIMARY KEY,
        user_id TEXT COLLATE "C" NOT NULL REFERENCES users(id),
        token_hash BYTEA NOT NULL UNIQUE,
        enrolled_at BIGINT,
        revoked BOOLEAN NOT NULL
    ))SQL",
    R"SQL(CREATE TABLE IF NOT EXISTS writes (
        seq BIGINT PRIMARY KEY,
        device TEXT COLLATE "C" NOT NULL,
        dseq BIGINT NOT NULL,
        hlc TEXT COLLATE "C" NOT NULL UNIQUE,
        record_id TEXT COLLATE "C" NOT NULL,
        type TEXT COLLATE "C" NOT NULL,
        person_id TEXT COLLATE "C" NOT NULL,
        payload BYTEA NOT NULL,
        UNIQUE (device, dseq)
    ))SQL",
    R"SQL(CREATE INDEX IF NOT EXISTS writes_person_seq ON writes (person_id, seq))SQL",
    R"SQL(CREATE TABLE IF NOT EXISTS records (
        id TEXT COLLATE "C" PRIMARY KEY,
        type TEXT COLLATE "C" NOT NULL,
        person_id TEXT COLLATE "C" NOT NULL,
        state BYTEA NOT NULL
    ))SQL",
    R"SQL(CREATE TABLE IF NOT EXISTS persons (
        person_id TEXT COLLATE "C" PRIMARY KEY,
        caseload TEXT,
        deleted BOOLEAN NOT NULL
    ))SQL",
    R"SQL(CREATE INDEX IF NOT EXISTS persons_caseload ON persons (caseload, person_id))SQL",
    R"SQL(CREATE TABLE IF NOT EXISTS delivered (
        device_id TEXT COLLATE "C" NOT NULL,
        person_id TEXT COLLATE "C" NOT NULL,
        PRIMARY KEY (device_id, person_id)
    ))SQL",
    R"SQL(CREATE TABLE IF NOT EXISTS sessions (
        token_hash BYTEA PRIMARY KEY,
        user_id TEXT COLLATE "C" NOT NULL REFERENCES users(id),
        created_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL
    ))SQL",
};

struct ResultDeleter {
    void operator()(PGresult *r) const { PQclear(r); }
};
using PgResult = std::unique_ptr<PGresult, ResultDeleter>;

// One query parameter. Bytes go in binary format: never escaped into SQL text.
struct Param {
    QByteArray bytes;
    bool binary = false;
    bool null = false;
};

Param text(const QString &v)
{
    return Param{v.toUtf8()};
}

Param number(qint64 v)
{
    return Param{QByteArray::number(v)};
}

Param boolean(bool v)
{
    return Param{v ? QByteArrayLiteral("true") : QByteArrayLiteral("false")};
}

Param bytes(const QByteArray &v)
{
    return Param{v, true};
}

Param null()
{
    return Param{{}, false, true};
}

// A text[] literal: every element quoted, so no id can break out of it.
Param textArray(const QStringList &items)
{
    QByteArray out("{");
    for (qsizetype i = 0; i < items.size(); ++i) {
        if (i)
            out += ',';
        out += '"';
        for (char c : items[i].toUtf8()) {
            if (c == '"' || c == '\\')
                out += '\\';
            out += c;
        }
        out += '"';
    }
    out += '}';
    return Param{out};
}

QString textAt(const PGresult *r, int row, int col)
{
    return QString::fromUtf8(PQgetvalue(r, row, col), PQgetlength(r, row, col));
}

qint64 intAt(const PGresult *r, int row, int col)
{
    return QByteArray(PQgetvalue(r, row, col), PQgetlength(r, row, col)).toLongLong();
}

bool boolAt(const PGresult *r, int row, int col)
{
    return PQgetvalue(r, row, col)[0] == 't';
}

bool nullAt(const PGresult *r, int row, int col)
{
    return PQgetisnull(r, row, col) != 0;
}

// bytea arrives in text form: hex ("\x...") since PostgreSQL 9.0, which the session also asks for.
QByteArray bytesAt(const PGresult *r, int row, int col)
{
    const char *v = PQgetvalue(r, row, col);
    const int n = PQgetlength(r, row, col);
    if (n >= 2 && v[0] == '\\' && v[1] == 'x')
        return QByteArray::fromHex(QByteArray::fromRawData(v + 2, n - 2));
    size_t len = 0;
    unsigned char *raw = PQunescapeBytea(reinterpret_cast<const unsigned char *>(v), &len);
    if (!raw)
        return {};
    QByteArray out(reinterpret_cast<const char *>(raw), qsizetype(len));
    PQfreemem(raw);
    return out;
}

// The server's own words, without DETAIL (which may quote the values of a row).
QString errorOf(const PGresult *r, PGconn *conn)
{
    if (r) {
        const char *primary = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
        const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
        if (primary)
            return state ? QStringLiteral("%1 (SQLSTATE %2)").arg(QString::fromUtf8(primary), QString::fromUtf8(state))
                         : QString::fromUtf8(primary);
    }
    return QString::fromUtf8(PQerrorMessage(conn)).trimmed().section(QLatin1Char('\n'), 0, 0);
}

Error ioError(const QString &what, const QString &driver)
{
    return makeError(ErrorCode::Io, QStringLiteral("%1: %2").arg(what, driver));
}

void ignoreNotice(void *, const char *) {}

// One libpq connection, used by one thread at a time.
class PgConn
{
public:
    ~PgConn() { PQfinish(m_conn); }

    // Connects; `where` names the server in messages (never with the password).
    static Result<std::unique_ptr<PgConn>> connect(const QByteArray &url, const QString &where)
    {
        std::unique_ptr<PgConn> c(new PgConn(where));
        c->m_conn = PQconnectdb(url.constData());
        if (!c->m_conn)
            return makeError(ErrorCode::Io,
                             QStringLiteral("Cannot connect to PostgreSQL at %1: out of memory").arg(where));
        if (PQstatus(c->m_conn) != CONNECTION_OK)
            return ioError(QStringLiteral("Cannot connect to PostgreSQL at %1").arg(where),
                           errorOf(nullptr, c->m_conn));
        if (auto st = c->setUp(); !st)
            return st.error();
        return c;
    }

    // Runs one statement with its parameters; Io with the server's message on failure.
    Result<PgResult> exec(const char *sql, const std::vector<Param> &params = {})
    {
        std::vector<const char *> values;
        std::vector<int> lengths;
        std::vector<int> formats;
        for (const Param &p : params) {
            values.push_back(p.null ? nullptr : p.bytes.constData());
            lengths.push_back(int(p.bytes.size()));
            formats.push_back(p.binary ? 1 : 0);
        }
        PgResult r(
            PQexecParams(m_conn, sql, int(params.size()), nullptr, values.data(), lengths.data(), formats.data(), 0));
        const ExecStatusType status = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
        if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
            return ioError(QStringLiteral("PostgreSQL"), errorOf(r.get(), m_conn));
        return r;
    }

    // Makes the connection usable: reconnects after the server dropped it, and rolls back a
    // transaction an earlier failure left open.
    Status ready()
    {
        if (PQstatus(m_conn) != CONNECTION_OK) {
            PQreset(m_conn);
            if (PQstatus(m_conn) != CONNECTION_OK)
                return ioError(QStringLiteral("Lost the connection to PostgreSQL at %1").arg(m_where),
                               errorOf(nullptr, m_conn));
            if (auto st = setUp(); !st)
                return st;
        }
        const PGTransactionStatusType tx = PQtransactionStatus(m_conn);
        if (tx == PQTRANS_INTRANS || tx == PQTRANS_INERROR)
            if (auto r = exec("ROLLBACK"); !r)
                return r.error();
        return {};
    }

private:
    explicit PgConn(QString where) : m_where(std::move(where)) {}

    Status setUp()
    {
        PQsetNoticeProcessor(m_conn, ignoreNotice, nullptr); // notices would go to stderr; none needs action
        if (PQsetClientEncoding(m_conn, "UTF8") != 0)
            return ioError(QStringLiteral("Cannot use UTF-8 with PostgreSQL"), errorOf(nullptr, m_conn));
        if (auto r = exec("SET bytea_output = 'hex'"); !r)
            return r.error();
        // A push is acknowledged only once durable: refuse a session default that would lose it.
        auto sync = exec("SELECT current_setting('synchronous_commit')");
        if (!sync)
            return sync.error();
        if (textAt(sync.value().get(), 0, 0) == QLatin1String("off"))
            if (auto r = exec("SET synchronous_commit = on"); !r)
                return r.error();
        return {};
    }

    PGconn *m_conn = nullptr;
    QString m_where;
};

// Rolls back unless committed.
class PgTransaction
{
public:
    PgTransaction(PgConn &conn, const char *begin) : m_conn(conn)
    {
        if (auto r = conn.exec(begin); !r)
            m_error = r.error();
    }
    ~PgTransaction()
    {
        if (!m_error && !m_done)
            (void)m_conn.exec("ROLLBACK");
    }
    PgTransaction(const PgTransaction &) = delete;
    PgTransaction &operator=(const PgTransaction &) = delete;

    // Why BEGIN failed, if it did.
    [[nodiscard]] const std::optional<Error> &error() const { return m_error; }

    Status commit()
    {
        m_done = true;
        auto r = m_conn.exec("COMMIT");
        if (!r)
            return r.error();
        // COMMIT of a failed transaction "succeeds" as ROLLBACK: never report that as stored.
        if (qstrcmp(PQcmdStatus(r.value().get()), "COMMIT") != 0)
            return makeError(ErrorCode::Io, QStringLiteral("PostgreSQL rolled the transaction back"));
        return {};
    }

private:
    PgConn &m_conn;
    std::optional<Error> m_error;
    bool m_done = false;
};

bool changedRows(const PgResult &r)
{
    return qstrcmp(PQcmdTuples(r.get()), "0") != 0;
}

QString caseloadsJson(const QStringList &caseloads)
{
    return QString::fromUtf8(QJsonDocument(QJsonArray::fromStringList(caseloads)).toJson(QJsonDocument::Compact));
}

// Columns: id, display_name, role, team, caseloads, disabled, password_hash.
Result<User> userAt(const PGresult *r, int row)
{
    User u;
    u.id = textAt(r, row, 0);
    u.displayName = textAt(r, row, 1);
    u.role = textAt(r, row, 2);
    u.team = textAt(r, row, 3);
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray(PQgetvalue(r, row, 4)), &err);
    if (err.error != QJsonParseError::NoError || !doc.isArray())
        return makeError(ErrorCode::Corrupt, QStringLiteral("The caseloads of user %1 are unreadable").arg(u.id));
    for (const QJsonValue &v : doc.array())
        u.caseloads << v.toString();
    u.disabled = boolAt(r, row, 5);
    if (!nullAt(r, row, 6))
        u.passwordHash = bytesAt(r, row, 6);
    return u;
}

// Columns: id, user_id, token_hash, enrolled_at, revoked.
Device deviceAt(const PGresult *r, int row)
{
    Device dev;
    dev.id = textAt(r, row, 0);
    dev.userId = textAt(r, row, 1);
    dev.tokenHash = bytesAt(r, row, 2);
    if (!nullAt(r, row, 3))
        dev.enrolledAt = QDateTime::fromMSecsSinceEpoch(intAt(r, row, 3), QTimeZone::utc());
    dev.revoked = boolAt(r, row, 4);
    return dev;
}

// Rows of seq, device, dseq, hlc, record_id, type, person_id, payload, the payload kept as stored.
QList<StoredWrite> rawWrites(const PGresult *r)
{
    QList<StoredWrite> out;
    out.reserve(PQntuples(r));
    for (int row = 0; row < PQntuples(r); ++row) {
        StoredWrite s;
        s.serverSeq = intAt(r, row, 0);
        Write &w = s.write;
        w.device = textAt(r, row, 1);
        w.seq = intAt(r, row, 2);
        w.hlc = textAt(r, row, 3);
        w.recordId = textAt(r, row, 4);
        w.type = textAt(r, row, 5);
        w.personId = textAt(r, row, 6);
        s.payload = bytesAt(r, row, 7);
        out.append(std::move(s));
    }
    return out;
}

// The same rows with each payload decoded into its write.
Result<QList<StoredWrite>> storedWrites(const PGresult *r)
{
    QList<StoredWrite> out = rawWrites(r);
    for (StoredWrite &s : out) {
        Write &w = s.write;
        if (auto decoded = w.decodePayload(s.payload); !decoded)
            return makeError(ErrorCode::Corrupt,
                             QStringLiteral("Stored write %1/%2 (server sequence %3) is unreadable: %4")
                                 .arg(w.device)
                                 .arg(w.seq)
                                 .arg(s.serverSeq)
                                 .arg(decoded.error().message));
        s.payload.clear();
    }
    return out;
}

Result<RecordState> stateFrom(const QString &id, const QByteArray &blob)
{
    auto state = RecordState::decode(blob);
    if (!state || state.value().id != id)
        return makeError(ErrorCode::Corrupt, QStringLiteral("The stored state of record %1 is unreadable").arg(id));
    return state;
}

const char *const kWriteColumns = "seq, device, dseq, hlc, record_id, type, person_id, payload";

class PgAppend final : public detail::AppendTarget
{
public:
    explicit PgAppend(PgConn &conn) : m_conn(conn) {}

    Result<qint64> lastSeq() override
    {
        auto r = m_conn.exec("SELECT coalesce(max(seq), 0) FROM writes");
        if (!r)
            return r.error();
        return intAt(r.value().get(), 0, 0);
    }

    Result<QList<detail::StoredKey>> stored(const Write &w) override
    {
        auto r = m_conn.exec("SELECT device, dseq, hlc FROM writes WHERE device = $1 AND dseq = $2 "
                             "UNION ALL SELECT device, dseq, hlc FROM writes WHERE hlc = $3",
                             {text(w.device), number(w.seq), text(w.hlc)});
        if (!r)
            return r.error();
        QList<detail::StoredKey> out;
        for (int row = 0; row < PQntuples(r.value().get()); ++row)
            out.append(detail::StoredKey{textAt(r.value().get(), row, 0), intAt(r.value().get(), row, 1),
                                         textAt(r.value().get(), row, 2)});
        return out;
    }

    Result<bool> hasClock(const QString &hlc) override
    {
        auto r = m_conn.exec("SELECT 1 FROM writes WHERE hlc = $1", {text(hlc)});
        if (!r)
            return r.error();
        return PQntuples(r.value().get()) > 0;
    }

    Result<std::optional<RecordState>> loadRecord(const QString &id) override
    {
        auto r = m_conn.exec("SELECT state FROM records WHERE id = $1", {text(id)});
        if (!r)
            return r.error();
        if (PQntuples(r.value().get()) == 0)
            return std::optional<RecordState>();
        auto state = stateFrom(id, bytesAt(r.value().get(), 0, 0));
        if (!state)
            return state.error();
        return std::optional<RecordState>(std::move(state).value());
    }

    Status insertWrite(qint64 seq, const Write &w) override
    {
        auto r = m_conn.exec("INSERT INTO writes(seq, device, dseq, hlc, record_id, type, person_id, payload) "
                             "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                             {number(seq), text(w.device), number(w.seq), text(w.hlc), text(w.recordId), text(w.type),
                              text(w.personId), bytes(w.encodePayload())});
        if (!r)
            return ioError(QStringLiteral("Cannot append write %1/%2 to the log").arg(w.device).arg(w.seq),
                           r.error().message);
        return {};
    }

    Status saveRecord(const RecordState &state) override
    {
        auto r = m_conn.exec("INSERT INTO records(id, type, person_id, state) VALUES ($1, $2, $3, $4) "
                             "ON CONFLICT (id) DO UPDATE SET state = excluded.state",
                             {text(state.id), text(state.type), text(state.personId), bytes(state.encode())});
        if (!r)
            return ioError(QStringLiteral("Cannot save record %1").arg(state.id), r.error().message);
        return {};
    }

    Status savePerson(const QString &personId, const std::optional<QString> &caseload, bool deleted) override
    {
        auto r = m_conn.exec("INSERT INTO persons(person_id, caseload, deleted) VALUES ($1, $2, $3) "
                             "ON CONFLICT (person_id) DO UPDATE SET caseload = excluded.caseload, "
                             "deleted = excluded.deleted",
                             {text(personId), caseload ? text(*caseload) : null(), boolean(deleted)});
        if (!r)
            return ioError(QStringLiteral("Cannot update person %1").arg(personId), r.error().message);
        return {};
    }

private:
    PgConn &m_conn;
};

} // namespace

struct PostgresServerStore::Impl {
    Impl(const QByteArray &url, const QString &where) : conns([url, where] { return PgConn::connect(url, where); }) {}

    // This thread's connection, ready for a statement.
    Result<PgConn *> conn()
    {
        auto c = conns.local();
        if (!c)
            return c.error();
        if (auto st = c.value()->ready(); !st)
            return st.error();
        return c;
    }

    detail::PerThread<PgConn> conns;
};

PostgresServerStore::PostgresServerStore() = default;
PostgresServerStore::~PostgresServerStore() = default;

Result<std::unique_ptr<PostgresServerStore>> PostgresServerStore::open(const QString &url)
{
    if (!PQisthreadsafe())
        return makeError(ErrorCode::Unsupported, QStringLiteral("This libpq was built without thread safety"));
    // Messages name the server by host, port and database only: the URL may carry a password.
    const QUrl parsed(url);
    const QString where = QStringLiteral("%1:%2%3").arg(parsed.host()).arg(parsed.port(5432)).arg(parsed.path());
    std::unique_ptr<PostgresServerStore> s(new PostgresServerStore);
    s->d = std::make_unique<Impl>(url.toUtf8(), where);
    auto conn = s->d->conn();
    if (!conn)
        return conn.error();
    PgConn &c = *conn.value();
    PgTransaction tx(c, "BEGIN");
    if (tx.error())
        return *tx.error();
    if (auto r = c.exec(kSchemaLock); !r)
        return r.error();
    // An existing schema is only read: the server's role then needs no CREATE privilege (which
    // PostgreSQL 15 no longer grants on the public schema by default).
    auto present = c.exec("SELECT to_regclass('schema_version') IS NOT NULL");
    if (!present)
        return present.error();
    qint64 version = 0;
    if (boolAt(present.value().get(), 0, 0)) {
        auto r = c.exec("SELECT coalesce(max(version), 0) FROM schema_version");
        if (!r)
            return r.error();
        version = intAt(r.value().get(), 0, 0);
    }
    if (version > kSchemaVersion)
        return makeError(ErrorCode::Unsupported,
                         QStringLiteral("The server database was written by a newer hearth-server (schema %1; this "
                                        "version reads up to %2)")
                             .arg(version)
                             .arg(kSchemaVersion));
    if (version == 0) {
        for (const char *sql : kSchema)
            if (auto r = c.exec(sql); !r)
                return ioError(QStringLiteral("Cannot create the server's tables"), r.error().message);
        if (auto r = c.exec("INSERT INTO schema_version(version) VALUES ($1)", {number(kSchemaVersion)}); !r)
            return r.error();
    }
    if (auto st = tx.commit(); !st)
        return st.error();
    return s;
}

QString PostgresServerStore::kind() const
{
    return QStringLiteral("postgresql");
}

// ---- users and devices ----

Status PostgresServerStore::addUser(const User &user)
{
    auto c = d->conn();
    if (!c)
        return c.error();
    auto r = c.value()->exec("INSERT INTO users(id, display_name, role, team, caseloads, disabled, password_hash) "
                             "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING",
                             {text(user.id), text(user.displayName), text(user.role), text(user.team),
                              text(caseloadsJson(user.caseloads)), boolean(user.disabled), bytes(user.passwordHash)});
    if (!r)
        return ioError(QStringLiteral("Cannot add user %1").arg(user.id), r.error().message);
    if (!changedRows(r.value()))
        return makeError(ErrorCode::Validation, QStringLiteral("A user %1 already exists").arg(user.id));
    return {};
}

Status PostgresServerStore::updateUser(const User &user)
{
    auto c = d->conn();
    if (!c)
        return c.error();
    auto r = c.value()->exec("UPDATE users SET display_name = $2, role = $3, team = $4, caseloads = $5, "
                             "disabled = $6, password_hash = $7 WHERE id = $1",
                             {text(user.id), text(user.displayName), text(user.role), text(user.team),
                              text(caseloadsJson(user.caseloads)), boolean(user.disabled), bytes(user.passwordHash)});
    if (!r)
        return ioError(QStringLiteral("Cannot update user %1").arg(user.id), r.error().message);
    if (!changedRows(r.value()))
        return makeError(ErrorCode::NotFound, QStringLiteral("No user %1").arg(user.id));
    return {};
}

Result<std::optional<User>> PostgresServerStore::user(const QString &id)
{
    auto c = d->conn();
    if (!c)
        return c.error();
    auto r = c.value()->exec(
        "SELECT id, display_name, role, team, caseloads, disabled, password_hash FROM users WHERE id = $1", {text(id)});
    if (!r)
        return ioError(QStringLiteral("Cannot read user %1").arg(id), r.error().message);
    if (PQntuples(r.value().get()) == 0)
        return std::optional<User>();
    auto u = userAt(r.value().get(), 0);
    if (!u)
        return u.error();
    return std::optional<User>(std::move(u).value());
}

Result<QList<User>> PostgresServerStore::users()
{
    auto c = d->conn();
    if (!c)
        return c.error();
    auto r = c.value()->exec(
        "SELECT id, display_name, role, team, caseloads, disabled, password_hash FROM users ORDER BY id");
    if (!r)
        return ioError(QStringLiteral("Cannot read the users"), r.error().message);
    QList<User> out;
    for (int row = 0; row < PQntuples(r.value().get()); ++row) {
        auto u = userAt(r.value().get(), row);
        if (!u)
            return u.error();
        out.append(std::move(u).value());
    }
    return out;
}

Status PostgresServerStore::addDevice(const Device &device)
{
    auto c = d->conn();
    if (!c)
        return c.error();
    auto owner = c.value()->exec("SELECT 1 FROM users WHERE id = $1", {text(device.userId)});
    if (!owner)
        return ioError(QStringLiteral("Cannot add device %1").arg(device.id), owner.error().message);
    if (PQntuples(owner.value().get()) == 0)
        return makeError(ErrorCode::Validation,
                         QStringLiteral("Device %1 names user %2, who does not exist").arg(device.id, device.userId));
    auto r = c.value()->exec(
        "INSERT INTO devices(id, user_id, token_hash, enrolled_at, revoked) VALUES ($1, $2, $3, $4, $5) "
        "ON CONFLICT DO NOTHING",
        {text(device.id), text(device.userId), bytes(device.tokenHash),
         device.enrolledAt.isValid() ? number(device.enrolledAt.toMSecsSinceEpoch()) : null(),
         boolean(device.revoked)});
    if (!r)
        return ioError(QStringLiteral("Cannot add device %1").arg(device.id), r.error().message);
    if (!changedRows(r.value()))
        return makeError(ErrorCode::Validation,
                         QStringLiteral("A device %1 (or one with the same token) already exists").arg(device.id));
    return {};
}

Result<std::optional<Device>> PostgresServerStore::deviceByTokenHash(const QByteArray &tokenHash)
{
    auto c = d->conn();
    if (!c)
        return c.error();
    auto r = c.value()->exec("SELECT id, user_id, token_hash, enrolled_at, revoked FROM devices WHERE token_hash = $1",
                             {bytes(tokenHash)});
    if (!r)
        return ioError(QStringLiteral("Cannot look up a device"), r.error().message);
    if (PQntuples(r.value().get()) == 0)
        return std::optional<Device>();
    return std::optional<Device>(deviceAt(r.value().get(), 0));
}

Result<std::optional<Device>> PostgresServerStore::device(const QString &id)
{
    auto c = d->conn();
    if (!c)
        return c.error();
    auto r =
        c.value()->exec("SELECT id, user_id, token_hash, enrolled_at, revoked FROM devices WHERE id = $1", {text(id)});
    if (!r)
        return ioError(QStringLiteral("Cannot read device %1").arg(id), r.error().message);
    if (PQntuples(r.value().get()) == 0)
        return std::optional<Device>();
    return std::optional<Device>(deviceAt(r.value().get(), 0));
}

Status PostgresServerStore::revokeDevice(const QString &id)
{
    auto c = d->conn();
    if (!c)
        return c.error();
    auto r = c.value()->exec("UPDATE devices SET revoked = true WHERE id = $1", {text(id)});
    if (!r)
        return ioError(QStringLiteral("Cannot revoke device %1").arg(id), r.error().message);
    if (!changedRows(r.value()))
        return makeError(ErrorCode::NotFound, QStringLiteral("No device %1").arg(id));
    return {};
}

// ---- report sessions ----

Status PostgresServerStore::addSession(const Session &session)
{
    auto c = d->conn();
    if (!c)
        return c.error();
    PgTransaction tx(*c.value(), "BEGIN");
    if (tx.error())
        return *tx.error();
    auto owner = c.value()->exec("SELECT 1 FROM users WHERE id = $1", {text(session.userId)});
    if (!owner)
        return ioError(QStringLiteral("Cannot add a session"), owner.error().message);
    if (PQntuples(owner.value().get()) == 0)
        return makeError(ErrorCode::Validation, QStringLiteral("No user %1").arg(session.userId));
    if (auto r = c.value()->exec("DELETE FROM sessions WHERE expires_at <= $1",
                                 {number(QDateTime::currentMSecsSinceEpoch())});
        !r)
        return ioError(QStringLiteral("Cannot drop expired sessions"), r.error().message);
    if (auto r = c.value()->exec(
            "INSERT INTO sessions(token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
            {bytes(session.tokenHash), text(session.userId), number(session.createdAt.toMSecsSinceEpoch()),
             number(session.expiresAt.toMSecsSinceEpoch())});
        !r)
        return ioError(QStringLiteral("Cannot add a session"), r.error().message);
    return tx.commit();
}

Result<std::optional<Session>> PostgresServerStore::sessionByTokenHash(const QByteArray &tokenHash)
{
    auto c = d->conn();
    if (!c)
        return c.error();
    auto r = c.value()->exec("SELECT token_hash, user_id, created_at, expires_at FROM sessions WHERE token_hash = $1",
                             {bytes(tokenHash)});
    if (!r)
        return ioError(QStringLiteral("Cannot look up a session"), r.error().message);
    const PGresult *res = r.value().get();
    if (PQntuples(res) == 0)
        return std::optional<Session>();
    return std::optional<Session>(Session{bytesAt(res, 0, 0), textAt(res, 0, 1),
                                          QDateTime::fromMSecsSinceEpoch(intAt(res, 0, 2), QTimeZone::utc()),
                                          QDateTime::fromMSecsSinceEpoch(intAt(res, 0, 3), QTimeZone::utc())});
}

Status PostgresServerStore::removeSession(const QByteArray &tokenHash)
{
    auto c = d->conn();
    if (!c)
        return c.error();
    if (auto r = c.value()->exec("DELETE FROM sessions WHERE token_hash = $1", {bytes(tokenHash)}); !r)
        return ioError(QStringLiteral("Cannot remove a session"), r.error().message);
    return {};
}

// ---- the log ----

Result<int> PostgresServerStore::append(const QList<Write> &writes)
{
    if (writes.isEmpty())
        return 0;
    auto c = d->conn();
    if (!c)
        return c.error();
    PgTransaction tx(*c.value(), "BEGIN");
    if (tx.error())
        return *tx.error();
    // Held until COMMIT. The next holder's statements (READ COMMITTED: a fresh snapshot each) see
    // this commit, so its numbers are greater and become visible only after these.
    if (auto r = c.value()->exec(kAppendLock); !r)
        return r.error();
    PgAppend target(*c.value());
    auto fresh = detail::appendWrites(writes, target);
    if (!fresh)
        return fresh.error();
    if (auto st = tx.commit(); !st)
        return st.error();
    return fresh;
}

Result<QList<StoredWrite>> PostgresServerStore::writesAfter(qint64 after, const QSet<QString> &persons, int limit)
{
    if (persons.isEmpty() || limit <= 0)
        return QList<StoredWrite>();
    auto c = d->conn();
    if (!c)
        return c.error();
    const QByteArray sql = QByteArray("SELECT ") + kWriteColumns
        + " FROM writes WHERE seq > $1 AND person_id = ANY($2::text[]) ORDER BY seq LIMIT $3";
    auto r = c.value()->exec(sql.constData(),
                             {number(after), textArray(QStringList(persons.cbegin(), persons.cend())), number(limit)});
    if (!r)
        return ioError(QStringLiteral("Cannot read the log"), r.error().message);
    return storedWrites(r.value().get());
}

Result<QList<StoredWrite>> PostgresServerStore::writesOfPersons(const QStringList &persons, qint64 upTo)
{
    if (persons.isEmpty())
        return QList<StoredWrite>();
    auto c = d->conn();
    if (!c)
        return c.error();
    const QByteArray sql = QByteArray("SELECT ") + kWriteColumns
        + " FROM writes WHERE seq <= $1 AND person_id = ANY($2::text[]) ORDER BY seq";
    auto r = c.value()->exec(sql.constData(), {number(upTo), textArray(persons)});
    if (!r)
        return ioError(QStringLiteral("Cannot read the log"), r.error().message);
    return storedWrites(r.value().get());
}

Result<qint64> PostgresServerStore::lastSeq()
{
    auto c = d->conn();
    if (!c)
        return c.error();
    return PgAppend(*c.value()).lastSeq();
}

Result<qint64> PostgresServerStore::countAfter(qint64 after, const QSet<QString> &persons)
{
    if (persons.isEmpty())
        return qint64(0);
    auto c = d->conn();
    if (!c)
        return c.error();
    auto r = c.value()->exec("SELECT count(*) FROM writes WHERE seq > $1 AND person_id = ANY($2::text[])",
                             {number(after), textArray(QStringList(persons.cbegin(), persons.cend()))});
    if (!r)
        return ioError(QStringLiteral("Cannot count the log"), r.error().message);
    return intAt(r.value().get(), 0, 0);
}

Result<QList<StoredWrite>> PostgresServerStore::writesInCaseloads(qint64 after, const QStringList &caseloads, int limit,
                                                                  const QString &exceptDevice)
{
    if (caseloads.isEmpty() || limit <= 0)
        return QList<StoredWrite>();
    auto c = d->conn();
    if (!c)
        return c.error();
    auto r = c.value()->exec("SELECT w.seq, w.device, w.dseq, w.hlc, w.record_id, w.type, w.person_id, w.payload "
                             "FROM writes w JOIN persons p ON p.person_id = w.person_id WHERE w.seq > $1 AND "
                             "w.device <> $4 AND p.caseload = ANY($2::text[]) ORDER BY w.seq LIMIT $3",
                             {number(after), textArray(caseloads), number(limit), text(exceptDevice)});
    if (!r)
        return ioError(QStringLiteral("Cannot read the log"), r.error().message);
    return rawWrites(r.value().get());
}

Result<Backlog> PostgresServerStore::backlogInCaseloads(qint64 after, const QStringList &caseloads,
                                                       const QString &exceptDevice)
{
    if (caseloads.isEmpty())
        return Backlog{};
    auto c = d->conn();
    if (!c)
        return c.error();
    auto r = c.value()->exec("SELECT count(*), coalesce(sum(octet_length(w.payload)), 0) FROM writes w JOIN persons p "
                             "ON p.person_id = w.person_id WHERE w.seq > $1 AND w.device <> $3 AND "
                             "p.caseload = ANY($2::text[])",
                             {number(after), textArray(caseloads), text(exceptDevice)});
    if (!r)
        return ioError(QStringLiteral("Cannot count the log"), r.error().message);
    return Backlog{intAt(r.value().get(), 0, 0), intAt(r.value().get(), 0, 1)};
}

// ---- merged state ----

Result<std::optional<RecordState>> PostgresServerStore::record(const QString &id)
{
    auto c = d->conn();
    if (!c)
        return c.error();
    return PgAppend(*c.value()).loadRecord(id);
}

Status PostgresServerStore::forEachRecord(const std::function<void(const RecordState &)> &fn)
{
    auto c = d->conn();
    if (!c)
        return c.error();
    // Pages by id from one snapshot, so a large store is never held in memory at once.
    PgTransaction tx(*c.value(), "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    if (tx.error())
        return *tx.error();
    QString after;
    for (;;) {
        auto r = c.value()->exec("SELECT id, state FROM records WHERE id > $1 ORDER BY id LIMIT $2",
                                 {text(after), number(kRecordPage)});
        if (!r)
            return ioError(QStringLiteral("Cannot read the records"), r.error().message);
        const int rows = PQntuples(r.value().get());
        for (int row = 0; row < rows; ++row) {
            after = textAt(r.value().get(), row, 0);
            auto state = stateFrom(after, bytesAt(r.value().get(), row, 1));
            if (!state)
                return state.error();
            fn(state.value());
        }
        if (rows < kRecordPage)
            break;
    }
    return tx.commit();
}

Result<QHash<QString, QString>> PostgresServerStore::personCaseloads()
{
    auto c = d->conn();
    if (!c)
        return c.error();
    auto r = c.value()->exec("SELECT person_id, caseload FROM persons");
    if (!r)
        return ioError(QStringLiteral("Cannot read the persons"), r.error().message);
    QHash<QString, QString> out;
    for (int row = 0; row < PQntuples(r.value().get()); ++row)
        out.insert(textAt(r.value().get(), row, 0),
                   nullAt(r.value().get(), row, 1) ? QString() : textAt(r.value().get(), row, 1));
    return out;
}

Result<QHash<QString, QString>> PostgresServerStore::caseloadsOf(const QStringList &persons)
{
    if (persons.isEmpty())
        return QHash<QString, QString>();
    auto c = d->conn();
    if (!c)
        return c.error();
    auto r = c.value()->exec("SELECT person_id, caseload FROM persons WHERE person_id = ANY($1::text[])",
                             {textArray(persons)});
    if (!r)
        return ioError(QStringLiteral("Cannot read the persons"), r.error().message);
    QHash<QString, QString> out;
    for (int row = 0; row < PQntuples(r.value().get()); ++row)
        out.insert(textAt(r.value().get(), row, 0),
                   nullAt(r.value().get(), row, 1) ? QString() : textAt(r.value().get(), row, 1));
    return out;
}

// ---- what each device holds ----

Result<QSet<QString>> PostgresServerStore::delivered(const QString &deviceId)
{
    auto c = d->conn();
    if (!c)
        return c.error();
    auto r = c.value()->exec("SELECT person_id FROM delivered WHERE device_id = $1", {text(deviceId)});
    if (!r)
        return ioError(QStringLiteral("Cannot read what device %1 holds").arg(deviceId), r.error().message);
    QSet<QString> out;
    for (int row = 0; row < PQntuples(r.value().get()); ++row)
        out.insert(textAt(r.value().get(), row, 0));
    return out;
}

Status PostgresServerStore::markDelivered(const QString &deviceId, const QStringList &added, const QStringList &removed)
{
    auto c = d->conn();
    if (!c)
        return c.error();
    const QString what = QStringLiteral("Cannot record what device %1 holds").arg(deviceId);
    PgTransaction tx(*c.value(), "BEGIN");
    if (tx.error())
        return *tx.error();
    // Removals last: when in doubt the server re-sends a person's history, which is harmless.
    if (auto r = c.value()->exec("INSERT INTO delivered(device_id, person_id) SELECT $1::text, unnest($2::text[]) "
                                 "ON CONFLICT DO NOTHING",
                                 {text(deviceId), textArray(added)});
        !r)
        return ioError(what, r.error().message);
    if (auto r = c.value()->exec("DELETE FROM delivered WHERE device_id = $1 AND person_id = ANY($2::text[])",
                                 {text(deviceId), textArray(removed)});
        !r)
        return ioError(what, r.error().message);
    return tx.commit();
}

namespace {

QStringList personList(const PGresult *r)
{
    QStringList out;
    for (int row = 0; row < PQntuples(r); ++row)
        out << textAt(r, row, 0);
    return out;
}

} // namespace

Result<QStringList> PostgresServerStore::undelivered(const QString &deviceId, const QStringList &caseloads, int limit)
{
    if (caseloads.isEmpty() || limit == 0)
        return QStringList();
    auto c = d->conn();
    if (!c)
        return c.error();
    // LIMIT NULL is no limit.
    auto r = c.value()->exec("SELECT p.person_id FROM persons p WHERE p.caseload = ANY($2::text[]) AND NOT EXISTS "
                             "(SELECT 1 FROM delivered d WHERE d.device_id = $1 AND d.person_id = p.person_id) "
                             "ORDER BY p.person_id LIMIT $3::bigint",
                             {text(deviceId), textArray(caseloads), limit < 0 ? null() : number(limit)});
    if (!r)
        return ioError(QStringLiteral("Cannot read what device %1 holds").arg(deviceId), r.error().message);
    return personList(r.value().get());
}

Result<QStringList> PostgresServerStore::deliveredOutside(const QString &deviceId, const QStringList &caseloads)
{
    auto c = d->conn();
    if (!c)
        return c.error();
    auto r = c.value()->exec("SELECT d.person_id FROM delivered d LEFT JOIN persons p ON p.person_id = d.person_id "
                             "WHERE d.device_id = $1 AND (p.caseload IS NULL OR NOT (p.caseload = ANY($2::text[]))) "
                             "ORDER BY d.person_id",
                             {text(deviceId), textArray(caseloads)});
    if (!r)
        return ioError(QStringLiteral("Cannot read what device %1 holds").arg(deviceId), r.error().message);
    return personList(r.value().get());
}

} // namespace hearth::server
