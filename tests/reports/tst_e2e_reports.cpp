// The reports API against a real hearth-server over loopback TLS (trusting only its own
// certificate): manager sign-in sessions, who may see which report, tokens that must not work
// (wrong, signed out, expired, a session on the sync endpoints), the shared sign-in throttle, the
// `report` command's arguments and exit codes, and the same report from the command and over HTTPS.
#include "e2esupport.h"
#include "protocol.h"
#include "serverprocess.h"
#include "serverstore.h"
#include "syncservice.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSslConfiguration>
#include <QTemporaryDir>

#include <memory>
#include <optional>

using namespace hearth;
using namespace hearth::test;

namespace {

// A JSON error a person can read: the status, the code and a message.
#define EXPECT_ERROR(answer, st, errorCode)                                                                            \
    do {                                                                                                               \
        const Answer &a_ = (answer);                                                                                   \
        QVERIFY2(a_.status == (st), a_.describe().constData());                                                        \
        QVERIFY2(a_.contentType.startsWith("application/json"), a_.describe().constData());                            \
        QCOMPARE(a_.code(), QStringLiteral(errorCode));                                                                \
        QVERIFY(!a_.json().value(QStringLiteral("message")).toString().isEmpty());                                     \
    } while (false)

} // namespace

class TestE2eReports : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void managerSignsInAndGetsTheTeamReport();
    void csvOverHttps();
    void commandAndEndpointAgree();
    void whoMaySeeWhat();
    void badTokens();
    void sessionIsNotADeviceToken();
    void signOutEndsTheSession();
    void sessionWorksOnAnotherServerProcess();
    void disabledUserLosesAccess();
    void badQueries();
    void signInThrottleIsSharedWithEnrolment();
    void expiredSessionIsRefused();
    void commandLineErrors();

private:
    Answer send(const QByteArray &method, const QString &path, const QByteArray &token = {},
                const QByteArray &body = {}, ServerProcess *server = nullptr);
    QByteArray signIn(const QString &user, const QByteArray &password);
    Answer report(const QByteArray &token, const QString &query)
    {
        return send("GET", QStringLiteral("/v1/reports?") + query, token);
    }

    std::unique_ptr<QTemporaryDir> m_tmp;
    std::unique_ptr<ServerProcess> m_server;
    QSslConfiguration m_tls;
    QNetworkAccessManager m_nam;
    QByteArray m_manager; // the demo manager's session
};

void TestE2eReports::initTestCase()
{
    if (ServerProcess::binary().isEmpty())
        QSKIP("hearth-server is not built in this configuration (no Qt HTTP Server)");
    m_tmp = std::make_unique<QTemporaryDir>();
    QVERIFY(m_tmp->isValid());
    m_server = std::make_unique<ServerProcess>(m_tmp->filePath(QStringLiteral("server")));
    // The demo team "glasgow": lw1, lw2 (link workers), housing1, manager; passwords demo-<user>.
    QByteArray out;
    QCOMPARE(m_server->admin({QStringLiteral("demo")}, {}, &out), 0);
    const QByteArray pw = "a-long-enough-password";
    for (const QStringList &u :
         {QStringList{QStringLiteral("boss"), QStringLiteral("admin"), QStringLiteral("hq"), QString()},
          QStringList{QStringLiteral("mgr2"), QStringLiteral("manager"), QStringLiteral("east"), QStringLiteral("e1")},
          QStringList{QStringLiteral("victim"), QStringLiteral("manager"), QStringLiteral("east"), QString()},
          QStringList{QStringLiteral("leaver"), QStringLiteral("manager"), QStringLiteral("glasgow"), QString()}})
        QCOMPARE(m_server->admin({QStringLiteral("user"), QStringLiteral("add"), u[0], QStringLiteral("--role"), u[1],
                                  QStringLiteral("--team"), u[2], QStringLiteral("--caseloads"), u[3]},
                                 pw),
                 0);
    QVERIFY2(m_server->start(), m_server->logs().constData());
    QFile certFile(m_tmp->filePath(QStringLiteral("server/tls-cert.pem")));
    QVERIFY(certFile.open(QIODevice::ReadOnly));
    const QList<QSslCertificate> certs = QSslCertificate::fromData(certFile.readAll(), QSsl::Pem);
    QCOMPARE(certs.size(), 1);
    m_tls = QSslConfiguration::defaultConfiguration();
    m_tls.setCaCertificates(certs);
    m_tls.setProtocol(QSsl::TlsV1_2OrLater);
    m_manager = signIn(QStringLiteral("manager"), "demo-manager");
    QVERIFY(!m_manager.isEmpty());
}

