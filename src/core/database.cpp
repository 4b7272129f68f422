#include "database.h"

#include <sqlite3.h>

namespace hearth {

Database::~Database()
{
    m_cache.clear();
    if (m_db)
        sqlite3_close_v2(m_db);
}

Result<std::unique_ptr<Database>> Database::open(const QString &path, bool create, bool readOnly)
{
    std::unique_ptr<Database> db(new Database);
    int flags = readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
    if (create)
        flags |= SQLITE_OPEN_CREATE;
    flags |= SQLITE_OPEN_NOMUTEX;
    const int rc = sqlite3_open_v2(path.toUtf8().constData(), &db->m_db, flags, nullptr);
    if (rc != SQLITE_OK) {
        const QString msg = db->m_db ? QString::fromUtf8(sqlite3_errmsg(db->m_db)) : QStringLiteral("out of memory");
        return makeError(rc == SQLITE_CANTOPEN ? ErrorCode::NotFound : ErrorCode::Io,
                         QStringLiteral("Cannot open the database %1: %2").arg(path, msg));
    }
    sqlite3_extended_result_codes(db->m_db, 1);
    sqlite3_busy_timeout(db->m_db, 5000);
    return db;
}

Status Database::exec(const QString &sql)
{
    char *err = nullptr;
    if (sqlite3_exec(m_db, sql.toUtf8().constData(), nullptr, nullptr, &err) != SQLITE_OK) {
        const QString msg = err ? QString::fromUtf8(err) : lastError();
        sqlite3_free(err);
        const int code = sqlite3_errcode(m_db) & 0xff;
        if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
            return makeError(ErrorCode::Io, QStringLiteral("The store is in use by another program; try again"));
        return makeError(code == SQLITE_CORRUPT || code == SQLITE_NOTADB ? ErrorCode::Corrupt : ErrorCode::Io,
                         QStringLiteral("Database error: %1").arg(msg));
    }
    return {};
}

Query Database::prepare(const char *sql)
{
    // Keyed by the literal's address: callers pass string literals, one per call site.
    auto it = m_cache.find(sql);
    if (it == m_cache.end())
        it = m_cache.emplace(sql, std::make_unique<Statement>(m_db, sql)).first;
    it->second->reset();
    return Query(*it->second);
}

Query::~Query()
{
    if (m_s)
        m_s->reset();
}
Query &Query::bind(int i, const QString &v)
{
    m_s->bind(i, v);
    return *this;
}
Query &Query::bind(int i, const QByteArray &v)
{
    m_s->bind(i, v);
    return *this;
}
Query &Query::bind(int i, qint64 v)
{
    m_s->bind(i, v);
    return *this;
}
Query &Query::bindNull(int i)
{
    m_s->bindNull(i);
    return *this;
}
bool Query::step()
{
    return m_s->step();
}
bool Query::ok() const
{
    return m_s->ok();
}
QString Query::error() const
{
    return m_s->error();
}
QString Query::text(int col) const
{
    return m_s->text(col);
}
QByteArray Query::blob(int col) const
{
    return m_s->blob(col);
}
qint64 Query::integer(int col) const
{
    return m_s->integer(col);
}
bool Query::isNull(int col) const
{
    return m_s->isNull(col);
}

QString Database::lastError() const
{
    return QString::fromUtf8(sqlite3_errmsg(m_db));
}

Statement::Statement(sqlite3 *db, const char *sql) : m_db(db)
{
    if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &m_stmt, nullptr) != SQLITE_OK) {
        m_stmt = nullptr;
        m_ok = false;
    }
}

Statement::~Statement()
{
    sqlite3_finalize(m_stmt);
}

Statement &Statement::bind(int i, const QString &v)
{
    const QByteArray u = v.toUtf8();
    if (m_stmt && sqlite3_bind_text(m_stmt, i, u.constData(), int(u.size()), SQLITE_TRANSIENT) != SQLITE_OK)
        m_ok = false;
    return *this;
}

Statement &Statement::bind(int i, const QByteArray &v)
{
    if (m_stmt && sqlite3_bind_blob(m_stmt, i, v.constData(), int(v.size()), SQLITE_TRANSIENT) != SQLITE_OK)
        m_ok = false;
    return *this;
}

Statement &Statement::bind(int i, qint64 v)
{
    if (m_stmt && sqlite3_bind_int64(m_stmt, i, v) != SQLITE_OK)
        m_ok = false;
    return *this;
}

Statement &Statement::bindNull(int i)
{
    if (m_stmt && sqlite3_bind_null(m_stmt, i) != SQLITE_OK)
        m_ok = false;
    return *this;
}

bool Statement::step()
{
    if (!m_stmt || !m_ok)
        return false;
    const int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW)
        return true;
    if (rc != SQLITE_DONE) {
        m_ok = false;
        m_error = QString::fromUtf8(sqlite3_errmsg(m_db));
        m_busy = (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED;
    }
    sqlite3_reset(m_stmt); // finished: end its read transaction now
    return false;
}

QString Statement::error() const
{
    return m_stmt ? QString::fromUtf8(sqlite3_errmsg(m_db))
                  : QStringLiteral("statement failed to prepare: %1").arg(QString::fromUtf8(sqlite3_errmsg(m_db)));
}

void Statement::reset()
{
    if (m_stmt) {
        sqlite3_reset(m_stmt);
        sqlite3_clear_bindings(m_stmt);
        m_ok = true;
        m_busy = false;
        m_error.clear();
    }
}

QString Statement::text(int col) const
{
    const auto *p = reinterpret_cast<const char *>(sqlite3_column_text(m_stmt, col));
    return p ? QString::fromUtf8(p, sqlite3_column_bytes(m_stmt, col)) : QString();
}

QByteArray Statement::blob(int col) const
{
    const auto *p = static_cast<const char *>(sqlite3_column_blob(m_stmt, col));
    return p ? QByteArray(p, sqlite3_column_bytes(m_stmt, col)) : QByteArray();
}

qint64 Statement::integer(int col) const
{
    return sqlite3_column_int64(m_stmt, col);
}

bool Statement::isNull(int col) const
{
    return sqlite3_column_type(m_stmt, col) == SQLITE_NULL;
}

Transaction::Transaction(Database &db) : m_db(db)
{
    m_began = db.exec(QStringLiteral("BEGIN IMMEDIATE")).ok();
}

Transaction::~Transaction()
{
    if (m_began && !m_done)
        (void)m_db.exec(QStringLiteral("ROLLBACK"));
}

Status Transaction::commit()
{
    m_done = true;
    return m_db.exec(QStringLiteral("COMMIT"));
}

} // namespace hearth
