#include "reportsendpoint.h"

#include "crypto.h"
#include "protocol.h"
#include "referencedata.h"
#include "reportbuilder.h"
#include "reportcache.h"
#include "reportformat.h"

#include <QDir>
#include <QJsonDocument>
#include <QMutex>
#include <QMutexLocker>
#include <QUrlQuery>

namespace hearth::server::reports {

namespace {

ServiceResponse error(int status, const QString &code, const QString &message)
{
    return ServiceResponse{status, "application/json", sync::errorBody(code, message)};
}

ServiceResponse storeError(const Error &e)
{
    qCWarning(lcServer).noquote() << QStringLiteral("{\"event\":\"store_error\",\"code\":%1}").arg(int(e.code));
    return error(503, QStringLiteral("unavailable"),
                 QStringLiteral("The server could not complete the request; nothing was changed. Try again."));
}

ServiceResponse json(const QJsonObject &o)
{
    return ServiceResponse{200, "application/json", QJsonDocument(o).toJson(QJsonDocument::Compact)};
}

void logEvent(const QString &event, const QJsonObject &fields)
{
    QJsonObject o = fields;
    o.insert(QStringLiteral("event"), event);
    qCInfo(lcServer).noquote() << QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

QString &assetsFolder()
{
    static QString dir = QStringLiteral(HEARTH_SOURCE_ASSETS_DIR);
    return dir;
}

QString &snapshotFile()
{
    static QString path;
    return path;
}

// Loaded once per process: reference data is read-only and the same for every request.
Result<const ReferenceData *> reference();

// One cache per store (a process normally has one). A cache checks that the store is still the
// one it was built from, so a store destroyed and another made at the same address is harmless.
Result<ReportCache *> cacheFor(ServerStore &store)
{
    static QMutex lock;
    static QHash<ServerStore *, std::shared_ptr<ReportCache>> caches;
    auto ref = reference();
    if (!ref)
        return ref.error();
    QMutexLocker guard(&lock);
    std::shared_ptr<ReportCache> &c = caches[&store];
    if (!c)
        c = std::make_shared<ReportCache>(*ref.value(), snapshotFile());
    return c.get();
}

Result<const ReferenceData *> reference()
{
    static QMutex lock;
    static std::optional<ReferenceData> loaded;
    QMutexLocker guard(&lock);
    if (!loaded) {
        auto r = ReferenceData::loadDefault(assetsFolder());
        if (!r)
            return r.error();
        loaded.emplace(std::move(r).value());
    }
    return &*loaded;
}

QByteArray bearer(const ServiceRequest &r)
{
    if (!r.authorization.startsWith("Bearer "))
        return {};
    return r.authorization.mid(7).trimmed();
}

ServiceResponse signIn(const ServiceRequest &r, ServerStore &store, const SignInThrottle &throttle)
{
    QJsonParseError perr;
    const QJsonObject o = QJsonDocument::fromJson(r.body, &perr).object();
    const QString userId = o.value(QStringLiteral("user")).toString();
    const QByteArray password = o.value(QStringLiteral("password")).toString().toUtf8();
    if (perr.error != QJsonParseError::NoError || userId.isEmpty() || password.isEmpty())
        return error(400, QStringLiteral("malformed"),
                     QStringLiteral("Sign-in needs a JSON body with user and password"));
    if (throttle.tooMany(userId))
        return error(
            429, QStringLiteral("too_many_attempts"),
            QStringLiteral("Too many failed sign-ins for this user; wait 15 minutes or ask an administrator."));
    auto u = store.user(userId);
    if (!u)
        return storeError(u.error());
    // The same answer for an unknown user and a wrong password: no probing for user names.
    if (!u.value() || !SyncService::verifyPassword(password, u.value()->passwordHash)) {
        throttle.record(userId, true);
        logEvent(QStringLiteral("sign_in_refused"),
                 {{QStringLiteral("user"), userId}, {QStringLiteral("peer"), r.peer}});
        return error(401, QStringLiteral("bad_credentials"), QStringLiteral("Wrong user name or password"));
    }
    throttle.record(userId, false);
    if (u.value()->disabled)
        return error(403, QStringLiteral("disabled"), QStringLiteral("This account is disabled; ask an administrator"));
    const QByteArray token =
        crypto::randomBytes(32).toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const Session session{SyncService::hashToken(token), userId, now, now.addSecs(kSessionSeconds)};
    if (auto st = store.addSession(session); !st)
        return storeError(st.error());
    logEvent(QStringLiteral("signed_in"), {{QStringLiteral("user"), userId}});
    return json(QJsonObject{{QStringLiteral("token"), QString::fromLatin1(token)},
                            {QStringLiteral("user"), userId},
                            {QStringLiteral("role"), u.value()->role},
                            {QStringLiteral("team"), u.value()->team},
                            {QStringLiteral("expires_at"), session.expiresAt.toString(Qt::ISODate)}});
}

// The signed-in user behind a session token, or behind a device token (a manager's own device).
std::optional<ServiceResponse> authenticate(const ServiceRequest &r, ServerStore &store, User *user, bool sessionsOnly)
{
    const QByteArray token = bearer(r);
    if (token.size() < 16)
        return error(401, QStringLiteral("unauthenticated"), QStringLiteral("Sign in first (POST /v1/session)"));
    const QByteArray hash = SyncService::hashToken(token);
    QString userId;
    auto s = store.sessionByTokenHash(hash);
    if (!s)
        return storeError(s.error());
    if (s.value() && s.value()->expiresAt > QDateTime::currentDateTimeUtc())
        userId = s.value()->userId;
    if (userId.isEmpty() && !sessionsOnly) {
        auto d = store.deviceByTokenHash(hash);
        if (!d)
            return storeError(d.error());
        if (d.value() && !d.value()->revoked)
            userId = d.value()->userId;
    }
    if (userId.isEmpty())
        return error(401, QStringLiteral("unauthenticated"),
                     QStringLiteral("The sign-in has expired or was ended; sign in again"));
    auto u = store.user(userId);
    if (!u)
        return storeError(u.error());
    if (!u.value() || u.value()->disabled)
        return error(403, QStringLiteral("disabled"), QStringLiteral("This account is disabled"));
    *user = *u.value();
    return std::nullopt;
}

ServiceResponse signOut(const ServiceRequest &r, ServerStore &store)
{
    User user;
    if (auto denied = authenticate(r, store, &user, true))
        return *denied;
    if (auto st = store.removeSession(SyncService::hashToken(bearer(r))); !st)
        return storeError(st.error());
    logEvent(QStringLiteral("signed_out"), {{QStringLiteral("user"), user.id}});
    return json(QJsonObject{{QStringLiteral("status"), QStringLiteral("signed_out")}});
}

ServiceResponse report(const ServiceRequest &r, ServerStore &store)
{
    User user;
    if (auto denied = authenticate(r, store, &user, false))
        return *denied;
    const bool admin = user.role == QLatin1String("admin");
    if (!admin && user.role != QLatin1String("manager"))
        return error(403, QStringLiteral("forbidden"), QStringLiteral("Reports are for managers and administrators"));
    const QUrlQuery q(r.query);
    const QString format = q.queryItemValue(QStringLiteral("format"));
    if (!format.isEmpty() && format != QLatin1String("json") && format != QLatin1String("csv"))
        return error(400, QStringLiteral("malformed"), QStringLiteral("format is json or csv"));
    ReportScope scope;
    scope.from = q.hasQueryItem(QStringLiteral("from"))
        ? QDate::fromString(q.queryItemValue(QStringLiteral("from")), Qt::ISODate)
        : QDate(1900, 1, 1);
    scope.to = q.hasQueryItem(QStringLiteral("to"))
        ? QDate::fromString(q.queryItemValue(QStringLiteral("to")), Qt::ISODate)
        : QDate::currentDate();
    if (!scope.from.isValid() || !scope.to.isValid())
        return error(400, QStringLiteral("malformed"), QStringLiteral("from and to are dates written YYYY-MM-DD"));
    if (scope.from > scope.to)
        return error(400, QStringLiteral("malformed"), QStringLiteral("from is after to"));
    scope.team = q.queryItemValue(QStringLiteral("team"));
    if (!admin) {
        // A manager sees their own team only.
        if (!scope.team.isEmpty() && scope.team != user.team)
            return error(403, QStringLiteral("forbidden"), QStringLiteral("A manager sees their own team's report"));
        scope.team = user.team;
        if (scope.team.isEmpty())
            return error(403, QStringLiteral("forbidden"), QStringLiteral("This manager belongs to no team"));
    }
    if (!scope.team.isEmpty()) {
        auto caseloads = teamCaseloads(store, scope.team);
        if (!caseloads && caseloads.error().code == ErrorCode::NotFound)
            return error(404, QStringLiteral("not_found"), caseloads.error().message);
        if (!caseloads)
            return storeError(caseloads.error());
        scope.caseloads = caseloads.value();
    }
    auto cache = cacheFor(store);
    if (!cache)
        return storeError(cache.error());
    auto built = cache.value()->report(store, scope);
    if (!built)
        return storeError(built.error());
    logEvent(QStringLiteral("report"), {{QStringLiteral("user"), user.id}, {QStringLiteral("team"), scope.team}});
    if (format == QLatin1String("csv"))
        return ServiceResponse{200, "text/csv; charset=utf-8", toCsv(built.value())};
    return ServiceResponse{200, "application/json", toJson(built.value(), false)};
}

} // namespace

bool isReportsPath(const QString &path)
{
    return path == QLatin1String("/v1/session") || path == QLatin1String("/v1/reports");
}

ServiceResponse handleReportsRequest(const ServiceRequest &r, ServerStore &store, const SignInThrottle &throttle)
{
    if (r.path == QLatin1String("/v1/session")) {
        if (r.method == "POST")
            return signIn(r, store, throttle);
        if (r.method == "DELETE")
            return signOut(r, store);
        return error(405, QStringLiteral("method_not_allowed"), QStringLiteral("Use POST or DELETE for /v1/session"));
    }
    if (r.method != "GET")
        return error(405, QStringLiteral("method_not_allowed"), QStringLiteral("Use GET for /v1/reports"));
    return report(r, store);
}

void setAssetsDir(const QString &dir)
{
    assetsFolder() = dir;
}

void setSnapshotFile(const QString &path)
{
    snapshotFile() = path;
}

Status keepReportsCurrent(ServerStore &store)
{
    auto cache = cacheFor(store);
    if (!cache)
        return cache.error();
    return cache.value()->keepUp(store);
}

QString snapshotFileIn(const QString &dataDir)
{
    return QDir(dataDir).filePath(QStringLiteral("report-snapshot"));
}

QString assetsDir()
{
    return assetsFolder();
}

} // namespace hearth::server::reports
