#include "servercli.h"

#include "dashboardroutes.h"
#include "demodata.h"
#include "httpfrontend.h"
#include "identifiers.h"
#include "referencedata.h"
#include "reportcli.h"
#include "reportsendpoint.h"
#include "serverstore.h"
#include "store.h"
#include "syncservice.h"
#include "tlsidentity.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSocketNotifier>
#include <QTemporaryDir>
#include <QThreadPool>
#include <QTimer>
#include <QTextStream>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

namespace hearth::server {

namespace {

const char *const kUsage = R"(Commands:
  serve --data DIR [--listen HOST:PORT] [--db URL] [--cert F --key F] [--threads N] [--idle-timeout S]
        [--max-connections N]
        run the server (TLS). Without --cert/--key a self-signed certificate is made in DIR and its
        public-key pin printed. Without --db the embedded SQLite store in DIR is used. A connection
        that makes no progress for S seconds (default 60) is closed: a request stalled part way, a
        reply not read, or a kept-alive connection left idle. At N open connections (default: as
        many as the file descriptor limit allows, at most 10,000) new ones wait until one closes.
        [--web DIR] serves the team dashboard from DIR at /dashboard/ (default: the built-in one).
  user add ID --role R [--name N] [--team T] [--caseloads a,b]   password from HEARTH_USER_PASSWORD or --password-file
  user list | user disable ID | user enable ID | user caseloads ID a,b
  device revoke ID
  demo --data DIR        a demo team (users lw1, lw2, housing1, manager) and caseload
  report --data DIR [--db URL] [--from DATE] [--to DATE] [--team T] [--assets DIR] --format json|csv
        the evaluation report (sync/server/reports/REPORTS.md); `serve --assets DIR` picks the
        reference data /v1/reports uses.
Roles: link_worker, housing, manager, admin.
Exit codes: 0 ok, 2 usage, 3 validation, 6 not found, 8 I/O, 10 unsupported.)";

int fail(const Error &e)
{
    QTextStream(stderr) << "hearth-server: " << e.toString() << Qt::endl;
    return int(e.code);
}

int usage(const QString &m)
{
    return fail(makeError(ErrorCode::Usage, m + QStringLiteral("\nRun hearth-server --help for usage.")));
}

void printJson(const QJsonObject &o)
{
    QTextStream(stdout) << QJsonDocument(o).toJson(QJsonDocument::Compact) << Qt::endl;
}

// Structured log lines on stderr; the service itself never logs personal data.
void messageHandler(QtMsgType type, const QMessageLogContext &, const QString &msg)
{
    static const char *const levels[] = {"debug", "warning", "critical", "fatal", "info"};
    const QJsonObject fields = QJsonDocument::fromJson(msg.toUtf8()).object();
    QJsonObject o = fields.isEmpty() ? QJsonObject{{QStringLiteral("message"), msg}} : fields;
    o.insert(QStringLiteral("t"), QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs));
    o.insert(QStringLiteral("level"), QLatin1String(levels[type]));
    fprintf(stderr, "%s\n", QJsonDocument(o).toJson(QJsonDocument::Compact).constData());
}

int g_signalPipe[2] = {-1, -1};
void onSignal(int)
{
    const char c = 1;
    (void)!write(g_signalPipe[1], &c, 1);
}

QString serverId(const QString &dataDir)
{
    QFile f(QDir(dataDir).filePath(QStringLiteral("server-id")));
    if (f.open(QIODevice::ReadOnly))
        return QString::fromLatin1(f.readAll().trimmed());
    const QString id = ids::newUuid();
    if (f.open(QIODevice::WriteOnly))
        f.write(id.toLatin1());
    return id;
}

Result<QByteArray> readPassword(const QString &file)
{
    if (!file.isEmpty()) {
        QFile f(file);
        if (!f.open(QIODevice::ReadOnly))
            return makeError(ErrorCode::Usage, QStringLiteral("Cannot read %1").arg(file));
        return f.readAll().trimmed();
    }
    const QByteArray env = qgetenv("HEARTH_USER_PASSWORD");
    if (env.isEmpty())
        return makeError(ErrorCode::Usage,
                         QStringLiteral("Give the password in HEARTH_USER_PASSWORD or --password-file"));
    return env;
}