Answer TestE2eReports::send(const QByteArray &method, const QString &path, const QByteArray &token,
                            const QByteArray &body, ServerProcess *server)
{
    QNetworkRequest req(QUrl((server ? server : m_server.get())->url() + path));
    req.setSslConfiguration(m_tls);
    req.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    req.setRawHeader(sync::ProtocolHeader, QByteArray::number(sync::ProtocolVersion));
    if (!body.isEmpty())
        req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    if (!token.isEmpty())
        req.setRawHeader("Authorization", "Bearer " + token);
    return exchange(m_nam, req, method, body);
}

QByteArray TestE2eReports::signIn(const QString &user, const QByteArray &password)
{
    const Answer a = send("POST", QStringLiteral("/v1/session"), {},
                          QJsonDocument(QJsonObject{{QStringLiteral("user"), user},
                                                    {QStringLiteral("password"), QString::fromUtf8(password)}})
                              .toJson(QJsonDocument::Compact));
    if (a.status != 200) {
        qWarning("sign-in of %s: %s", qPrintable(user), a.describe().constData());
        return {};
    }
    return a.json().value(QStringLiteral("token")).toString().toLatin1();
}

void TestE2eReports::managerSignsInAndGetsTheTeamReport()
{
    const Answer s = send("POST", QStringLiteral("/v1/session"), {}, R"({"user":"manager","password":"demo-manager"})");
    QCOMPARE(s.status, 200);
    const QJsonObject o = s.json();
    QCOMPARE(o.value(QStringLiteral("role")).toString(), QStringLiteral("manager"));
    QCOMPARE(o.value(QStringLiteral("team")).toString(), QStringLiteral("glasgow"));
    QVERIFY(o.value(QStringLiteral("token")).toString().size() >= 40);
    const QDateTime expires = QDateTime::fromString(o.value(QStringLiteral("expires_at")).toString(), Qt::ISODate);
    const qint64 secs = QDateTime::currentDateTimeUtc().secsTo(expires);
    QVERIFY2(secs > 8 * 3600 - 120 && secs <= 8 * 3600, qPrintable(QString::number(secs)));

    const Answer r = report(m_manager, QStringLiteral("from=2000-01-01&format=json"));
    QVERIFY2(r.status == 200, r.describe().constData());
    QVERIFY(r.contentType.startsWith("application/json"));
    const QJsonObject rep = r.json();
    QCOMPARE(rep.value(QStringLiteral("report")).toString(), QStringLiteral("hearth.evaluation"));
    QCOMPARE(rep.value(QStringLiteral("scope")).toObject().value(QStringLiteral("team")).toString(),
             QStringLiteral("glasgow"));
    QCOMPARE(rep.value(QStringLiteral("scope")).toObject().value(QStringLiteral("caseloads")).toArray(),
             (QJsonArray{QStringLiteral("north-east"), QStringLiteral("south")}));
    // The demo caseloads (70 people) were referred and supported within the last few years.
    QVERIFY(rep.value(QStringLiteral("activity"))
                .toObject()
                .value(QStringLiteral("referrals"))
                .toObject()
                .value(QStringLiteral("total"))
                .toInt()
            > 0);
    QVERIFY(rep.value(QStringLiteral("activity")).toObject().value(QStringLiteral("people_supported")).toInt() > 0);
    // No team named: a manager's own.
    const Answer mine = report(m_manager, QStringLiteral("from=2000-01-01&team=glasgow"));
    QCOMPARE(mine.status, 200);
}

void TestE2eReports::csvOverHttps()
{
    const Answer r = report(m_manager, QStringLiteral("from=2000-01-01&format=csv"));
    QVERIFY2(r.status == 200, r.describe().constData());
    QVERIFY(r.contentType.startsWith("text/csv"));
    QVERIFY(r.body.startsWith("section,figure,key,label,value\r\n"));
    QVERIFY(r.body.contains("\r\nactivity,people_supported,,,"));
}

