#include "serverprocess.h"
#include "testsupport.h"

#include <QJsonDocument>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QUrl>

using namespace hearth;
using test::ctl;

// Two hearth-server processes on one PostgreSQL database serve devices together: devices
// alternate between them, sync at the same time, and still converge with nothing lost.
class TestE2ePostgres : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void twoServersOneDatabase();

private:
    QString m_adminUrl;
    QString m_dbUrl;
    QString m_dbName;
};

namespace {

bool psql(const QString &url, const QString &sql)
{
    QProcess p;
    p.start(QStringLiteral("psql"),
            {url, QStringLiteral("-v"), QStringLiteral("ON_ERROR_STOP=1"), QStringLiteral("-q"), QStringLiteral("-c"),
             sql});
    return p.waitForFinished(60000) && p.exitCode() == 0;
}

QJsonObject syncVia(const QString &store, const test::ServerProcess &server)
{
    const auto r = ctl(
        store,
        {QStringLiteral("repoint"), QStringLiteral("--server"), server.url(), QStringLiteral("--pin"), server.pin()});
    if (r.code != 0)
        return {};
    return QJsonDocument::fromJson(ctl(store, {QStringLiteral("sync")}).out).object();
}

} // namespace

void TestE2ePostgres::initTestCase()
{
    m_adminUrl = qEnvironmentVariable("HEARTH_TEST_PG_URL");
    if (m_adminUrl.isEmpty())
        QSKIP("HEARTH_TEST_PG_URL is not set (.ci/test sets it after starting PostgreSQL on loopback)");
    m_dbName = QStringLiteral("hearth_e2e_%1").arg(QRandomGenerator::global()->generate());
    QVERIFY(psql(m_adminUrl, QStringLiteral("CREATE DATABASE %1").arg(m_dbName)));
    QUrl u(m_adminUrl);
    u.setPath(QLatin1Char('/') + m_dbName);
    m_dbUrl = u.toString();
}

void TestE2ePostgres::cleanupTestCase()
{
    if (!m_dbName.isEmpty())
        psql(m_adminUrl, QStringLiteral("DROP DATABASE IF EXISTS %1 WITH (FORCE)").arg(m_dbName));
}