// The most connections this process can hold open: its file descriptor limit (raised to the hard
// limit first) less a reserve for the store, logs and TLS, and no more than 10,000.
int connectionCapacity()
{
    rlimit fds{};
    if (getrlimit(RLIMIT_NOFILE, &fds) != 0)
        return 1000;
    if (fds.rlim_cur < fds.rlim_max) {
        rlimit raised = fds;
        raised.rlim_cur = std::min<rlim_t>(fds.rlim_max, 65536);
        if (setrlimit(RLIMIT_NOFILE, &raised) == 0)
            fds = raised;
    }
    if (fds.rlim_cur == RLIM_INFINITY)
        return 10000;
    return int(std::clamp<rlim_t>(fds.rlim_cur > 128 ? fds.rlim_cur - 128 : 16, 16, 10000));
}

int serve(ServerStore &store, const QString &dataDir, const QString &listen, const QString &cert, const QString &key,
          int threads, int idleTimeoutMs, int maxConnections)
{
    QHostAddress address(QHostAddress::LocalHost);
    quint16 port = 8443;
    if (!listen.isEmpty()) {
        const int colon = int(listen.lastIndexOf(QLatin1Char(':')));
        bool ok = false;
        port = quint16(listen.mid(colon + 1).toUInt(&ok));
        if (colon < 1 || !ok
            || !address.setAddress(listen.left(colon).remove(QLatin1Char('[')).remove(QLatin1Char(']'))))
            return usage(QStringLiteral("--listen takes HOST:PORT, e.g. 127.0.0.1:8443 (port 0: any free port)"));
    }
    auto identity = cert.isEmpty() ? selfSignedIdentity(dataDir) : loadTlsIdentity(cert, key);
    if (!identity)
        return fail(identity.error());
    SyncService service(store, serverId(dataDir));
    HttpFrontEnd front(service, threads);
    front.setIdleTimeout(idleTimeoutMs);
    front.setMaxConnections(maxConnections);
    auto bound = front.listen(address, port, identity.value());
    if (!bound)
        return fail(bound.error());

    // Graceful shutdown on SIGTERM/SIGINT: stop accepting, let in-flight commits finish.
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, g_signalPipe) == 0) {
        auto *notifier = new QSocketNotifier(g_signalPipe[0], QSocketNotifier::Read, &front);
        QObject::connect(notifier, &QSocketNotifier::activated, [&] {
            char c;
            (void)!read(g_signalPipe[0], &c, 1);
            qCInfo(lcServer).noquote() << R"({"event":"shutting_down"})";
            front.shutdown(30000); // returns once the replies of the commits it waited for are out
            qCInfo(lcServer).noquote() << R"({"event":"stopped"})";
            QCoreApplication::quit();
        });
        signal(SIGTERM, onSignal);
        signal(SIGINT, onSignal);
    }
    // The report cache follows the service in the background (reportsendpoint.h), one pass at a
    // time; the pass under way is waited for before the store goes.
    QThreadPool reportsPool;
    reportsPool.setMaxThreadCount(1);
    std::atomic<bool> refreshing{false};
    auto keepReports = [&] {
        if (refreshing.exchange(true))
            return;
        reportsPool.start([&] {
            if (auto st = reports::keepReportsCurrent(store); !st)
                qCWarning(lcServer) << "report cache:" << st.error().toString();
            refreshing = false;
        });
    };
    QTimer reportsTimer;
    QObject::connect(&reportsTimer, &QTimer::timeout, keepReports);
    reportsTimer.start(30000);
    keepReports();
    const QString host = address.protocol() == QAbstractSocket::IPv6Protocol
        ? QLatin1Char('[') + address.toString() + QLatin1Char(']')
        : address.toString();
    printJson(QJsonObject{{QStringLiteral("event"), QStringLiteral("listening")},
                          {QStringLiteral("url"), QStringLiteral("https://%1:%2").arg(host).arg(bound.value())},
                          {QStringLiteral("pin"), identity.value().pin},
                          {QStringLiteral("store"), store.kind()}});
    const int rc = QCoreApplication::exec();
    reportsTimer.stop();
    reportsPool.waitForDone();
    return rc;
}