void TestE2eReports::commandAndEndpointAgree()
{
    const QString to = QDate::currentDate().toString(Qt::ISODate);
    QByteArray out;
    QCOMPARE(m_server->admin({QStringLiteral("report"), QStringLiteral("--team"), QStringLiteral("glasgow"),
                              QStringLiteral("--from"), QStringLiteral("2000-01-01"), QStringLiteral("--to"), to,
                              QStringLiteral("--format"), QStringLiteral("json")},
                             {}, &out),
             0);
    QJsonObject cli = QJsonDocument::fromJson(out).object();
    QVERIFY(!cli.isEmpty());
    QJsonObject http = report(m_manager, QStringLiteral("from=2000-01-01&to=%1").arg(to)).json();
    cli.remove(QStringLiteral("generated_at"));
    http.remove(QStringLiteral("generated_at"));
    QCOMPARE(http, cli);

    QCOMPARE(m_server->admin({QStringLiteral("report"), QStringLiteral("--team"), QStringLiteral("glasgow"),
                              QStringLiteral("--from"), QStringLiteral("2000-01-01"), QStringLiteral("--to"), to,
                              QStringLiteral("--format"), QStringLiteral("csv")},
                             {}, &out),
             0);
    const Answer csv = report(m_manager, QStringLiteral("from=2000-01-01&to=%1&format=csv").arg(to));
    // Every row but the generated_at stamp is the same.
    auto rows = [](const QByteArray &b) {
        QList<QByteArray> r = b.split('\n');
        r.removeIf([](const QByteArray &l) { return l.startsWith(",generated_at,"); });
        return r;
    };
    QCOMPARE(rows(csv.body), rows(out));
}

void TestE2eReports::whoMaySeeWhat()
{
    // Link workers and housing staff: 403 with a JSON error.
    for (const char *user : {"lw1", "housing1"}) {
        const QByteArray token = signIn(QLatin1String(user), "demo-" + QByteArray(user));
        QVERIFY(!token.isEmpty());
        EXPECT_ERROR(report(token, QStringLiteral("from=2000-01-01")), 403, "forbidden");
    }
    // A manager asking for another team's report.
    EXPECT_ERROR(report(m_manager, QStringLiteral("team=east")), 403, "forbidden");
    // An administrator: any team, or the whole service.
    const QByteArray boss = signIn(QStringLiteral("boss"), "a-long-enough-password");
    QVERIFY(!boss.isEmpty());
    const Answer all = report(boss, QStringLiteral("from=2000-01-01"));
    QVERIFY2(all.status == 200, all.describe().constData());
    QVERIFY(all.json().value(QStringLiteral("scope")).toObject().value(QStringLiteral("team")).isNull());
    const Answer east = report(boss, QStringLiteral("from=2000-01-01&team=east"));
    QCOMPARE(east.status, 200);
    QCOMPARE(east.json().value(QStringLiteral("activity")).toObject().value(QStringLiteral("people_supported")).toInt(),
             0);
    const Answer glasgow = report(boss, QStringLiteral("from=2000-01-01&team=glasgow"));
    QCOMPARE(glasgow.status, 200);
    QCOMPARE(glasgow.json().value(QStringLiteral("activity")), all.json().value(QStringLiteral("activity")));
    EXPECT_ERROR(report(boss, QStringLiteral("team=nowhere")), 404, "not_found");
}

void TestE2eReports::badTokens()
{
    EXPECT_ERROR(report({}, QStringLiteral("from=2000-01-01")), 401, "unauthenticated");
    EXPECT_ERROR(report("not-a-token-but-long-enough-to-look-like-one", QString()), 401, "unauthenticated");
    QByteArray wrong = m_manager;
    wrong[5] = wrong[5] == 'A' ? 'B' : 'A';
    EXPECT_ERROR(report(wrong, QString()), 401, "unauthenticated");
    EXPECT_ERROR(send("POST", QStringLiteral("/v1/session"), {}, R"({"user":"manager","password":"wrong"})"), 401,
                 "bad_credentials");
    EXPECT_ERROR(send("POST", QStringLiteral("/v1/session"), {}, R"({"user":"nobody","password":"wrong"})"), 401,
                 "bad_credentials");
    EXPECT_ERROR(send("POST", QStringLiteral("/v1/session"), {}, "not json"), 400, "malformed");
}

