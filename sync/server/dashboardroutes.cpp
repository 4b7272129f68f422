#include "dashboardroutes.h"

#include "syncservice.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponse>
#include <QRegularExpression>
#include <QUrl>

namespace hearth::server {

namespace {

// Set once by `serve` before the front end exists, read when its routes are registered: no lock.
QString &configuredRoot()
{
    static QString root;
    return root;
}

// The chart library is served from the dashboard's node_modules (installed by `npm ci` from its
// lockfile), one named dist file each: never the node_modules tree itself.
struct VendorFile {
    const char *url;  // below /dashboard/
    const char *file; // below the dashboard folder
};
constexpr VendorFile kVendor[] = {
    {"vendor/chart.umd.min.js", "node_modules/chart.js/dist/chart.umd.min.js"},
};

// Every page and script says where it may load from: only this origin, and no inline script, so an
// injected string in a figure label can never run.
constexpr char kCsp[] = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                        "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; "
                        "frame-ancestors 'none'";

void addSecurityHeaders(QHttpServerResponse &r)
{
    r.setHeader("Content-Security-Policy", QByteArray(kCsp));
    r.setHeader("X-Content-Type-Options", "nosniff");
    r.setHeader("Referrer-Policy", "no-referrer");
    r.setHeader("X-Frame-Options", "DENY");
    r.setHeader("Cross-Origin-Opener-Policy", "same-origin");
}

QHttpServerResponse redirect(const QByteArray &to)
{
    QHttpServerResponse r(QHttpServerResponse::StatusCode::Found);
    r.setHeader("Location", to);
    addSecurityHeaders(r);
    return r;
}

QHttpServerResponse notFound()
{
    QHttpServerResponse r("text/plain; charset=utf-8", QByteArray("Not found\n"),
                          QHttpServerResponse::StatusCode::NotFound);
    addSecurityHeaders(r);
    return r;
}

// Small files read per request, on the event loop: a few hundred kilobytes at most, and reading
// them afresh means an updated dashboard is served without a restart.
QHttpServerResponse serveFile(const QString &path, bool vendor, const QHttpServerRequest &req)
{
    const QFileInfo info(path);
    // The validator tag changes whenever the file does; browsers revalidate and get 304s.
    const QByteArray etag = '"' + QByteArray::number(info.size()) + '-'
        + QByteArray::number(info.lastModified().toMSecsSinceEpoch(), 36) + '"';
    // App files revalidate on every load so a new dashboard shows at once; the pinned library
    // changes only with the lockfile, so a day's freshness saves the round trip.
    const QByteArray cacheControl = vendor ? "public, max-age=86400" : "no-cache";
    const QByteArray ifNoneMatch = req.value("If-None-Match");
    if (!ifNoneMatch.isEmpty() && (ifNoneMatch.contains(etag) || ifNoneMatch.trimmed() == "*")) {
        QHttpServerResponse r(QHttpServerResponse::StatusCode::NotModified);
        r.setHeader("ETag", etag);
        r.setHeader("Cache-Control", cacheControl);
        addSecurityHeaders(r);
        return r;
    }
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return notFound();
    QHttpServerResponse r(dashboardContentType(path), f.readAll());
    r.setHeader("ETag", etag);
    r.setHeader("Cache-Control", cacheControl);
    addSecurityHeaders(r);
    return r;
}

} // namespace

void setDashboardRoot(const QString &dir)
{
    configuredRoot() = dir;
}

QString dashboardRoot()
{
    if (!configuredRoot().isEmpty())
        return configuredRoot();
#ifdef HEARTH_SOURCE_DASHBOARD_DIR
    // A binary run from its build tree serves the files being edited.
    if (QFileInfo(QStringLiteral(HEARTH_SOURCE_DASHBOARD_DIR "/index.html")).isFile())
        return QStringLiteral(HEARTH_SOURCE_DASHBOARD_DIR);
#endif
    return QDir::cleanPath(QCoreApplication::applicationDirPath() + QStringLiteral("/../share/hearth/dashboard"));
}

QByteArray dashboardContentType(const QString &fileName)
{
    // The list of types served is also the list of files served: no JSON (package files), no
    // Markdown, no maps, nothing without an extension.
    static const QHash<QString, QByteArray> types = {
        {QStringLiteral("html"), "text/html; charset=utf-8"},
        {QStringLiteral("css"), "text/css; charset=utf-8"},
        {QStringLiteral("js"), "text/javascript; charset=utf-8"},
        {QStringLiteral("mjs"), "text/javascript; charset=utf-8"},
        {QStringLiteral("svg"), "image/svg+xml"},
        {QStringLiteral("png"), "image/png"},
        {QStringLiteral("ico"), "image/x-icon"},
        {QStringLiteral("woff2"), "font/woff2"},
    };
    return types.value(QFileInfo(fileName).suffix().toLower());
}

QString dashboardFileFor(const QString &root, const QString &relativePath)
{
    if (root.isEmpty())
        return {};
    // Only the mapped files reach into node_modules.
    if (relativePath == QLatin1String("node_modules") || relativePath.startsWith(QLatin1String("node_modules/")))
        return {};
    QString relative = relativePath;
    for (const VendorFile &v : kVendor) {
        if (relative == QLatin1String(v.url)) {
            relative = QLatin1String(v.file);
            break;
        }
    }
    // Plain names only: no segment may start with a dot ("..", ".git"), no backslashes, no
    // percent escapes left over, no empty segments.
    static const QRegularExpression safe(
        QStringLiteral("^[A-Za-z0-9_-][A-Za-z0-9._-]*(/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$"));
    if (!safe.match(relative).hasMatch() || dashboardContentType(relative).isEmpty())
        return {};
    const QFileInfo file(QDir(root).filePath(relative));
    const QString canonicalRoot = QFileInfo(root).canonicalFilePath();
    const QString canonical = file.canonicalFilePath();
    // A symlink may not lead out of the folder.
    if (!file.isFile() || canonicalRoot.isEmpty() || !canonical.startsWith(canonicalRoot + QLatin1Char('/')))
        return {};
    return canonical;
}

void addDashboardRoutes(QHttpServer &http, const QString &root)
{
    if (!QFileInfo(QDir(root).filePath(QStringLiteral("index.html"))).isFile())
        qCWarning(lcServer).noquote()
            << R"({"event":"dashboard_missing","detail":"no index.html in the web folder; /dashboard/ answers 404"})";
    http.route(QStringLiteral("/"), QHttpServerRequest::Method::Get,
               [](const QHttpServerRequest &) { return redirect("/dashboard/"); });
    http.route(QStringLiteral("/dashboard"), QHttpServerRequest::Method::Get,
               [](const QHttpServerRequest &) { return redirect("/dashboard/"); });
    http.route(QStringLiteral("/dashboard/"), QHttpServerRequest::Method::Get, [root](const QHttpServerRequest &req) {
        const QString file = dashboardFileFor(root, QStringLiteral("index.html"));
        return file.isEmpty() ? notFound() : serveFile(file, false, req);
    });
    // QUrl arguments take the rest of the path, slashes included.
    http.route(QStringLiteral("/dashboard/<arg>"), QHttpServerRequest::Method::Get,
               [root](const QUrl &rest, const QHttpServerRequest &req) {
                   const QString relative = rest.path(QUrl::FullyDecoded);
                   const QString file = dashboardFileFor(root, relative);
                   if (file.isEmpty())
                       return notFound();
                   return serveFile(file, relative.startsWith(QLatin1String("vendor/")), req);
               });
}

} // namespace hearth::server