void TestE2ePostgres::twoServersOneDatabase()
{
    QTemporaryDir tmp;
    test::ServerProcess one(tmp.filePath(QStringLiteral("server1")), m_dbUrl);
    test::ServerProcess two(tmp.filePath(QStringLiteral("server2")), m_dbUrl);
    const QByteArray password = "e2e password 1";
    for (const char *u : {"alice", "bob"})
        QCOMPARE(one.admin({QStringLiteral("user"), QStringLiteral("add"), QLatin1String(u), QStringLiteral("--role"),
                            QStringLiteral("link_worker"), QStringLiteral("--team"), QStringLiteral("t"),
                            QStringLiteral("--caseloads"), QStringLiteral("shared")},
                           password),
                 0);
    QVERIFY(one.start());
    QVERIFY(two.start());
    QFile pw(tmp.filePath(QStringLiteral("pw")));
    QVERIFY(pw.open(QIODevice::WriteOnly));
    pw.write(password);
    pw.close();

    const QString a = tmp.filePath(QStringLiteral("a")), b = tmp.filePath(QStringLiteral("b"));
    for (const auto &[store, user, server] :
         {std::tuple{a, QStringLiteral("alice"), &one}, std::tuple{b, QStringLiteral("bob"), &two}}) {
        QCOMPARE(ctl(store, {QStringLiteral("init"), QStringLiteral("--kdf-n"), QStringLiteral("1024")}).code, 0);
        const auto r =
            ctl(store,
                {QStringLiteral("enrol"), QStringLiteral("--server"), server->url(), QStringLiteral("--user"), user,
                 QStringLiteral("--password-file"), pw.fileName(), QStringLiteral("--pin"), server->pin()});
        QVERIFY2(r.code == 0, r.err.constData());
    }
    // A shared person, then rounds of offline edits synced through alternating servers.
    const QString person =
        QString::fromUtf8(ctl(a,
                              {QStringLiteral("put"), QStringLiteral("person"), QStringLiteral("--json"),
                               QString::fromUtf8(QJsonDocument(test::person()).toJson(QJsonDocument::Compact))})
                              .out.trimmed());
    QVERIFY(ids::isUuid(person));
    QVERIFY(syncVia(a, one).value(QStringLiteral("ok")).toBool());
    QVERIFY(syncVia(b, two).value(QStringLiteral("ok")).toBool());
    int written = 1;
    for (int round = 0; round < 6; ++round) {
        for (const QString &store : {a, b}) {
            for (int i = 0; i < 5; ++i) {
                const auto r = ctl(
                    store,
                    {QStringLiteral("put"), QStringLiteral("contact"), QStringLiteral("--json"),
                     QStringLiteral(R"({"person_id":"%1","date":"2025-01-0%2","method":"phone","outcome":"no_answer"})")
                         .arg(person)
                         .arg(1 + i)});
                QCOMPARE(r.code, 0);
                ++written;
            }
            QCOMPARE(ctl(store,
                         {QStringLiteral("edit"), person, QStringLiteral("--json"),
                          QStringLiteral(R"({"phone":"07700 900%1"})")
                              .arg(round * 10 + (store == a ? 1 : 2), 3, 10, QLatin1Char('0'))})
                         .code,
                     0);
            ++written;
        }
        // Both devices sync at the same moment, each through a different server process.
        const test::ServerProcess &sa = round % 2 ? one : two, &sb = round % 2 ? two : one;
        QVERIFY(
            ctl(a, {QStringLiteral("repoint"), QStringLiteral("--server"), sa.url(), QStringLiteral("--pin"), sa.pin()})
                .code
            == 0);
        QVERIFY(
            ctl(b, {QStringLiteral("repoint"), QStringLiteral("--server"), sb.url(), QStringLiteral("--pin"), sb.pin()})
                .code
            == 0);
        QProcess pa, pb;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("HEARTH_PASSCODE"), QStringLiteral("correct horse"));
        pa.setProcessEnvironment(env);
        pb.setProcessEnvironment(env);
        pa.start(test::hearthctl(), {QStringLiteral("--store"), a, QStringLiteral("sync")});
        pb.start(test::hearthctl(), {QStringLiteral("--store"), b, QStringLiteral("sync")});
        QVERIFY(pa.waitForFinished(60000) && pb.waitForFinished(60000));
        QVERIFY2(pa.exitCode() == 0, pa.readAllStandardError().constData());
        QVERIFY2(pb.exitCode() == 0, pb.readAllStandardError().constData());
    }
    for (int i = 0; i < 2; ++i) {
        QVERIFY(syncVia(a, one).value(QStringLiteral("ok")).toBool());
        QVERIFY(syncVia(b, two).value(QStringLiteral("ok")).toBool());
    }
    const QByteArray ha = ctl(a, {QStringLiteral("hash")}).out, hb = ctl(b, {QStringLiteral("hash")}).out;
    QCOMPARE(ha, hb);
    // Nothing lost: each device's log holds every write either made.
    for (const QString &store : {a, b}) {
        const auto log = ctl(store, {QStringLiteral("log")}).out.trimmed().split('\n');
        QCOMPARE(int(log.size()), written);
    }
    // The same phone conflict picture on both, and a third device fresh from the other server agrees.
    const QString c = tmp.filePath(QStringLiteral("c"));
    QCOMPARE(ctl(c, {QStringLiteral("init"), QStringLiteral("--kdf-n"), QStringLiteral("1024")}).code, 0);
    QCOMPARE(ctl(c,
                 {QStringLiteral("enrol"), QStringLiteral("--server"), two.url(), QStringLiteral("--user"),
                  QStringLiteral("alice"), QStringLiteral("--password-file"), pw.fileName(), QStringLiteral("--pin"),
                  two.pin()})
                 .code,
             0);
    QVERIFY(
        QJsonDocument::fromJson(ctl(c, {QStringLiteral("sync")}).out).object().value(QStringLiteral("ok")).toBool());
    QCOMPARE(ctl(c, {QStringLiteral("hash")}).out, ha);
    QVERIFY(one.terminate());
    QVERIFY(two.terminate());
}

QTEST_GUILESS_MAIN(TestE2ePostgres)
#include "tst_e2e_postgres.moc"