void TestE2eReports::sessionIsNotADeviceToken()
{
    sync::PullRequest p;
    Answer a = send("POST", QStringLiteral("/v1/pull"), m_manager, p.encode());
    EXPECT_ERROR(a, 401, "unauthenticated");
    a = send("POST", QStringLiteral("/v1/push"), m_manager, sync::PushRequest{}.encode());
    EXPECT_ERROR(a, 401, "unauthenticated");
}

void TestE2eReports::signOutEndsTheSession()
{
    const QByteArray token = signIn(QStringLiteral("manager"), "demo-manager");
    QCOMPARE(report(token, QString()).status, 200);
    const Answer out = send("DELETE", QStringLiteral("/v1/session"), token);
    QVERIFY2(out.status == 200, out.describe().constData());
    EXPECT_ERROR(report(token, QString()), 401, "unauthenticated");
    EXPECT_ERROR(send("DELETE", QStringLiteral("/v1/session"), token), 401, "unauthenticated");
    // Other sessions of the same user are untouched.
    QCOMPARE(report(m_manager, QString()).status, 200);
}

void TestE2eReports::sessionWorksOnAnotherServerProcess()
{
    // A second process on the same store (as several processes share one PostgreSQL database).
    ServerProcess second(m_tmp->filePath(QStringLiteral("server")));
    QVERIFY2(second.start(), second.logs().constData());
    const Answer r = send("GET", QStringLiteral("/v1/reports?from=2000-01-01"), m_manager, {}, &second);
    QVERIFY2(r.status == 200, r.describe().constData());
    // And signing out on it ends the session on the first one too.
    const QByteArray token = signIn(QStringLiteral("manager"), "demo-manager");
    QCOMPARE(send("DELETE", QStringLiteral("/v1/session"), token, {}, &second).status, 200);
    EXPECT_ERROR(report(token, QString()), 401, "unauthenticated");
    QVERIFY(second.terminate());
}

void TestE2eReports::disabledUserLosesAccess()
{
    const QByteArray token = signIn(QStringLiteral("leaver"), "a-long-enough-password");
    QCOMPARE(report(token, QString()).status, 200);
    QCOMPARE(m_server->admin({QStringLiteral("user"), QStringLiteral("disable"), QStringLiteral("leaver")}), 0);
    EXPECT_ERROR(report(token, QString()), 403, "disabled");
    EXPECT_ERROR(
        send("POST", QStringLiteral("/v1/session"), {}, R"({"user":"leaver","password":"a-long-enough-password"})"),
        403, "disabled");
}

void TestE2eReports::badQueries()
{
    EXPECT_ERROR(report(m_manager, QStringLiteral("from=2026-13-01")), 400, "malformed");
    EXPECT_ERROR(report(m_manager, QStringLiteral("to=yesterday")), 400, "malformed");
    EXPECT_ERROR(report(m_manager, QStringLiteral("from=2026-02-01&to=2026-01-01")), 400, "malformed");
    EXPECT_ERROR(report(m_manager, QStringLiteral("format=xml")), 400, "malformed");
    EXPECT_ERROR(send("POST", QStringLiteral("/v1/reports"), m_manager, "{}"), 405, "method_not_allowed");
    EXPECT_ERROR(send("GET", QStringLiteral("/v1/session"), m_manager), 405, "method_not_allowed");
    // Like every /v1/ request, the protocol header is required.
    QNetworkRequest req(QUrl(m_server->url() + QStringLiteral("/v1/reports")));
    req.setSslConfiguration(m_tls);
    req.setRawHeader("Authorization", "Bearer " + m_manager);
    const Answer a = exchange(m_nam, req, "GET", {});
    QCOMPARE(a.status, 400);
    QCOMPARE(a.code(), QStringLiteral("unsupported_protocol"));
}

