#pragma once

#include "reportbuilder.h"
#include "serverstore.h"

#include <QMutex>

namespace hearth::server::reports {

// Keeps one ReportBuilder up to date with a store, so that a dashboard's repeated reports cost the
// records changed since the last one, not a read and decode of every record (which for a large
// service takes seconds). Changes are found through the log: every write after the last server
// sequence number seen names the record it changed, and sequence order is commit order, so none is
// skipped. Thread-safe; reports are made one at a time.
class ReportCache
{
public:
    // `reference` must outlive the cache. With a `snapshotPath`, what the cache keeps is saved
    // there after a full read and after every kSaveEvery changed writes, and a new cache starts
    // from it (checked against the store, then brought up to date through the log): a report
    // after a restart, or from the command line, costs the changes since, not a read of every record.
    explicit ReportCache(const ReferenceData &reference, const QString &snapshotPath = {});

    // The report for `scope` from `store`'s current state. The first call, a call after more than
    // `rescanAfter` changed writes, or a call with a store that is not the one cached (checked by
    // the clock of the last write seen) reads every record.
    [[nodiscard]] Result<QJsonObject> report(ServerStore &store, const ReportScope &scope);

    // Brings what the cache keeps up to date with `store` (from the snapshot if it keeps nothing
    // yet) without making a report, so the next one costs only what changed since. Does nothing
    // when there is neither a kept state nor a usable snapshot: only a report reads every record.
    Status keepUp(ServerStore &store);

    // How the last report was made, for the benchmark and tests: "full", "incremental", "cached",
    // or "snapshot" (read from the snapshot file, then brought up to date).
    [[nodiscard]] QString lastMode() const;

    static constexpr qint64 kRescanAfter = 50000;
    static constexpr qint64 kSaveEvery = 10000;

private:
    Status bringUpToDate(ServerStore &store, bool readAllIfNeeded);
    Status rescan(ServerStore &store);
    Status catchUp(ServerStore &store, qint64 upTo);
    [[nodiscard]] bool sameStore(ServerStore &store) const;
    bool loadSnapshot(ServerStore &store);
    void saveSnapshot();

    const ReferenceData &m_reference;
    mutable QMutex m_lock;
    std::unique_ptr<ReportBuilder> m_builder;
    qint64 m_seq = 0;  // every write up to this server sequence number is reflected
    QString m_lastHlc; // the clock of the write at m_seq, to recognise the store
    QString m_lastPerson;
    QString m_mode;
    QString m_snapshotPath;
    qint64 m_savedSeq = -1; // the sequence number the snapshot file reflects
    bool m_snapshotUnusable = false; // damaged or another store's, until this cache writes one
};

} // namespace hearth::server::reports
