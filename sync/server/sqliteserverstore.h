#pragma once

#include "serverstore.h"

namespace hearth::server {

// The embedded default: one SQLite file (server.db, WAL, synchronous=FULL) in the data folder,
// one connection per thread. SQLite admits one writer at a time (BEGIN IMMEDIATE), so sequence
// numbers allocated inside the write transaction are in commit order, even with several
// processes on one file.
class SqliteServerStore final : public ServerStore
{
public:
    ~SqliteServerStore() override;

    // Opens (creating if needed) the store in `dataDir`.
    static Result<std::unique_ptr<SqliteServerStore>> open(const QString &dataDir);

    // "sqlite"
    [[nodiscard]] QString kind() const override;

    // Adds a user; Validation if the id is taken.
    Status addUser(const User &user) override;
    // Replaces a user's details; NotFound if there is no such user.
    Status updateUser(const User &user) override;
    // The user with this id, if any.
    [[nodiscard]] Result<std::optional<User>> user(const QString &id) override;
    // Every user, by id.
    [[nodiscard]] Result<QList<User>> users() override;
    // Adds a device of an existing user; Validation if the id or token hash is taken or the user unknown.
    Status addDevice(const Device &device) override;
    // The device whose token hashes to `tokenHash`, revoked or not.
    [[nodiscard]] Result<std::optional<Device>> deviceByTokenHash(const QByteArray &tokenHash) override;
    // The device with this id, if any.
    [[nodiscard]] Result<std::optional<Device>> device(const QString &id) override;
    // Marks a device revoked; NotFound if there is no such device.
    Status revokeDevice(const QString &id) override;
    // See ServerStore::addSession().
    Status addSession(const Session &session) override;
    // See ServerStore::sessionByTokenHash().
    [[nodiscard]] Result<std::optional<Session>> sessionByTokenHash(const QByteArray &tokenHash) override;
    // See ServerStore::removeSession().
    Status removeSession(const QByteArray &tokenHash) override;

    // See ServerStore::append().
    Result<int> append(const QList<Write> &writes) override;
    // See ServerStore::writesAfter().
    [[nodiscard]] Result<QList<StoredWrite>> writesAfter(qint64 after, const QSet<QString> &persons,
                                                         int limit) override;
    // See ServerStore::writesOfPersons().
    [[nodiscard]] Result<QList<StoredWrite>> writesOfPersons(const QStringList &persons, qint64 upTo) override;
    // The greatest server sequence number, 0 when the log is empty.
    [[nodiscard]] Result<qint64> lastSeq() override;
    // See ServerStore::countAfter().
    [[nodiscard]] Result<qint64> countAfter(qint64 after, const QSet<QString> &persons) override;
    // See ServerStore::writesInCaseloads().
    [[nodiscard]] Result<QList<StoredWrite>> writesInCaseloads(qint64 after, const QStringList &caseloads, int limit,
                                                               const QString &exceptDevice = QString()) override;
    // See ServerStore::backlogInCaseloads().
    [[nodiscard]] Result<Backlog> backlogInCaseloads(qint64 after, const QStringList &caseloads,
                                                     const QString &exceptDevice = QString()) override;

    // The merged state of one record, if held.
    [[nodiscard]] Result<std::optional<RecordState>> record(const QString &id) override;
    // Every record in id order, from one snapshot; `fn` must not call back into this store.
    Status forEachRecord(const std::function<void(const RecordState &)> &fn) override;
    // Live persons and their caseloads (empty when a person has none).
    [[nodiscard]] Result<QHash<QString, QString>> personCaseloads() override;
    // See ServerStore::caseloadsOf().
    [[nodiscard]] Result<QHash<QString, QString>> caseloadsOf(const QStringList &persons) override;

    // See ServerStore::delivered().
    [[nodiscard]] Result<QSet<QString>> delivered(const QString &deviceId) override;
    // Records what a device now holds, in one transaction; a person in both lists ends up removed.
    Status markDelivered(const QString &deviceId, const QStringList &added, const QStringList &removed) override;
    Result<QStringList> undelivered(const QString &deviceId, const QStringList &caseloads, int limit) override;
    Result<QStringList> deliveredOutside(const QString &deviceId, const QStringList &caseloads) override;

private:
    SqliteServerStore();
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace hearth::server