void TestE2eReports::signInThrottleIsSharedWithEnrolment()
{
    // Five failed enrolments and five failed sign-ins: ten for the user, then 429 even with the
    // right password, on either door.
    for (int i = 0; i < 5; ++i) {
        EXPECT_ERROR(send("POST", QStringLiteral("/v1/enrol"), {},
                          R"({"user":"victim","password":"guess","device":"guessdevice1"})"),
                     401, "bad_credentials");
        EXPECT_ERROR(send("POST", QStringLiteral("/v1/session"), {}, R"({"user":"victim","password":"guess"})"), 401,
                     "bad_credentials");
    }
    EXPECT_ERROR(
        send("POST", QStringLiteral("/v1/session"), {}, R"({"user":"victim","password":"a-long-enough-password"})"),
        429, "too_many_attempts");
    EXPECT_ERROR(send("POST", QStringLiteral("/v1/enrol"), {},
                      R"({"user":"victim","password":"a-long-enough-password","device":"guessdevice2"})"),
                 429, "too_many_attempts");
    // Another user is not affected.
    QVERIFY(!signIn(QStringLiteral("mgr2"), "a-long-enough-password").isEmpty());
}

void TestE2eReports::expiredSessionIsRefused()
{
    // Expiry is 8 hours away in real time, so plant an expired session in the store the server
    // process uses, then present its token over HTTPS.
    auto store = server::ServerStore::open({}, m_tmp->filePath(QStringLiteral("server")));
    QVERIFY(store);
    const QByteArray token = "an-expired-session-token-planted-by-the-test";
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QVERIFY(store.value()
                ->addSession({server::SyncService::hashToken(token), QStringLiteral("manager"), now.addSecs(-9 * 3600),
                              now.addSecs(-3600)})
                .ok());
    EXPECT_ERROR(report(token, QString()), 401, "unauthenticated");
    const QByteArray live = "a-live-session-token-planted-by-the-test";
    QVERIFY(store.value()
                ->addSession({server::SyncService::hashToken(live), QStringLiteral("manager"), now, now.addSecs(600)})
                .ok());
    QCOMPARE(report(live, QString()).status, 200);
    // Adding a session dropped the expired one from the table.
    auto gone = store.value()->sessionByTokenHash(server::SyncService::hashToken(token));
    QVERIFY(gone);
    QVERIFY(!gone.value());
}

void TestE2eReports::commandLineErrors()
{
    const QStringList base{QStringLiteral("report")};
    auto run = [&](const QStringList &args) { return m_server->admin(base + args); };
    QCOMPARE(run({}), 2);                                                  // no --format
    QCOMPARE(run({QStringLiteral("--format"), QStringLiteral("xml")}), 2); // unknown format
    QCOMPARE(
        run({QStringLiteral("--format"), QStringLiteral("json"), QStringLiteral("--from"), QStringLiteral("1/2/2026")}),
        2);
    QCOMPARE(run({QStringLiteral("--format"), QStringLiteral("json"), QStringLiteral("--from"),
                  QStringLiteral("2026-02-01"), QStringLiteral("--to"), QStringLiteral("2026-01-01")}),
             2);
    QCOMPARE(
        run({QStringLiteral("--format"), QStringLiteral("json"), QStringLiteral("--team"), QStringLiteral("nowhere")}),
        2);
    QCOMPARE(run({QStringLiteral("--format"), QStringLiteral("json"), QStringLiteral("--bogus")}), 2);
    QCOMPARE(run({QStringLiteral("--format"), QStringLiteral("json"), QStringLiteral("extra")}), 2);
    // A folder with no store: not found, and nothing is created there.
    QProcess p;
    const QString empty = m_tmp->filePath(QStringLiteral("empty"));
    p.start(ServerProcess::binary(),
            {QStringLiteral("report"), QStringLiteral("--data"), empty, QStringLiteral("--format"),
             QStringLiteral("json")});
    QVERIFY(p.waitForFinished(60000));
    QCOMPARE(p.exitCode(), 6);
    QVERIFY(!QFile::exists(empty + QStringLiteral("/server.db")));
    QVERIFY(p.readAllStandardError().contains("No server store"));
}

QTEST_GUILESS_MAIN(TestE2eReports)
#include "tst_e2e_reports.moc"
