// Server under load: N simulated devices enrol, then all push and pull at once against one real
// hearth-server process (SQLite by default, PostgreSQL with --db URL) over loopback TLS.
//   bench_load [--devices 200] [--people 5] [--contacts 8] [--db postgresql://...] [--threads 8]
// --db names a database the role may create tables in (on PostgreSQL 15 not `postgres`, whose public
// schema refuses CREATE to other roles): e.g. `createdb hearth_load` first.
// Prints JSON: throughput, p50/p99 latency per request kind, errors (expected: zero).
#include "crypto.h"
#include "hlc.h"
#include "identifiers.h"
#include "protocol.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QSslConfiguration>
#include <QTemporaryDir>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <vector>

using namespace hearth;

namespace {

struct Device {
    QString id;
    QByteArray token;
    QList<Write> writes;
    qint64 cursor = 0;
    std::unique_ptr<QNetworkAccessManager> nam; // own connection pool: devices are separate phones
};

QList<double> g_push, g_pull;
int g_errors = 0;
QStringList g_errorSamples;

QNetworkRequest request(const QUrl &base, const QString &path, const QByteArray &token, const QByteArray &type)
{
    QUrl u = base;
    u.setPath(path);
    QNetworkRequest r(u);
    r.setHeader(QNetworkRequest::ContentTypeHeader, type);
    r.setRawHeader(sync::ProtocolHeader, "1");
    if (!token.isEmpty())
        r.setRawHeader("Authorization", "Bearer " + token);
    r.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    r.setTransferTimeout(120000);
    return r;
}

QNetworkReply *send(QNetworkAccessManager &nam, const QNetworkRequest &r, const QByteArray &body)
{
    QNetworkReply *reply = nam.post(r, body);
    // The bench server's certificate is self-signed; the product checks the pin, the bench only loads.
    QObject::connect(reply, &QNetworkReply::sslErrors, reply,
                     [reply](const QList<QSslError> &e) { reply->ignoreSslErrors(e); });
    return reply;
}

QList<Write> makeWrites(const QString &device, const QString &caseload, int people, int contacts)
{
    QList<Write> out;
    qint64 seq = 0;
    HlcClock clock(device);
    for (int p = 0; p < people; ++p) {
        const QString person = ids::newUuid();
        Write w;
        w.device = device;
        w.seq = ++seq;
        w.hlc = clock.tick(1763900000000 + seq).toString();
        w.recordId = person;
        w.personId = person;
        w.type = QStringLiteral("person");
        w.values = QJsonObject{{QStringLiteral("given_name"), QStringLiteral("Load")},
                               {QStringLiteral("family_name"), QStringLiteral("Test %1").arg(p)},
                               {QStringLiteral("date_of_birth"), QStringLiteral("1950-01-01")},
                               {QStringLiteral("caseload"), caseload}};
        out << w;
        for (int c = 0; c < contacts; ++c) {
            Write x;
            x.device = device;
            x.seq = ++seq;
            x.hlc = clock.tick(1763900000000 + seq).toString();
            x.recordId = ids::newUuid();
            x.personId = person;
            x.type = QStringLiteral("contact");
            x.values = QJsonObject{{QStringLiteral("person_id"), person},
                                   {QStringLiteral("date"), QStringLiteral("2025-01-01")},
                                   {QStringLiteral("method"), QStringLiteral("phone")},
                                   {QStringLiteral("outcome"), QStringLiteral("no_answer")}};
            out << x;
        }
    }
    return out;
}

double percentile(QList<double> v, double p)
{
    if (v.isEmpty())
        return 0;
    std::sort(v.begin(), v.end());
    return v[qMin(v.size() - 1, qsizetype(p * double(v.size())))];
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    auto opt = [&](const char *name, const QString &def) {
        const int i = int(args.indexOf(QLatin1String(name)));
        return i >= 0 && i + 1 < args.size() ? args[i + 1] : def;
    };
    const int devices = opt("--devices", QStringLiteral("200")).toInt();
    const int people = opt("--people", QStringLiteral("5")).toInt();
    const int contacts = opt("--contacts", QStringLiteral("8")).toInt();
    const QString db = opt("--db", QString());
    const QString threads = opt("--threads", QStringLiteral("8"));

    QTemporaryDir tmp;
    const QString data = tmp.filePath(QStringLiteral("server"));
    QStringList base{QStringLiteral("--data"), data};
    if (!db.isEmpty())
        base << QStringLiteral("--db") << db;
    // Devices are spread over users with a caseload each (ten devices a user), as a health
    // board's link workers would be: each device pulls its own caseload, not everyone's.
    const int users = qMax(1, devices / 10);
    for (int u = 0; u < users; ++u) {
        QProcess add;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("HEARTH_USER_PASSWORD"), QStringLiteral("load test password"));
        add.setProcessEnvironment(env);
        add.start(QStringLiteral(HEARTH_SERVER_PATH),
                  QStringList{QStringLiteral("user"), QStringLiteral("add"), QStringLiteral("loader%1").arg(u),
                              QStringLiteral("--role"), QStringLiteral("link_worker"), QStringLiteral("--caseloads"),
                              QStringLiteral("load%1").arg(u)}
                      + base);
        add.waitForFinished(60000);
        if (add.exitCode() != 0) {
            fprintf(stderr, "bench_load: user add failed: %s\n", add.readAllStandardError().constData());
            return 1;
        }
    }
    QProcess server;
    server.start(QStringLiteral(HEARTH_SERVER_PATH),
                 QStringList{QStringLiteral("serve"), QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                             QStringLiteral("--threads"), threads}
                     + base);
    server.waitForReadyRead(30000);
    const QJsonObject listening = QJsonDocument::fromJson(server.readLine()).object();
    const QUrl url(listening.value(QStringLiteral("url")).toString());
    if (!url.isValid()) {
        fprintf(stderr, "bench_load: the server did not start\n");
        return 1;
    }

