#pragma once

#include <QByteArray>
#include <QString>

class QHttpServer;

namespace hearth::server {

// The team dashboard (sync/server/dashboard/): static files under /dashboard/, `/` redirecting
// there. The figures themselves come from /v1/reports with a session token; these routes serve
// only code and styles, never data.

// Chooses the folder the dashboard is served from (`serve --web DIR`); call before the front end
// is made. Without it, dashboardRoot() picks the source tree's folder or the installed one.
void setDashboardRoot(const QString &dir);

// The folder in use: the one set above, else the source tree's sync/server/dashboard when this
// binary was built from a tree that still has it, else <prefix>/share/hearth/dashboard.
[[nodiscard]] QString dashboardRoot();

// Registers GET /, /dashboard and /dashboard/<file> on `http`, serving from `root`.
void addDashboardRoutes(QHttpServer &http, const QString &root = dashboardRoot());

// The file a request path below /dashboard/ names inside `root`, or an empty string when it names
// nothing servable (traversal, hidden files, node_modules, a type not on the list). Pure, for tests.
[[nodiscard]] QString dashboardFileFor(const QString &root, const QString &relativePath);

// The Content-Type for a servable file name, or empty when its type is not served.
[[nodiscard]] QByteArray dashboardContentType(const QString &fileName);

} // namespace hearth::server
