#include "syncservice.h"

#include "crypto.h"
#include "protocol.h"
#include "reportsendpoint.h"
#include "schema.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMutexLocker>

Q_LOGGING_CATEGORY(lcServer, "hearth.server", QtInfoMsg)

namespace hearth::server {

namespace {

ServiceResponse json(int status, const QJsonObject &o)
{
    return ServiceResponse{status, "application/json", QJsonDocument(o).toJson(QJsonDocument::Compact)};
}

ServiceResponse error(int status, const QString &code, const QString &message)
{
    return ServiceResponse{status, "application/json", sync::errorBody(code, message)};
}

ServiceResponse storeError(const Error &e)
{
    // Store messages may name ids but never personal data; still, keep the detail in the log only.
    qCWarning(lcServer).noquote() << QStringLiteral("{\"event\":\"store_error\",\"code\":%1}").arg(int(e.code));
    return error(503, QStringLiteral("unavailable"),
                 QStringLiteral("The server could not complete the request; nothing was changed. Try again."));
}

void logEvent(const QString &event, const QJsonObject &fields)
{
    QJsonObject o = fields;
    o.insert(QStringLiteral("event"), event);
    qCInfo(lcServer).noquote() << QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

constexpr int kMaxFailures = 10;
constexpr qint64 kFailureWindowMs = 15 * 60 * 1000;
constexpr int kBackfillPersonsPerPage = 200;

} // namespace

SyncService::SyncService(ServerStore &store, QString serverId) : m_store(store), m_serverId(std::move(serverId)) {}

Result<QByteArray> SyncService::hashPassword(const QByteArray &password)
{
    crypto::KdfParams k = crypto::KdfParams::fresh();
    k.n = 1u << 15;
    auto h = crypto::deriveKey(password, k);
    if (!h)
        return h.error();
    return QByteArray("scrypt$") + QByteArray::number(k.n) + '$' + QByteArray::number(k.r) + '$'
        + QByteArray::number(k.p) + '$' + k.salt.toBase64() + '$' + h.value().toBase64();
}

bool SyncService::verifyPassword(const QByteArray &password, const QByteArray &encoded)
{
    const QList<QByteArray> parts = encoded.split('$');
    if (parts.size() != 6 || parts[0] != "scrypt")
        return false;
    crypto::KdfParams k;
    k.n = parts[1].toULongLong();
    k.r = parts[2].toUInt();
    k.p = parts[3].toUInt();
    k.salt = QByteArray::fromBase64(parts[4]);
    if (k.n < 1024 || (k.n & (k.n - 1)) || k.r == 0 || k.p == 0 || k.salt.isEmpty())
        return false;
    auto h = crypto::deriveKey(password, k);
    return h && crypto::constantTimeEquals(h.value(), QByteArray::fromBase64(parts[5]));
}

QByteArray SyncService::hashToken(const QByteArray &token)
{
    return crypto::sha256(token);
}

Result<Scope> SyncService::scopeFor(const User &user)
{
    Scope s;
    for (const QString &c : user.caseloads)
        s.caseloads.insert(c);
    if (user.role == QLatin1String("manager") && !user.team.isEmpty()) {
        auto all = m_store.users();
        if (!all)
            return all.error();
        for (const User &u : all.value())
            if (u.team == user.team)
                for (const QString &c : u.caseloads)
                    s.caseloads.insert(c);
    }
    return s;
}

ServiceResponse SyncService::handle(const ServiceRequest &r)
{
    struct Guard {
        std::atomic<int> &n;
        explicit Guard(std::atomic<int> &c) : n(c) { ++n; }
        ~Guard() { --n; }
    } guard(m_inFlight);

    if (r.path == QLatin1String("/v1/health") && r.method == "GET")
        return health();
    if (!r.protocolVersion.isEmpty() && r.protocolVersion != QByteArray::number(sync::ProtocolVersion))
        return error(400, QStringLiteral("unsupported_protocol"),
                     QStringLiteral("This server speaks Hearth protocol %1; the request used %2. Update the app.")
                         .arg(sync::ProtocolVersion)
                         .arg(QString::fromLatin1(r.protocolVersion.left(16))));
    if (r.protocolVersion.isEmpty() && r.path.startsWith(QLatin1String("/v1/")))
        return error(400, QStringLiteral("unsupported_protocol"),
                     QStringLiteral("The request has no Hearth-Protocol header; this server speaks protocol %1.")
                         .arg(sync::ProtocolVersion));
    if (r.body.size() > sync::MaxBodyBytes)
        return error(413, QStringLiteral("too_large"),
                     QStringLiteral("The request body is larger than %1 bytes; send fewer writes per request.")
                         .arg(sync::MaxBodyBytes));
    // Sign-in sessions and reports for managers (reports/REPORTS.md), sharing enrolment's throttle.
    if (reports::isReportsPath(r.path))
        return reports::handleReportsRequest(r, m_store,
                                             {[this](const QString &u) { return tooManyFailures(u); },
                                              [this](const QString &u, bool failed) { recordFailure(u, failed); }});
    if (r.method != "POST")
        return error(405, QStringLiteral("method_not_allowed"), QStringLiteral("Use POST for %1").arg(r.path));
    if (r.path == QLatin1String("/v1/enrol"))
        return enrol(r);
    if (r.path != QLatin1String("/v1/push") && r.path != QLatin1String("/v1/pull"))
        return error(404, QStringLiteral("not_found"), QStringLiteral("No such endpoint: %1").arg(r.path));
    Device device;
    User user;
    if (auto denied = authenticate(r, &device, &user))
        return *denied;
    if (!r.contentType.startsWith(sync::CborType))
        return error(415, QStringLiteral("unsupported_media_type"),
                     QStringLiteral("Send the body as %1").arg(QString::fromLatin1(sync::CborType)));
    return r.path == QLatin1String("/v1/push") ? push(r, device, user) : pull(r, device, user);
}

ServiceResponse SyncService::health()
{
    auto last = m_store.lastSeq();
    if (!last)
        return storeError(last.error());
    return json(200,
                QJsonObject{{QStringLiteral("status"), QStringLiteral("ok")},
                            {QStringLiteral("protocol"), sync::ProtocolVersion},
                            {QStringLiteral("store"), m_store.kind()},
                            {QStringLiteral("server"), m_serverId},
                            {QStringLiteral("writes"), double(last.value())}});
}

bool SyncService::tooManyFailures(const QString &userId)
{
    QMutexLocker lock(&m_failuresLock);
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    // Forget names whose failures have all aged out, so sprayed names cannot grow memory for ever.
    for (auto it = m_failures.begin(); it != m_failures.end();) {
        it->erase(std::remove_if(it->begin(), it->end(), [&](qint64 t) { return now - t > kFailureWindowMs; }),
                  it->end());
        it = it->isEmpty() ? m_failures.erase(it) : std::next(it);
    }
    return m_failures.value(userId).size() >= kMaxFailures;
}

void SyncService::recordFailure(const QString &userId, bool failed)
{
    QMutexLocker lock(&m_failuresLock);
    if (failed)
        m_failures[userId].append(QDateTime::currentMSecsSinceEpoch());
    else
        m_failures.remove(userId);
}

ServiceResponse SyncService::enrol(const ServiceRequest &r)
{
    QJsonParseError perr;
    const QJsonObject o = QJsonDocument::fromJson(r.body, &perr).object();
    const QString userId = o.value(QStringLiteral("user")).toString();
    const QByteArray password = o.value(QStringLiteral("password")).toString().toUtf8();
    const QString deviceId = o.value(QStringLiteral("device")).toString();
    if (perr.error != QJsonParseError::NoError || userId.isEmpty() || password.isEmpty() || deviceId.isEmpty())
        return error(400, QStringLiteral("malformed"),
                     QStringLiteral("Enrolment needs a JSON body with user, password and device"));
    if (deviceId.size() > 64 || deviceId.contains(QRegularExpression(QStringLiteral("[^0-9a-zA-Z_]"))))
        return error(400, QStringLiteral("malformed"), QStringLiteral("A device id is up to 64 letters, digits or _"));
    if (tooManyFailures(userId))
        return error(
            429, QStringLiteral("too_many_attempts"),
            QStringLiteral("Too many failed sign-ins for this user; wait 15 minutes or ask an administrator."));
    auto u = m_store.user(userId);
    if (!u)
        return storeError(u.error());
    // The same answer for an unknown user and a wrong password: no probing for user names.
    if (!u.value() || !verifyPassword(password, u.value()->passwordHash)) {
        recordFailure(userId, true);
        logEvent(QStringLiteral("enrol_refused"), {{QStringLiteral("user"), userId}, {QStringLiteral("peer"), r.peer}});
        return error(401, QStringLiteral("bad_credentials"), QStringLiteral("Wrong user name or password"));
    }
    recordFailure(userId, false);
    if (u.value()->disabled)
        return error(403, QStringLiteral("disabled"), QStringLiteral("This account is disabled; ask an administrator"));
    auto existing = m_store.device(deviceId);
    if (!existing)
        return storeError(existing.error());
    if (existing.value())
        return error(
            409, QStringLiteral("device_exists"),
            QStringLiteral("A device with this id is already enrolled; reset the device's store and enrol again"));
    const QByteArray token =
        crypto::randomBytes(32).toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    Device d{deviceId, userId, hashToken(token), QDateTime::currentDateTimeUtc(), false};
    if (auto st = m_store.addDevice(d); !st)
        return storeError(st.error());
    logEvent(QStringLiteral("enrolled"), {{QStringLiteral("user"), userId}, {QStringLiteral("device"), deviceId}});
    return json(200,
                QJsonObject{{QStringLiteral("device"), deviceId},
                            {QStringLiteral("token"), QString::fromLatin1(token)},
                            {QStringLiteral("user"), userId},
                            {QStringLiteral("role"), u.value()->role},
                            {QStringLiteral("caseloads"), QJsonArray::fromStringList(u.value()->caseloads)},
                            {QStringLiteral("server"), m_serverId},
                            {QStringLiteral("protocol"), sync::ProtocolVersion}});
}

std::optional<ServiceResponse> SyncService::authenticate(const ServiceRequest &r, Device *device, User *user)
{
    if (!r.authorization.startsWith("Bearer ") || r.authorization.size() < 20)
        return error(401, QStringLiteral("unauthenticated"), QStringLiteral("This request needs a device token"));
    auto d = m_store.deviceByTokenHash(hashToken(r.authorization.mid(7).trimmed()));
    if (!d)
        return storeError(d.error());
    if (!d.value() || d.value()->revoked)
        return error(401, QStringLiteral("unauthenticated"),
                     QStringLiteral("This device is not enrolled (or was revoked); enrol it again"));
    auto u = m_store.user(d.value()->userId);
    if (!u)
        return storeError(u.error());
    if (!u.value() || u.value()->disabled)
        return error(403, QStringLiteral("disabled"), QStringLiteral("This device's account is disabled"));
    *device = *d.value();
    *user = *u.value();
    return std::nullopt;
}

ServiceResponse SyncService::push(const ServiceRequest &r, const Device &device, const User &user)
{
    QElapsedTimer t;
    t.start();
    auto req = sync::PushRequest::decode(r.body);
    if (!req)
        return error(400, QStringLiteral("malformed"), req.error().message);
    auto scope = scopeFor(user);
    if (!scope)
        return storeError(scope.error());
    // The caseloads of this batch's people only: reading every person's would make a push cost
    // the size of the whole server.
    QStringList people;
    {
        QSet<QString> seen;
        for (const Write &w : std::as_const(req.value().writes))
            if (!w.personId.isEmpty() && !seen.contains(w.personId)) {
                seen.insert(w.personId);
                people << w.personId;
            }
    }
    auto caseloads = m_store.caseloadsOf(people);
    if (!caseloads)
        return storeError(caseloads.error());
    QHash<QString, QString> personCaseload = caseloads.value();

    sync::PushResponse out;
    QList<Write> accepted;
    for (const Write &w : std::as_const(req.value().writes)) {
        auto refuse = [&](const QString &code, const QString &reason) {
            out.rejected.append(Store::Rejection{{w.device, w.seq}, code, reason});
        };
        if (w.device != device.id) {
            refuse(QStringLiteral("forbidden"), QStringLiteral("A device may only push its own writes"));
            continue;
        }
        const RecordSchema *schema = schema::find(w.type);
        if (!schema) {
            refuse(QStringLiteral("invalid"), QStringLiteral("Unknown record type '%1'").arg(w.type));
            continue;
        }
        bool fieldsOk = true;
        for (auto it = w.values.begin(); it != w.values.end(); ++it)
            fieldsOk &= it.key() == DeletedField || schema->field(it.key()) != nullptr;
        if (!fieldsOk || w.personId.isEmpty() || (w.type == QLatin1String("person") && w.personId != w.recordId)) {
            refuse(QStringLiteral("invalid"),
                   QStringLiteral("The write names fields or a person its type does not have"));
            continue;
        }
        // Scope: the person's caseload as the server holds it, or for a new person the one it is created in.
        QString caseload = personCaseload.value(w.personId);
        if (!personCaseload.contains(w.personId) && w.type == QLatin1String("person"))
            caseload = w.values.value(QStringLiteral("caseload")).toString();
        // Only an id the server has never seen may be created with the caseload the write names;
        // a known person (deleted ones included) is scoped by the caseload the server holds.
        const bool known = personCaseload.contains(w.personId);
        if (caseload.isEmpty()) {
            refuse(QStringLiteral("unknown_person"),
                   known || w.type != QLatin1String("person")
                       ? QStringLiteral("The server holds no caseload for this person")
                       : QStringLiteral("A new person needs a caseload; set it to one of yours"));
            continue;
        }
        if (!scope.value().containsCaseload(caseload)) {
            refuse(QStringLiteral("out_of_scope"),
                   QStringLiteral("This person is not in your caseloads (moved to another caseload, or access "
                                  "withdrawn); hand the change over to the person's link worker"));
            continue;
        }
        // Later writes in this batch see the person's new caseload (a person created or moved here).
        if (w.type == QLatin1String("person") && w.values.contains(QStringLiteral("caseload")))
            personCaseload.insert(w.personId, w.values.value(QStringLiteral("caseload")).toString());
        accepted.append(w);
        out.acked.append(Store::WriteId{w.device, w.seq});
    }
    if (!accepted.isEmpty()) {
        auto n = m_store.append(accepted);
        if (!n) {
            if (n.error().code == ErrorCode::Corrupt)
                return error(400, QStringLiteral("conflicting_write"), n.error().message);
            return storeError(n.error());
        }
    }
    logEvent(QStringLiteral("push"),
             {{QStringLiteral("device"), device.id},
              {QStringLiteral("user"), user.id},
              {QStringLiteral("writes"), int(req.value().writes.size())},
              {QStringLiteral("rejected"), int(out.rejected.size())},
              {QStringLiteral("ms"), double(t.elapsed())}});
    return ServiceResponse{200, sync::CborType, out.encode()};
}

ServiceResponse SyncService::pull(const ServiceRequest &r, const Device &device, const User &user)
{
    QElapsedTimer t;
    t.start();
    auto req = sync::PullRequest::decode(r.body);
    if (!req)
        return error(400, QStringLiteral("malformed"), req.error().message);
    auto scope = scopeFor(user);
    if (!scope)
        return storeError(scope.error());
    // The people in scope are those whose caseload is one of the scope's; which of them the device
    // still lacks, and which it holds but may no longer, is worked out by the store, so a pull
    // costs what changed rather than the number of people on the server.
    QStringList scopeCaseloads(scope.value().caseloads.cbegin(), scope.value().caseloads.cend());
    scopeCaseloads.removeAll(QString());
    scopeCaseloads.sort();

    // What the device confirmed since its last pull: recorded whatever the scope is now, since a
    // person moved away between delivery and confirmation must still be purged from the device.
    if (!req.value().confirmDelivered.isEmpty() || !req.value().confirmPurged.isEmpty())
        if (auto st = m_store.markDelivered(device.id, req.value().confirmDelivered, req.value().confirmPurged); !st)
            return storeError(st.error());

    sync::PullResponse out;
    // People newly in scope: their history up to the cursor (later writes come by the cursor).
    // From cursor 0 the cursor itself brings everyone's whole history: nothing to back-fill, so
    // all of them can be confirmed at once. Later, back-fill a bounded number of people per page
    // (one more is read to know whether others wait).
    auto fresh =
        m_store.undelivered(device.id, scopeCaseloads, req.value().cursor > 0 ? kBackfillPersonsPerPage + 1 : -1);
    if (!fresh)
        return storeError(fresh.error());
    const bool moreFresh = req.value().cursor > 0 && fresh.value().size() > kBackfillPersonsPerPage;
    if (moreFresh)
        fresh.value().removeLast();
    if (!fresh.value().isEmpty() && req.value().cursor > 0) {
        auto back = m_store.writesOfPersons(fresh.value(), req.value().cursor);
        if (!back)
            return storeError(back.error());
        for (const StoredWrite &sw : back.value())
            out.writes.append(sw.write);
    }
    out.delivered = fresh.value();
    auto purge = m_store.deliveredOutside(device.id, scopeCaseloads);
    if (!purge)
        return storeError(purge.error());
    out.purge = purge.value();

    // The page is read through the scope's caseloads (the same people) in sequence order; one
    // write beyond the limit says whether there is more without counting the rest. The device's
    // own writes are left out (it holds them: they were in its log before it could push them).
    // Every write up to `last` has committed (sequence order is commit order) and is seen by the
    // page's read, so a page that is not full has covered everything up to `last`, and the cursor
    // moves there: writes the device skips (its own, other caseloads') are not read again.
    auto last = m_store.lastSeq();
    if (!last)
        return storeError(last.error());
    const int limit = req.value().limit;
    auto page = m_store.writesInCaseloads(req.value().cursor, scopeCaseloads, limit + 1, device.id);
    if (!page)
        return storeError(page.error());
    const bool morePage = page.value().size() > limit;
    if (morePage)
        page.value().removeLast();
    out.cursor = page.value().isEmpty() ? req.value().cursor : page.value().last().serverSeq;
    if (!morePage)
        out.cursor = qMax(out.cursor, last.value());
    out.encodedWrites.reserve(page.value().size());
    for (const StoredWrite &sw : std::as_const(page.value())) {
        auto encoded = sync::encodeStoredWrite(sw.write, sw.payload); // passed through, not re-encoded
        if (!encoded)
            return storeError(encoded.error());
        out.encodedWrites.append(std::move(encoded).value());
    }
    if (req.value().count) {
        auto backlog = m_store.backlogInCaseloads(out.cursor, scopeCaseloads, device.id);
        if (!backlog)
            return storeError(backlog.error());
        out.remaining = backlog.value().writes;
        out.remainingBytes = backlog.value().bytes;
    }
    out.more = moreFresh || morePage;
    logEvent(QStringLiteral("pull"),
             {{QStringLiteral("device"), device.id},
              {QStringLiteral("user"), user.id},
              {QStringLiteral("writes"), int(out.writes.size() + out.encodedWrites.size())},
              {QStringLiteral("purge"), int(out.purge.size())},
              {QStringLiteral("ms"), double(t.elapsed())}});
    return ServiceResponse{200, sync::CborType, out.encode()};
}

} // namespace hearth::server