int demo(ServerStore &store, const QString &assetsDir)
{
    struct DemoUser {
        const char *id, *name, *role, *caseload;
        int people;
    };
    const DemoUser users[] = {{"lw1", "Link worker one", "link_worker", "north-east", 40},
                              {"lw2", "Link worker two", "link_worker", "south", 30},
                              {"housing1", "Housing officer", "housing", "north-east", 0},
                              {"manager", "Team manager", "manager", "", 0}};
    auto reference = ReferenceData::loadDefault(assetsDir);
    if (!reference)
        return fail(reference.error());
    QJsonArray created;
    for (const DemoUser &u : users) {
        auto existing = store.user(QLatin1String(u.id));
        if (!existing)
            return fail(existing.error());
        if (existing.value())
            continue;
        const QByteArray password = "demo-" + QByteArray(u.id);
        auto hash = SyncService::hashPassword(password);
        if (!hash)
            return fail(hash.error());
        User user{QLatin1String(u.id),
                  QLatin1String(u.name),
                  QLatin1String(u.role),
                  QStringLiteral("glasgow"),
                  *u.caseload ? QStringList{QLatin1String(u.caseload)} : QStringList{},
                  false,
                  hash.value()};
        if (auto st = store.addUser(user); !st)
            return fail(st.error());
        created.append(QJsonObject{{QStringLiteral("user"), user.id},
                                   {QStringLiteral("password"), QString::fromLatin1(password)},
                                   {QStringLiteral("role"), user.role},
                                   {QStringLiteral("caseloads"), QJsonArray::fromStringList(user.caseloads)}});
        if (u.people == 0)
            continue;
        // The demo caseload is written by a throwaway device of that worker, as real ones are.
        QTemporaryDir tmp;
        StoreOptions o;
        o.encrypted = false;
        o.reference = &reference.value();
        auto device = Store::create(tmp.filePath(QStringLiteral("d")), {}, o);
        if (!device)
            return fail(device.error());
        demo::Options d;
        d.people = u.people;
        d.seed = u.people == 40 ? 42u : 7u;
        d.today = QDate::currentDate();
        d.linkWorker = QLatin1String(u.id);
        d.caseload = QLatin1String(u.caseload);
        if (auto n = demo::populate(*device.value(), d, reference.value()); !n)
            return fail(n.error());
        QList<Write> writes;
        if (auto st = device.value()->forEachWrite([&](const Write &w, bool) { writes << w; }); !st)
            return fail(st.error());
        if (auto n = store.append(writes); !n)
            return fail(n.error());
    }
    printJson(QJsonObject{{QStringLiteral("demo_users"), created}});
    return 0;
}

} // namespace

