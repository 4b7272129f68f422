#pragma once

#include "result.h"

#include <QDataStream>
#include <QDate>
#include <QJsonObject>
#include <QSet>
#include <QString>

#include <memory>
#include <optional>

namespace hearth {
class RecordState;
class ReferenceData;
} // namespace hearth

namespace hearth::server {
class ServerStore;
}

namespace hearth::server::reports {

// What a report covers: a period (both ends inclusive) and a team or the whole service.
struct ReportScope {
    QDate from;
    QDate to;
    QString team; // empty: the whole service
    // The caseloads of the team's users; nullopt for the whole service.
    std::optional<QSet<QString>> caseloads;
};

// Computes the evaluation report (REPORTS.md) from merged record states in any order: add()
// every record, then build() for any scope. Keeps only the few fields each figure needs, keyed by
// record id, so a record added again replaces its earlier version and remove() forgets one: a
// long-running server keeps one builder up to date with the records changed since (ReportCache).
class ReportBuilder
{
public:
    // `reference` supplies the deprivation look-up, the EQ-5D value set, the checklist and the
    // directory; it must outlive the builder.
    explicit ReportBuilder(const ReferenceData &reference);
    ~ReportBuilder();
    ReportBuilder(const ReportBuilder &) = delete;
    ReportBuilder &operator=(const ReportBuilder &) = delete;

    // Takes one record's merged state, replacing what an earlier add() of the record kept; a
    // deleted record is forgotten.
    void add(const RecordState &state);
    // Forgets a record (one the store no longer holds).
    void remove(const QString &recordId);
    // Writes what the builder keeps (the report snapshot, not a record store: only the fields the
    // figures read). A builder read back with load() makes the same reports.
    [[nodiscard]] bool save(QDataStream &out) const;
    // Reads what save() wrote; nullptr when it is damaged, short or of another layout.
    [[nodiscard]] static std::unique_ptr<ReportBuilder> load(QDataStream &in, const ReferenceData &reference);
    // The report for `scope` as JSON (format_version 1); `generatedAt` is stamped into it.
    [[nodiscard]] QJsonObject build(const ReportScope &scope, const QDateTime &generatedAt) const;

private:
    struct Data;
    std::unique_ptr<Data> d;
};

// The caseloads of the users of `team`: NotFound when no user belongs to it.
[[nodiscard]] Result<QSet<QString>> teamCaseloads(ServerStore &store, const QString &team);

// Reads every record of `store` into a report for `scope` (scope.caseloads filled by the caller).
[[nodiscard]] Result<QJsonObject> buildReport(ServerStore &store, const ReportScope &scope,
                                              const ReferenceData &reference);

} // namespace hearth::server::reports
