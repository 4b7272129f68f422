#pragma once

#include "caseload.h"
#include "crypto.h"
#include "merge.h"
#include "result.h"
#include "schema.h"
#include "write.h"

#include <QJsonObject>
#include <QLoggingCategory>
#include <QString>

#include <functional>
#include <memory>

struct sqlite3;

Q_DECLARE_LOGGING_CATEGORY(lcStore)

namespace hearth {

class KeyProtector;
class ReferenceData;
class Database;

struct StoreOptions {
    // Off only for the benchmark that measures what encryption costs; never in the app.
    bool encrypted = true;
    // Wrong passcodes allowed before the store locks itself out.
    int maxAttempts = 10;
    crypto::KdfParams kdf = crypto::KdfParams::fresh();
    KeyProtector *keyProtector = nullptr;
    const ReferenceData *reference = nullptr;
    // Injectable clock (ms since epoch) for tests.
    std::function<qint64()> now;
};

// A record as callers see it: merged values plus what a person must review.
struct Record {
    QString id;
    QString type;
    QString personId;
    bool deleted = false;
    QJsonObject values;
    QList<Conflict> conflicts;
    qint64 version = 0;
};

// One requested change. Every edit, from the UI, hearthctl or sync, goes through Store::commit.
struct Mutation {
    enum class Kind { Put, Edit, Delete, Resolve };
    Kind kind = Kind::Put;
    QString type;         // Put
    QString id;           // Edit, Delete, Resolve; Put may preset it (import) or leave it empty
    QJsonObject fields;   // Put, Edit
    QString field;        // Resolve: the field in conflict, or `_deleted` for an edit-vs-delete conflict
    QJsonValue value;     // Resolve: the value chosen
    bool cascade = false; // Delete: part of deleting a person (allowed even for append-only notes)

    static Mutation put(const QString &type, const QJsonObject &fields, const QString &id = {});
    static Mutation edit(const QString &id, const QJsonObject &fields);
    static Mutation remove(const QString &id);
    static Mutation resolve(const QString &id, const QString &field, const QJsonValue &value);
};

// The encrypted on-device store: current record state and the revision log in one SQLite
// database (WAL), each write logged in the same transaction as the state change it makes.
class Store
{
public:
    ~Store();
    Store(const Store &) = delete;
    Store &operator=(const Store &) = delete;

    static constexpr int SchemaVersion = 4;

    // Creates a new store in `dir` (which must not hold one) protected by `passcode`.
    static Result<std::unique_ptr<Store>> create(const QString &dir, const QByteArray &passcode,
                                                 StoreOptions options = {});
    // Unlocks an existing store; counts wrong passcodes and locks out after the limit.
    static Result<std::unique_ptr<Store>> open(const QString &dir, const QByteArray &passcode,
                                               StoreOptions options = {});
    [[nodiscard]] static bool exists(const QString &dir);

    [[nodiscard]] QString deviceId() const;
    [[nodiscard]] QString storeId() const;
    [[nodiscard]] QString directory() const;

    // Applies the mutations atomically: all are validated and logged, or none is.
    // Returns the id of each mutated record, in order.
    Result<QStringList> commit(const QList<Mutation> &mutations);

    Result<QString> put(const QString &type, const QJsonObject &fields);
    Status edit(const QString &id, const QJsonObject &fields);
    Status remove(const QString &id);
    Status resolve(const QString &id, const QString &field, const QJsonValue &value);

    [[nodiscard]] Result<Record> get(const QString &id) const;
    // Live records of `type` (every type when empty), ordered by id.
    [[nodiscard]] Result<QList<Record>> list(const QString &type = {}, bool includeDeleted = false) const;
    // Live records belonging to one person.
    [[nodiscard]] Result<QList<Record>> listForPerson(const QString &personId) const;
    [[nodiscard]] Result<QList<Record>> conflicted() const;
    [[nodiscard]] Result<int> count(const QString &type = {}) const;

