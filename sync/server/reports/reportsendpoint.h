#pragma once

#include "syncservice.h"

#include <functional>

// The reports API over HTTPS (REPORTS.md): sign-in sessions for the browser dashboard and
// GET /v1/reports. SyncService::handle() hands these paths here after its protocol and size checks.
namespace hearth::server::reports {

// Session tokens live this long after sign-in (a working day).
constexpr qint64 kSessionSeconds = 8 * 60 * 60;

// Enrolment's failed sign-in throttle, shared so that a guesser gets the same 10 tries per 15
// minutes whichever door it knocks on.
struct SignInThrottle {
    std::function<bool(const QString &user)> tooMany;
    std::function<void(const QString &user, bool failed)> record;
};

// True for the paths this endpoint answers: /v1/session and /v1/reports.
[[nodiscard]] bool isReportsPath(const QString &path);

// Answers one request to /v1/session or /v1/reports.
[[nodiscard]] ServiceResponse handleReportsRequest(const ServiceRequest &request, ServerStore &store,
                                                   const SignInThrottle &throttle);

// The reference data reports use (deprivation look-up, value set, checklist, directory) is
// loaded from this folder on first use; by default the assets the server was built with.
void setAssetsDir(const QString &dir);
// Where the report cache keeps its snapshot (ReportCache); none by default. `hearth-server serve`
// and `report` use report-snapshot in the data folder.
void setSnapshotFile(const QString &path);
[[nodiscard]] QString snapshotFileIn(const QString &dataDir);
// Brings the report cache of `store` up to date (ReportCache::keepUp). `serve` calls it at start
// (from the snapshot) and every 30 s on a worker thread, so a manager's report never waits for
// more than the last half minute's changes, and the snapshot follows the service.
Status keepReportsCurrent(ServerStore &store);
[[nodiscard]] QString assetsDir();

} // namespace hearth::server::reports
