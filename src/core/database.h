#pragma once

#include "result.h"

#include <QByteArray>
#include <QString>
#include <unordered_map>

#include <memory>

struct sqlite3;
struct sqlite3_stmt;

namespace hearth {

class Statement;

// A thin owner of one SQLite connection with a cache of prepared statements.
// Confined to the thread that opened it.
class Database
{
public:
    ~Database();
    static Result<std::unique_ptr<Database>> open(const QString &path, bool create, bool readOnly = false);

    Status exec(const QString &sql);
    // A cached prepared statement, reset and with bindings cleared.
    Statement &prepare(const char *sql);
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