    // Canonical JSON of the whole state: sorted keys, records by id, conflicts included.
    // Two replicas holding the same writes produce identical bytes.
    [[nodiscard]] Result<QByteArray> exportCanonical() const;
    // Lower-case hex SHA-256 of exportCanonical().
    [[nodiscard]] Result<QString> hash() const;
    // Every write in the log, in local log order, decrypted.
    Status forEachWrite(const std::function<void(const Write &, bool sent)> &fn) const;
    [[nodiscard]] Result<qint64> writeCount() const;

    // Rebuilds every record from the log alone and compares with the stored state.
    // Returns the ids whose stored state differs (empty when the store is consistent).
    [[nodiscard]] Result<QStringList> verifyAgainstLog() const;

    // Re-wraps the data key under a new passcode; the data itself is not re-encrypted.
    Status changePasscode(const QByteArray &oldPasscode, const QByteArray &newPasscode);

    // ---- sync support: used by the sync engine only ----

    struct WriteId {
        QString device;
        qint64 seq = 0;
    };
    // This device's writes the server has not yet acknowledged, oldest first. Without
    // `decodeValues` their values and parents are left encoded in Write::encoded (all a push needs).
    [[nodiscard]] Result<QList<Write>> pendingWrites(int limit, bool decodeValues = true) const;
    [[nodiscard]] Result<qint64> pendingCount() const;
    // Marks writes the server stored durably; only then are they no longer pending.
    Status markSent(const QList<WriteId> &ids);
    // Applies writes received from the server, idempotently by write id, in one transaction.
    // This is the one place remote changes enter: it records no local writes. Returns how many
    // were new.
    // `settings` (sync settings such as the pull cursor) are saved in the same transaction, so a
    // crash never leaves the cursor ahead of the writes it covers, nor behind them.
    Result<int> applyRemote(const QList<Write> &writes, const QList<std::pair<QString, QString>> &settings = {});
    // Writes the server refused (the person moved to another caseload, access withdrawn...). They
    // stay visible in a "could not sync" list until a person hands them over or discards them.
    struct Rejection {
        WriteId id;
        QString code;
        QString reason;
    };
    struct RejectedWrite {
        Write write;
        QString code;
        QString reason;
    };
    Status markRejected(const QList<Rejection> &rejections);
    [[nodiscard]] Result<QList<RejectedWrite>> rejectedWrites() const;
    // Drops refused writes and rebuilds the records they touched from the writes that remain.
    Status discardRejected(const QList<WriteId> &ids);
    // Small sync settings (server, cursor, token) kept encrypted with the data key.
    [[nodiscard]] Result<QString> syncValue(const QString &key) const;
    Status setSyncValue(const QString &key, const QString &value);
    // Removes every record and log entry of a person this device may no longer hold. Refuses while
    // the person has writes not yet accepted by the server, so nothing is lost silently.
    Status purgePerson(const QString &personId);
    [[nodiscard]] Result<qint64> pendingCountForPerson(const QString &personId) const;

    // Minimum passcode rules, shared by create() and changePasscode().
    [[nodiscard]] static QString checkPasscodeStrength(const QByteArray &passcode);

    struct Impl;
    // A second, read-only connection to the same store, for use on one other thread (the app
    // builds its caseload there so the UI thread never waits on bulk decryption).
    class Reader
    {
    public:
        ~Reader();
        // Every person's caseload entry, unsorted; deleted people are left out.
        [[nodiscard]] Result<QList<CaseloadEntry>> caseload(const QDate &today) const;
        [[nodiscard]] Result<Record> get(const QString &id) const;
        // As Store::list: every record of `type`, decrypted on this reader's own connection.
        [[nodiscard]] Result<QList<Record>> list(const QString &type, bool includeDeleted = false) const;

    private:
        friend class Store;
        Reader();
        std::unique_ptr<Impl> d;
    };
    [[nodiscard]] Result<std::unique_ptr<Reader>> reader() const;

private:
    Store();
    static Result<std::unique_ptr<Store>> createIn(const QString &dir, const QByteArray &passcode,
                                                   StoreOptions options);
    std::unique_ptr<Impl> d;
};

} // namespace hearth