    // Enrol every device (scrypt on the server: this part is not timed as load).
    std::vector<Device> devs(static_cast<size_t>(devices));
    QElapsedTimer t;
    t.start();
    int pending = devices;
    for (int i = 0; i < devices; ++i) {
        Device &d = devs[size_t(i)];
        d.id = QString::fromLatin1(crypto::randomBytes(8).toHex());
        d.nam = std::make_unique<QNetworkAccessManager>();
        d.writes = makeWrites(d.id, QStringLiteral("load%1").arg(i % users), people, contacts);
        const QByteArray body =
            QJsonDocument(QJsonObject{{QStringLiteral("user"), QStringLiteral("loader%1").arg(i % users)},
                                      {QStringLiteral("password"), QStringLiteral("load test password")},
                                      {QStringLiteral("device"), d.id}})
                .toJson(QJsonDocument::Compact);
        QNetworkReply *r = send(*d.nam, request(url, QStringLiteral("/v1/enrol"), {}, "application/json"), body);
        QObject::connect(r, &QNetworkReply::finished, [&, r, i] {
            r->deleteLater();
            devs[size_t(i)].token =
                QJsonDocument::fromJson(r->readAll()).object().value(QStringLiteral("token")).toString().toUtf8();
            if (devs[size_t(i)].token.isEmpty())
                ++g_errors;
            if (--pending == 0)
                app.quit();
        });
    }
    app.exec();
    const double enrolS = double(t.nsecsElapsed()) / 1e9;

    // Load: every device pushes its writes and then pulls until caught up, all at once.
    t.restart();
    pending = devices;
    qint64 writesPushed = 0, writesPulled = 0;
    std::function<void(int)> pull = [&](int i) {
        Device &d = devs[size_t(i)];
        sync::PullRequest req;
        req.cursor = d.cursor;
        req.limit = 5000;
        auto started = std::make_shared<QElapsedTimer>();
        started->start();
        QNetworkReply *r =
            send(*d.nam, request(url, QStringLiteral("/v1/pull"), d.token, sync::CborType), req.encode());
        QObject::connect(r, &QNetworkReply::finished, [&, r, i, started] {
            r->deleteLater();
            g_pull << double(started->nsecsElapsed()) / 1e6;
            const int status = r->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            auto resp = sync::PullResponse::decode(r->readAll());
            if (status != 200 || !resp) {
                ++g_errors;
                g_errorSamples << QStringLiteral("pull HTTP %1 %2").arg(status).arg(r->errorString());
            } else {
                writesPulled += resp.value().writes.size();
                devs[size_t(i)].cursor = resp.value().cursor;
                if (resp.value().more)
                    return pull(i);
            }
            if (--pending == 0)
                app.quit();
        });
    };
    for (int i = 0; i < devices; ++i) {
        Device &d = devs[size_t(i)];
        auto started = std::make_shared<QElapsedTimer>();
        started->start();
        QNetworkReply *r = send(*d.nam, request(url, QStringLiteral("/v1/push"), d.token, sync::CborType),
                                sync::PushRequest{d.writes}.encode());
        QObject::connect(r, &QNetworkReply::finished, [&, r, i, started] {
            r->deleteLater();
            g_push << double(started->nsecsElapsed()) / 1e6;
            const int status = r->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            auto resp = sync::PushResponse::decode(r->readAll());
            if (status != 200 || !resp || !resp.value().rejected.isEmpty()) {
                ++g_errors;
                g_errorSamples << QStringLiteral("push HTTP %1 %2").arg(status).arg(r->errorString());
            } else {
                writesPushed += resp.value().acked.size();
            }
            pull(i);
        });
    }
    app.exec();
    const double loadS = double(t.nsecsElapsed()) / 1e9;
    server.terminate();
    server.waitForFinished(30000);

    const QJsonObject out{
        {QStringLiteral("bench"), QStringLiteral("load")},
        {QStringLiteral("store"), db.isEmpty() ? QStringLiteral("sqlite") : QStringLiteral("postgresql")},
        {QStringLiteral("devices"), devices},
        {QStringLiteral("users"), users},
        {QStringLiteral("server_threads"), threads.toInt()},
        {QStringLiteral("enrol_s"), enrolS},
        {QStringLiteral("load_s"), loadS},
        {QStringLiteral("writes_pushed"), double(writesPushed)},
        {QStringLiteral("writes_pulled"), double(writesPulled)},
        {QStringLiteral("requests"), int(g_push.size() + g_pull.size())},
        {QStringLiteral("requests_per_s"), double(g_push.size() + g_pull.size()) / loadS},
        {QStringLiteral("writes_per_s"), double(writesPushed + writesPulled) / loadS},
        {QStringLiteral("push_ms"),
         QJsonObject{{QStringLiteral("p50"), percentile(g_push, 0.5)},
                     {QStringLiteral("p99"), percentile(g_push, 0.99)}}},
        {QStringLiteral("pull_ms"),
         QJsonObject{{QStringLiteral("p50"), percentile(g_pull, 0.5)},
                     {QStringLiteral("p99"), percentile(g_pull, 0.99)}}},
        {QStringLiteral("errors"), g_errors},
        {QStringLiteral("error_samples"), QJsonArray::fromStringList(g_errorSamples.mid(0, 5))},
    };
    fputs(QJsonDocument(out).toJson(QJsonDocument::Indented).constData(), stdout);
    return g_errors == 0 ? 0 : 1;
}
