#pragma once

#include "result.h"

#include <QByteArray>
#include <QString>
#include <unordered_map>

#include <memory>
#include <utility>

struct sqlite3;
struct sqlite3_stmt;

namespace hearth {

class Statement;
class Query;

// A thin owner of one SQLite connection with a cache of prepared statements.
// Confined to the thread that opened it.
class Database
{
public:
    ~Database();
    static Result<std::unique_ptr<Database>> open(const QString &path, bool create, bool readOnly = false);

    Status exec(const QString &sql);
    // A cached prepared statement, bindings cleared. The returned handle resets the statement
    // when it goes out of scope, so no read transaction is left open behind the caller's back
    // (an open one would block writers and keep the WAL from being checkpointed).
    [[nodiscard]] Query prepare(const char *sql);
    [[nodiscard]] QString lastError() const;
    [[nodiscard]] sqlite3 *handle() const { return m_db; }

private:
    Database() = default;
    sqlite3 *m_db = nullptr;
    std::unordered_map<const char *, std::unique_ptr<Statement>> m_cache;
};

class Statement
{
public:
    Statement(sqlite3 *db, const char *sql);
    ~Statement();
    [[nodiscard]] bool valid() const { return m_stmt != nullptr; }

    Statement &bind(int i, const QString &v);
    Statement &bind(int i, const QByteArray &v);
    Statement &bind(int i, qint64 v);
    Statement &bindNull(int i);
    // SQLITE_ROW -> true, SQLITE_DONE -> false; errors are reported through ok().
    bool step();
    [[nodiscard]] bool ok() const { return m_ok; }
    [[nodiscard]] QString error() const;
    void reset();

    [[nodiscard]] QString text(int col) const;
    [[nodiscard]] QByteArray blob(int col) const;
    [[nodiscard]] qint64 integer(int col) const;
    [[nodiscard]] bool isNull(int col) const;

private:
    sqlite3 *m_db;
    sqlite3_stmt *m_stmt = nullptr;
    bool m_ok = true;
    bool m_busy = false;
    QString m_error;
};

class Query
{
public:
    explicit Query(Statement &s) : m_s(&s) {}
    Query(Query &&o) noexcept : m_s(std::exchange(o.m_s, nullptr)) {}
    Query(const Query &) = delete;
    Query &operator=(const Query &) = delete;
    ~Query();

    Query &bind(int i, const QString &v);
    Query &bind(int i, const QByteArray &v);
    Query &bind(int i, qint64 v);
    Query &bindNull(int i);
    bool step();
    [[nodiscard]] bool ok() const;
    [[nodiscard]] QString error() const;
    [[nodiscard]] QString text(int col) const;
    [[nodiscard]] QByteArray blob(int col) const;
    [[nodiscard]] qint64 integer(int col) const;
    [[nodiscard]] bool isNull(int col) const;
    operator Statement &() { return *m_s; }

private:
    Statement *m_s;
};

// Rolls back unless committed; BEGIN IMMEDIATE so writers never deadlock upgrading a read lock.
class Transaction
{
public:
    explicit Transaction(Database &db);
    ~Transaction();
    [[nodiscard]] bool began() const { return m_began; }
    Status commit();

private:
    Database &m_db;
    bool m_began = false;
    bool m_done = false;
};

} // namespace hearth