int runCli(const QStringList &arguments)
{
    // The evaluation report parses its own options (reports/reportcli.cpp).
    if (arguments.size() > 1 && arguments.at(1) == QLatin1String("report"))
        return reports::runReportCli(arguments);
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("Hearth sync server.\n\n") + QString::fromLatin1(kUsage));
    p.addHelpOption();
    p.addPositionalArgument(QStringLiteral("command"), QStringLiteral("serve | user | device | demo"));
    const QCommandLineOption dataOpt(QStringLiteral("data"), QStringLiteral("Data folder"), QStringLiteral("DIR"));
    const QCommandLineOption listenOpt(QStringLiteral("listen"), QStringLiteral("HOST:PORT"), QStringLiteral("ADDR"));
    const QCommandLineOption dbOpt(QStringLiteral("db"), QStringLiteral("postgresql://... (default: SQLite in DIR)"),
                                   QStringLiteral("URL"));
    const QCommandLineOption certOpt(QStringLiteral("cert"), QStringLiteral("TLS certificate (PEM)"),
                                     QStringLiteral("F"));
    const QCommandLineOption keyOpt(QStringLiteral("key"), QStringLiteral("TLS private key (PEM)"),
                                    QStringLiteral("F"));
    const QCommandLineOption threadsOpt(QStringLiteral("threads"), QStringLiteral("Worker threads (default 8)"),
                                        QStringLiteral("N"));
    const QCommandLineOption idleOpt(QStringLiteral("idle-timeout"),
                                     QStringLiteral("serve: close connections stalled or idle this long (default 60)"),
                                     QStringLiteral("S"));
    const QCommandLineOption maxConnectionsOpt(
        QStringLiteral("max-connections"),
        QStringLiteral("serve: connections open at once (default: what the file descriptor limit allows)"),
        QStringLiteral("N"));
    const QCommandLineOption roleOpt(QStringLiteral("role"), QStringLiteral("user add: role"), QStringLiteral("R"));
    const QCommandLineOption nameOpt(QStringLiteral("name"), QStringLiteral("user add: display name"),
                                     QStringLiteral("N"));
    const QCommandLineOption teamOpt(QStringLiteral("team"), QStringLiteral("user add: team"), QStringLiteral("T"));
    const QCommandLineOption caseloadsOpt(QStringLiteral("caseloads"), QStringLiteral("user add: a,b"),
                                          QStringLiteral("LIST"));
    const QCommandLineOption passwordFileOpt(QStringLiteral("password-file"), QStringLiteral("user add: password file"),
                                             QStringLiteral("F"));
    const QCommandLineOption assetsOpt(QStringLiteral("assets"), QStringLiteral("Reference data folder"),
                                       QStringLiteral("DIR"));
    const QCommandLineOption webOpt(QStringLiteral("web"), QStringLiteral("serve: dashboard folder"),
                                    QStringLiteral("DIR"));
    for (const auto &o : {dataOpt, listenOpt, dbOpt, certOpt, keyOpt, threadsOpt, roleOpt, nameOpt, teamOpt,
                          caseloadsOpt, passwordFileOpt, assetsOpt, webOpt, idleOpt, maxConnectionsOpt})
        p.addOption(o);
    if (!p.parse(arguments))
        return usage(p.errorText());
    if (p.isSet(QStringLiteral("help"))) {
        QTextStream(stdout) << p.helpText() << Qt::flush;
        return 0;
    }
    const QStringList args = p.positionalArguments();
    if (args.isEmpty())
        return usage(QStringLiteral("No command given"));
    if (!p.isSet(dataOpt))
        return usage(QStringLiteral("--data DIR is required"));
    const QString dataDir = p.value(dataOpt);
    if (!QDir().mkpath(dataDir))
        return fail(makeError(ErrorCode::Io, QStringLiteral("Cannot create %1").arg(dataDir)));
    qInstallMessageHandler(messageHandler);
    auto store = ServerStore::open(p.value(dbOpt), dataDir);
    if (!store)
        return fail(store.error());
    const QString cmd = args.first();
    auto at = [&](int i) { return i < args.size() ? args.at(i) : QString(); };

    if (cmd == QLatin1String("serve")) {
        if (p.isSet(certOpt) != p.isSet(keyOpt))
            return usage(QStringLiteral("--cert and --key go together"));
        const int threads = p.isSet(threadsOpt) ? p.value(threadsOpt).toInt() : 8;
        if (threads < 1 || threads > 256)
            return usage(QStringLiteral("--threads takes 1 to 256"));
        bool idleOk = true;
        const double idleSeconds = p.isSet(idleOpt) ? p.value(idleOpt).toDouble(&idleOk) : 60.0;
        if (!idleOk || idleSeconds < 0.1 || idleSeconds > 86400)
            return usage(QStringLiteral("--idle-timeout takes seconds, 0.1 to 86400"));
        const int capacity = connectionCapacity();
        bool maxOk = true;
        const int maxConnections = p.isSet(maxConnectionsOpt) ? p.value(maxConnectionsOpt).toInt(&maxOk) : capacity;
        if (!maxOk || maxConnections < 1 || maxConnections > capacity)
            return usage(QStringLiteral("--max-connections takes 1 to %1 (the file descriptor limit allows no more)")
                             .arg(capacity));
        if (p.isSet(webOpt))
            setDashboardRoot(p.value(webOpt));
        if (p.isSet(assetsOpt))
            reports::setAssetsDir(p.value(assetsOpt));
        reports::setSnapshotFile(reports::snapshotFileIn(dataDir));
        return serve(*store.value(), dataDir, p.value(listenOpt), p.value(certOpt), p.value(keyOpt), threads,
                     int(idleSeconds * 1000), maxConnections);
    }
    if (cmd == QLatin1String("demo")) {
        const QString assets = p.isSet(assetsOpt) ? p.value(assetsOpt) : QStringLiteral(HEARTH_SOURCE_ASSETS_DIR);
        return demo(*store.value(), assets);
    }
    if (cmd == QLatin1String("user")) {
        const QString sub = at(1);
        if (sub == QLatin1String("list")) {
            auto users = store.value()->users();
            if (!users)
                return fail(users.error());
            for (const User &u : users.value())
                printJson(QJsonObject{{QStringLiteral("user"), u.id},
                                      {QStringLiteral("name"), u.displayName},
                                      {QStringLiteral("role"), u.role},
                                      {QStringLiteral("team"), u.team},
                                      {QStringLiteral("caseloads"), QJsonArray::fromStringList(u.caseloads)},
                                      {QStringLiteral("disabled"), u.disabled}});
            return 0;
        }
        if (at(2).isEmpty())
            return usage(QStringLiteral("user %1 needs a user id").arg(sub));
        if (sub == QLatin1String("add")) {
            static const QStringList roles = {QStringLiteral("link_worker"), QStringLiteral("housing"),
                                              QStringLiteral("manager"), QStringLiteral("admin")};
            if (!roles.contains(p.value(roleOpt)))
                return usage(QStringLiteral("--role takes one of: %1").arg(roles.join(QStringLiteral(", "))));
            if (!QRegularExpression(QStringLiteral("^[a-z0-9][a-z0-9._-]{1,63}$")).match(at(2)).hasMatch())
                return usage(QStringLiteral("A user id is 2-64 lower-case letters, digits, '.', '_' or '-'"));
            auto password = readPassword(p.value(passwordFileOpt));
            if (!password)
                return fail(password.error());
            if (password.value().size() < 10)
                return usage(QStringLiteral("A password needs at least 10 characters"));
            auto hash = SyncService::hashPassword(password.value());
            if (!hash)
                return fail(hash.error());
            User u{at(2),
                   p.value(nameOpt),
                   p.value(roleOpt),
                   p.value(teamOpt),
                   p.value(caseloadsOpt).split(QLatin1Char(','), Qt::SkipEmptyParts),
                   false,
                   hash.value()};
            auto st = store.value()->addUser(u);
            return st ? 0 : fail(st.error());
        }
        auto u = store.value()->user(at(2));
        if (!u)
            return fail(u.error());
        if (!u.value())
            return fail(makeError(ErrorCode::NotFound, QStringLiteral("No user %1").arg(at(2))));
        User user = *u.value();
        if (sub == QLatin1String("disable") || sub == QLatin1String("enable"))
            user.disabled = sub == QLatin1String("disable");
        else if (sub == QLatin1String("caseloads"))
            user.caseloads = at(3).split(QLatin1Char(','), Qt::SkipEmptyParts);
        else
            return usage(QStringLiteral("Unknown user command '%1'").arg(sub));
        auto st = store.value()->updateUser(user);
        return st ? 0 : fail(st.error());
    }
    if (cmd == QLatin1String("device") && at(1) == QLatin1String("revoke") && !at(2).isEmpty()) {
        auto st = store.value()->revokeDevice(at(2));
        return st ? 0 : fail(st.error());
    }
    return usage(QStringLiteral("Unknown command '%1'").arg(cmd));
}

} // namespace hearth::server
