// Bad requests sent straight to a real hearth-server over loopback TLS (trusting only that server's
// own certificate): each gets its documented status and a JSON error body a person can read, none
// changes the server's data, and afterwards the server still serves real devices correctly.
#include "e2esupport.h"
#include "hlc.h"
#include "protocol.h"
#include "serverprocess.h"
#include "testsupport.h"

#include <QCborArray>
#include <QCborMap>
#include <QCborValue>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QTemporaryDir>

#include <memory>
#include <optional>

using namespace hearth;
using namespace hearth::test;

namespace {

struct Device {
    QString dir;
    QString id;

    [[nodiscard]] test::CtlResult run(const QStringList &args) const { return test::ctl(dir, args); }
    [[nodiscard]] QString hash() const { return QString::fromUtf8(run({QStringLiteral("hash")}).out.trimmed()); }
    [[nodiscard]] QSet<QString> people() const
    {
        QSet<QString> out;
        for (const QJsonObject &r : linesOf(run({QStringLiteral("list"), QStringLiteral("person")}).out))
            out.insert(r.value(QStringLiteral("id")).toString());
        return out;
    }
};

// What a request carries; the defaults are those of a well-behaved device.
struct Request {
    QByteArray method = "POST";
    QString path;
    QByteArray body;
    QByteArray contentType = sync::CborType;
    std::optional<QByteArray> protocol = QByteArray::number(sync::ProtocolVersion);
    std::optional<QByteArray> authorization; // the whole Authorization header
};

Write makeWrite(const QString &device, qint64 seq, const QString &record, const QString &person, const QString &type,
                const QJsonObject &values, qint64 wallMs)
{
    Write w;
    w.device = device;
    w.seq = seq;
    w.hlc = Hlc{wallMs, 0, device}.toString();
    w.recordId = record;
    w.personId = person;
    w.type = type;
    w.values = values;
    return w;
}

} // namespace

class TestE2eBadRequests : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void healthAnswers();
    void protocolHeader();
    void methodsAndPaths();
    void unknownPathsOutsideTheApi();
    void contentType();
    void tokens();
    void replayAfterRevocation();
    void malformedBodies_data();
    void malformedBodies();
    void bodyOverTheLimit();
    void declaredOversizeIsRefusedBeforeItIsRead();
    void tooManyWritesInOnePush();
    void writesClaimingAnotherDevice();
    void writesOutOfScopeAndUnknown();
    void writeReusingARecordOfAnotherPerson();
    void cutConnectionsAndGarbage();
    void enrolmentErrors();
    void enrolmentRateLimit();
    void serverStillServesAndDataUnchanged();
    void deletedPersonOfAnotherCaseloadStaysOutOfReach();

private:
    QByteArray password(const QString &user) const { return "pw-" + user.toUtf8() + "-long-enough"; }
    void addUser(const QString &user, const QString &caseloads);
    void newDevice(const QString &user, Device *out);
    void syncOk(const Device &d, QJsonObject *summary = nullptr);
    Answer send(const Request &r);
    Answer enrolRaw(const QString &user, const QByteArray &password, const QString &device);
    Answer push(const QList<Write> &writes, const QByteArray &token);
    Answer pull(qint64 cursor, const QByteArray &token);
    // Checks the shape every error shares: the status, JSON, the code, a message worth reading.
    void expectError(const Answer &a, int status, const QString &code);
    qint64 serverWrites();

    std::unique_ptr<QTemporaryDir> m_tmp;
    std::unique_ptr<test::ServerProcess> m_server;
    QSslConfiguration m_tls;
    QNetworkAccessManager m_nam;
    int m_devices = 0;
    Device m_lw1, m_lw2;
    QString m_p1, m_p2, m_contact2;
    QByteArray m_token; // a raw device of lw1, enrolled over HTTP
    QString m_rawId = QStringLiteral("rawdevice1");
    QString m_hashBefore;
    qint64 m_writesBefore = -1;
};

void TestE2eBadRequests::initTestCase()
{
    if (test::ServerProcess::binary().isEmpty())
        QSKIP("hearth-server is not built in this configuration (no Qt HTTP Server)");
    m_tmp = std::make_unique<QTemporaryDir>();
    QVERIFY(m_tmp->isValid());
    m_server = std::make_unique<test::ServerProcess>(m_tmp->filePath(QStringLiteral("server")));
    QVERIFY2(m_server->start(), m_server->logs().constData());

    // Trust exactly this server's self-signed certificate, nothing else.
    QFile certFile(m_tmp->filePath(QStringLiteral("server/tls-cert.pem")));
    QVERIFY(certFile.open(QIODevice::ReadOnly));
    const QList<QSslCertificate> certs = QSslCertificate::fromData(certFile.readAll(), QSsl::Pem);
    QCOMPARE(certs.size(), 1);
    m_tls = QSslConfiguration::defaultConfiguration();
    m_tls.setCaCertificates(certs);
    m_tls.setProtocol(QSsl::TlsV1_2OrLater);

    CHECKED(addUser(QStringLiteral("lw1"), QStringLiteral("c1")));
    CHECKED(addUser(QStringLiteral("lw2"), QStringLiteral("c2")));
    CHECKED(addUser(QStringLiteral("victim"), QStringLiteral("c1")));
    CHECKED(newDevice(QStringLiteral("lw1"), &m_lw1));
    CHECKED(newDevice(QStringLiteral("lw2"), &m_lw2));
    auto r = m_lw1.run({QStringLiteral("put"), QStringLiteral("person"), QStringLiteral("--json"),
                        compact(test::person(QStringLiteral("Ishbel")))});
    QCOMPARE(r.code, 0);
    m_p1 = QString::fromUtf8(r.out.trimmed());
    r = m_lw2.run({QStringLiteral("put"), QStringLiteral("person"), QStringLiteral("--json"),
                   compact(test::person(QStringLiteral("Jamie")))});
    QCOMPARE(r.code, 0);
    m_p2 = QString::fromUtf8(r.out.trimmed());
    r = m_lw2.run({QStringLiteral("put"), QStringLiteral("contact"), QStringLiteral("--json"),
                   compact({{QStringLiteral("person_id"), m_p2},
                            {QStringLiteral("date"), QStringLiteral("2025-11-01")},
                            {QStringLiteral("method"), QStringLiteral("phone")},
                            {QStringLiteral("outcome"), QStringLiteral("reached")}})});
    QCOMPARE(r.code, 0);
    m_contact2 = QString::fromUtf8(r.out.trimmed());
    for (int i = 0; i < 2; ++i) {
        CHECKED(syncOk(m_lw1));
        CHECKED(syncOk(m_lw2));
    }
    const Answer e = enrolRaw(QStringLiteral("lw1"), password(QStringLiteral("lw1")), m_rawId);
    QVERIFY2(e.status == 200, e.describe().constData());
    m_token = e.json().value(QStringLiteral("token")).toString().toLatin1();
    QVERIFY(m_token.size() >= 40);
    QCOMPARE(e.json().value(QStringLiteral("caseloads")).toArray(), QJsonArray{QStringLiteral("c1")});

    m_hashBefore = m_lw1.hash();
    m_writesBefore = serverWrites();
    QVERIFY(m_writesBefore >= 3);
}

void TestE2eBadRequests::cleanupTestCase()
{
    if (m_server)
        QVERIFY(m_server->terminate());
}

void TestE2eBadRequests::addUser(const QString &user, const QString &caseloads)
{
    QCOMPARE(m_server->admin({QStringLiteral("user"), QStringLiteral("add"), user, QStringLiteral("--role"),
                              QStringLiteral("link_worker"), QStringLiteral("--team"), QStringLiteral("t1"),
                              QStringLiteral("--caseloads"), caseloads},
                             password(user)),
             0);
    QFile f(m_tmp->filePath(QStringLiteral("pw-") + user));
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(password(user) + '\n');
}

void TestE2eBadRequests::newDevice(const QString &user, Device *out)
{
    out->dir = m_tmp->filePath(QStringLiteral("device%1").arg(++m_devices));
    auto r = test::ctl(out->dir, {QStringLiteral("init"), QStringLiteral("--kdf-n"), QStringLiteral("1024")});
    QVERIFY2(r.code == 0, r.err.constData());
    out->id = jsonOf(r.out).value(QStringLiteral("device")).toString();
    r = out->run({QStringLiteral("enrol"), QStringLiteral("--server"), m_server->url(), QStringLiteral("--user"), user,
                  QStringLiteral("--password-file"), m_tmp->filePath(QStringLiteral("pw-") + user),
                  QStringLiteral("--pin"), m_server->pin()});
    QVERIFY2(r.code == 0, r.err.constData());
}

void TestE2eBadRequests::syncOk(const Device &d, QJsonObject *summary)
{
    const auto r = d.run({QStringLiteral("sync")});
    QVERIFY2(r.code == 0, (r.out + r.err).constData());
    const QJsonObject s = jsonOf(r.out);
    QVERIFY2(s.value(QStringLiteral("ok")).toBool(), r.out.constData());
    if (summary)
        *summary = s;
}

Answer TestE2eBadRequests::send(const Request &r)
{
    QNetworkRequest req(QUrl(m_server->url() + r.path));
    req.setSslConfiguration(m_tls);
    req.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    if (!r.contentType.isEmpty())
        req.setHeader(QNetworkRequest::ContentTypeHeader, r.contentType);
    if (r.protocol)
        req.setRawHeader(sync::ProtocolHeader, *r.protocol);
    if (r.authorization)
        req.setRawHeader("Authorization", *r.authorization);
    else if (!m_token.isEmpty())
        req.setRawHeader("Authorization", "Bearer " + m_token);
    return exchange(m_nam, req, r.method, r.body);
}

Answer TestE2eBadRequests::enrolRaw(const QString &user, const QByteArray &pw, const QString &device)
{
    Request r;
    r.path = QStringLiteral("/v1/enrol");
    r.contentType = "application/json";
    r.authorization = QByteArray();
    r.body = QJsonDocument(QJsonObject{{QStringLiteral("user"), user},
                                       {QStringLiteral("password"), QString::fromUtf8(pw)},
                                       {QStringLiteral("device"), device}})
                 .toJson(QJsonDocument::Compact);
    return send(r);
}

Answer TestE2eBadRequests::push(const QList<Write> &writes, const QByteArray &token)
{
    Request r;
    r.path = QStringLiteral("/v1/push");
    r.body = sync::PushRequest{writes}.encode();
    r.authorization = "Bearer " + token;
    return send(r);
}

Answer TestE2eBadRequests::pull(qint64 cursor, const QByteArray &token)
{
    Request r;
    r.path = QStringLiteral("/v1/pull");
    sync::PullRequest p;
    p.cursor = cursor;
    r.body = p.encode();
    r.authorization = "Bearer " + token;
    return send(r);
}

void TestE2eBadRequests::expectError(const Answer &a, int status, const QString &code)
{
    QVERIFY2(a.status == status, a.describe().constData());
    QVERIFY2(a.contentType.startsWith("application/json"), a.describe().constData());
    QCOMPARE(a.code(), code);
    QVERIFY2(a.message().size() >= 15, a.describe().constData());
}

qint64 TestE2eBadRequests::serverWrites()
{
    Request r;
    r.method = "GET";
    r.path = QStringLiteral("/v1/health");
    r.contentType.clear();
    const Answer a = send(r);
    if (a.status != 200)
        return -1;
    return qint64(a.json().value(QStringLiteral("writes")).toDouble(-1));
}

void TestE2eBadRequests::healthAnswers()
{
    Request r;
    r.method = "GET";
    r.path = QStringLiteral("/v1/health");
    r.contentType.clear();
    r.protocol.reset();
    const Answer a = send(r);
    QVERIFY2(a.status == 200, a.describe().constData());
    QCOMPARE(a.json().value(QStringLiteral("status")).toString(), QStringLiteral("ok"));
    QCOMPARE(a.json().value(QStringLiteral("protocol")).toInt(), sync::ProtocolVersion);
    // A normal empty pull works with this raw device's token: the baseline the rest departs from.
    const Answer p = pull(0, m_token);
    QVERIFY2(p.status == 200, p.describe().constData());
    QVERIFY(p.contentType.startsWith(sync::CborType));
    const auto decoded = sync::PullResponse::decode(p.body);
    QVERIFY(decoded);
    for (const Write &w : decoded.value().writes)
        QCOMPARE(w.personId, m_p1); // only lw1's caseload
}

void TestE2eBadRequests::protocolHeader()
{
    Request r;
    r.path = QStringLiteral("/v1/pull");
    r.body = sync::PullRequest{}.encode();
    r.protocol.reset();
    Answer a = send(r);
    CHECKED(expectError(a, 400, QStringLiteral("unsupported_protocol")));
    QVERIFY(a.message().contains(QLatin1String("no Hearth-Protocol header")));

    for (const QByteArray &v : {QByteArray("2"), QByteArray("0"), QByteArray("1.0"), QByteArray("banana")}) {
        r.protocol = v;
        a = send(r);
        CHECKED(expectError(a, 400, QStringLiteral("unsupported_protocol")));
        QVERIFY2(a.message().contains(QLatin1String("protocol 1")), a.describe().constData());
    }
    // The same holds for enrolment, before any password is looked at.
    r.path = QStringLiteral("/v1/enrol");
    r.protocol = QByteArray("7");
    a = send(r);
    CHECKED(expectError(a, 400, QStringLiteral("unsupported_protocol")));
}

void TestE2eBadRequests::methodsAndPaths()
{
    for (const QString &path : {QStringLiteral("/v1/push"), QStringLiteral("/v1/pull"), QStringLiteral("/v1/enrol")})
        for (const QByteArray &method : {QByteArray("GET"), QByteArray("PUT"), QByteArray("DELETE")}) {
            Request r;
            r.method = method;
            r.path = path;
            const Answer a = send(r);
            CHECKED(expectError(a, 405, QStringLiteral("method_not_allowed")));
            QVERIFY(a.message().contains(QLatin1String("POST")));
        }
    Request r;
    r.path = QStringLiteral("/v1/nothing");
    r.body = sync::PullRequest{}.encode();
    const Answer a = send(r);
    CHECKED(expectError(a, 404, QStringLiteral("not_found")));
    QVERIFY(a.message().contains(QLatin1String("/v1/nothing")));
}

// PROTOCOL.md: an unknown endpoint is 404 {"error":"not_found"}. Paths that do not match the
// server's one route (/v1/<one segment>) fall through to Qt HTTP Server's default handler.
void TestE2eBadRequests::unknownPathsOutsideTheApi()
{
    for (const QString &path : {QStringLiteral("/"), QStringLiteral("/v2/push"), QStringLiteral("/v1/push/extra"),
                                QStringLiteral("/admin")}) {
        Request r;
        r.path = path;
        r.body = sync::PullRequest{}.encode();
        const Answer a = send(r);
        QVERIFY2(a.status == 404, a.describe().constData());
        QCOMPARE(a.code(), QStringLiteral("not_found"));
    }
}

void TestE2eBadRequests::contentType()
{
    for (const QByteArray &type :
         {QByteArray("application/json"), QByteArray("text/plain"), QByteArray("application/x-www-form-urlencoded")}) {
        for (const QString &path : {QStringLiteral("/v1/push"), QStringLiteral("/v1/pull")}) {
            Request r;
            r.path = path;
            r.body = path.endsWith(QLatin1String("push")) ? sync::PushRequest{}.encode() : sync::PullRequest{}.encode();
            r.contentType = type;
            const Answer a = send(r);
            CHECKED(expectError(a, 415, QStringLiteral("unsupported_media_type")));
            QVERIFY(a.message().contains(QLatin1String("application/cbor")));
        }
    }
}

void TestE2eBadRequests::tokens()
{
    const QList<std::optional<QByteArray>> bad = {
        QByteArray(),                                                                       // none
        QByteArray("Bearer"),                                                               // empty
        QByteArray("Bearer abc"),                                                           // short
        QByteArray("Bearer ") + QByteArray(43, 'A'),                                        // forged, right length
        QByteArray("Basic ") + QByteArray("lw1:secret").toBase64(),                         // another scheme
        "Bearer " + m_token.left(m_token.size() - 1) + (m_token.endsWith('A') ? "B" : "A"), // one character off
        QByteArray("Bearer ") + m_token.toLower() + m_token.toUpper(),                      // a mangled real token
    };
    for (const auto &auth : bad)
        for (const QString &path : {QStringLiteral("/v1/push"), QStringLiteral("/v1/pull")}) {
            Request r;
            r.path = path;
            r.body = path.endsWith(QLatin1String("push")) ? sync::PushRequest{}.encode() : sync::PullRequest{}.encode();
            r.authorization = auth;
            const Answer a = send(r);
            CHECKED(expectError(a, 401, QStringLiteral("unauthenticated")));
        }
}

void TestE2eBadRequests::replayAfterRevocation()
{
    const QString id = QStringLiteral("rawdevice2");
    const Answer e = enrolRaw(QStringLiteral("lw1"), password(QStringLiteral("lw1")), id);
    QVERIFY2(e.status == 200, e.describe().constData());
    const QByteArray token = e.json().value(QStringLiteral("token")).toString().toLatin1();
    Answer a = pull(0, token);
    QVERIFY2(a.status == 200, a.describe().constData());
    a = push({}, token);
    QVERIFY2(a.status == 200, a.describe().constData());

    QCOMPARE(m_server->admin({QStringLiteral("device"), QStringLiteral("revoke"), id}), 0);
    a = pull(0, token);
    CHECKED(expectError(a, 401, QStringLiteral("unauthenticated")));
    QVERIFY(a.message().contains(QLatin1String("revoked")));
    a = push({makeWrite(id, 1, m_p1, m_p1, QStringLiteral("person"), {{QStringLiteral("phone"), QStringLiteral("1")}},
                        QDateTime::currentMSecsSinceEpoch())},
             token);
    CHECKED(expectError(a, 401, QStringLiteral("unauthenticated")));
    // Re-enrolling the revoked device id is refused too: it must be reset first.
    a = enrolRaw(QStringLiteral("lw1"), password(QStringLiteral("lw1")), id);
    CHECKED(expectError(a, 409, QStringLiteral("device_exists")));
}

void TestE2eBadRequests::malformedBodies_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("body");

    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const Write good = makeWrite(m_rawId, 1, m_p1, m_p1, QStringLiteral("person"),
                                 {{QStringLiteral("phone"), QStringLiteral("0141 000 0400")}}, now);
    const QByteArray goodPush = sync::PushRequest{{good}}.encode();
    const QByteArray goodPull = sync::PullRequest{}.encode();
    auto pushOf = [](const QCborValue &writes) {
        return QCborMap{{QStringLiteral("writes"), writes}}.toCborValue().toCbor();
    };
    auto withWrite = [&](const std::function<void(QCborMap &)> &change) {
        QCborMap w = sync::encodeWrite(good);
        change(w);
        return pushOf(QCborArray{w});
    };
    auto pullOf = [](const QCborMap &m) { return m.toCborValue().toCbor(); };

    const QString push = QStringLiteral("/v1/push"), pull = QStringLiteral("/v1/pull");
    QTest::newRow("push: empty body") << push << QByteArray();
    QTest::newRow("push: not CBOR") << push << QByteArray("\xff\xfe garbage \x00\x01", 14);
    QTest::newRow("push: JSON instead of CBOR") << push << QByteArray(R"({"writes":[]})");
    QTest::newRow("push: truncated") << push << goodPush.left(goodPush.size() / 2);
    QTest::newRow("push: truncated by one byte") << push << goodPush.left(goodPush.size() - 1);
    QTest::newRow("push: a CBOR array") << push << QCborArray{1, 2}.toCborValue().toCbor();
    QTest::newRow("push: no writes key") << push << QCborMap{{QStringLiteral("w"), 1}}.toCborValue().toCbor();
    QTest::newRow("push: writes not a list") << push << pushOf(QCborValue(QStringLiteral("x")));
    QTest::newRow("push: a write not a map") << push << pushOf(QCborArray{42});
    QTest::newRow("push: write lacks its clock")
        << push << withWrite([](QCborMap &w) { w.remove(QStringLiteral("h")); });
    QTest::newRow("push: seq is text") << push
                                       << withWrite([](QCborMap &w) { w[QStringLiteral("s")] = QStringLiteral("1"); });
    QTest::newRow("push: seq 0") << push << withWrite([](QCborMap &w) { w[QStringLiteral("s")] = 0; });
    QTest::newRow("push: clock of another device") << push << withWrite([&](QCborMap &w) {
        w[QStringLiteral("h")] = Hlc{now, 0, QStringLiteral("other")}.toString();
    });
    QTest::newRow("push: malformed clock")
        << push << withWrite([](QCborMap &w) { w[QStringLiteral("h")] = QStringLiteral("soon"); });
    QTest::newRow("push: record id not a UUID")
        << push << withWrite([](QCborMap &w) { w[QStringLiteral("r")] = QStringLiteral("../../etc/passwd"); });
    QTest::newRow("push: no values") << push << withWrite([](QCborMap &w) { w[QStringLiteral("v")] = QCborMap(); });
    QTest::newRow("push: values not a map")
        << push << withWrite([](QCborMap &w) { w[QStringLiteral("v")] = QCborArray{1}; });
    QTest::newRow("push: parents not clocks") << push << withWrite([](QCborMap &w) {
        w[QStringLiteral("a")] = QCborMap{{QStringLiteral("phone"), QCborArray{QStringLiteral("nope")}}};
    });
    QTest::newRow("pull: not CBOR") << pull << QByteArray("cursor=0");
    QTest::newRow("pull: truncated") << pull << goodPull.left(goodPull.size() - 3);
    QTest::newRow("pull: negative cursor")
        << pull << pullOf({{QStringLiteral("cursor"), -1}, {QStringLiteral("limit"), 10}});
    QTest::newRow("pull: cursor is text")
        << pull << pullOf({{QStringLiteral("cursor"), QStringLiteral("0")}, {QStringLiteral("limit"), 10}});
    QTest::newRow("pull: limit 0") << pull << pullOf({{QStringLiteral("cursor"), 0}, {QStringLiteral("limit"), 0}});
    QTest::newRow("pull: limit too large")
        << pull << pullOf({{QStringLiteral("cursor"), 0}, {QStringLiteral("limit"), sync::MaxPullLimit + 1}});
    QTest::newRow("pull: confirmations not strings")
        << pull
        << pullOf({{QStringLiteral("cursor"), 0},
                   {QStringLiteral("limit"), 10},
                   {QStringLiteral("confirm_delivered"), QCborArray{1, 2}}});
}

void TestE2eBadRequests::malformedBodies()
{
    QFETCH(QString, path);
    QFETCH(QByteArray, body);
    Request r;
    r.path = path;
    r.body = body;
    const Answer a = send(r);
    CHECKED(expectError(a, 400, QStringLiteral("malformed")));
}

void TestE2eBadRequests::bodyOverTheLimit()
{
    Request r;
    r.path = QStringLiteral("/v1/push");
    r.body = QByteArray(sync::MaxBodyBytes + 1, '\xa0');
    Answer a = send(r);
    CHECKED(expectError(a, 413, QStringLiteral("too_large")));
    // Unauthenticated and oversized: still a clean, readable refusal.
    r.authorization = QByteArray();
    a = send(r);
    QVERIFY2(a.status == 413 || a.status == 401, a.describe().constData());
    QVERIFY(!a.code().isEmpty());
}

// A client announcing a body far over the limit must be refused from the headers, before the
// server buffers the body: otherwise anyone, without a token, can make it hold gigabytes (the
// Content-Length is trusted and the body accumulated in memory, about three times its size).
// Only the headers and 64 KiB are sent here, so the test itself stays cheap.
void TestE2eBadRequests::declaredOversizeIsRefusedBeforeItIsRead()
{
    const QUrl url(m_server->url());
    QSslSocket s;
    s.setSslConfiguration(m_tls);
    s.connectToHostEncrypted(url.host(), quint16(url.port()));
    QVERIFY(s.waitForEncrypted(10000));
    s.write("POST /v1/push HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/cbor\r\nHearth-Protocol: 1\r\n"
            "Content-Length: "
            + QByteArray::number(qint64(sync::MaxBodyBytes) * 64) + "\r\n\r\n" + QByteArray(64 * 1024, 'x'));
    QByteArray answer;
    QElapsedTimer t;
    t.start();
    // The headers and the JSON error after them (the server then drops the body as it arrives).
    while (t.elapsed() < 3000 && !answer.endsWith('}') && s.state() == QAbstractSocket::ConnectedState)
        if (s.waitForReadyRead(200))
            answer += s.readAll();
    s.abort();
    QVERIFY2(answer.startsWith("HTTP/1.1 413"), answer.left(200).constData());
    QVERIFY2(answer.contains("\"too_large\""), answer.left(400).constData());
    QCOMPARE(serverWrites(), m_writesBefore);
}

void TestE2eBadRequests::tooManyWritesInOnePush()
{
    QList<Write> writes;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (int i = 0; i <= sync::MaxWritesPerPush; ++i)
        writes << makeWrite(m_rawId, i + 1, m_p1, m_p1, QStringLiteral("person"),
                            {{QStringLiteral("phone"), QString::number(i)}}, now + i);
    const Answer a = push(writes, m_token);
    CHECKED(expectError(a, 400, QStringLiteral("malformed")));
    QVERIFY(a.message().contains(QString::number(sync::MaxWritesPerPush)));
}

// A device may only push its own writes: writes claiming another device's id are refused one by one.
void TestE2eBadRequests::writesClaimingAnotherDevice()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const QList<Write> writes = {
        // lw1's real device, in lw1's own caseload: the id is what is wrong.
        makeWrite(m_lw1.id, 9001, m_p1, m_p1, QStringLiteral("person"),
                  {{QStringLiteral("phone"), QStringLiteral("0141 000 0500")}}, now),
        // a device of another user altogether
        makeWrite(m_lw2.id, 9001, m_p2, m_p2, QStringLiteral("person"),
                  {{QStringLiteral("phone"), QStringLiteral("0141 000 0501")}}, now),
    };
    const Answer a = push(writes, m_token);
    QVERIFY2(a.status == 200, a.describe().constData());
    const auto resp = sync::PushResponse::decode(a.body);
    QVERIFY(resp);
    QCOMPARE(resp.value().acked.size(), 0);
    QCOMPARE(resp.value().rejected.size(), 2);
    for (const Store::Rejection &x : resp.value().rejected) {
        QCOMPARE(x.code, QStringLiteral("forbidden"));
        QVERIFY(x.reason.contains(QLatin1String("own writes")));
    }
    QCOMPARE(serverWrites(), m_writesBefore);
}

// Writes for people outside the device's scope, people the server does not hold, unknown record
// types and unknown fields: each refused on its own with a code, none stored.
void TestE2eBadRequests::writesOutOfScopeAndUnknown()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    int seq = 100;
    auto w = [&](const QString &record, const QString &person, const QString &type, const QJsonObject &values) {
        ++seq;
        return makeWrite(m_rawId, seq, record, person, type, values, now + seq);
    };
    const QString stranger = ids::newUuid();
    struct Case {
        Write write;
        QString code;
    };
    QJsonObject newPerson = test::person(QStringLiteral("Kirsty"));
    newPerson.insert(QStringLiteral("caseload"), QStringLiteral("c2"));
    QJsonObject noCaseload = test::person(QStringLiteral("Lachlan"));
    const QList<Case> cases = {
        {w(m_p2, m_p2, QStringLiteral("person"), {{QStringLiteral("phone"), QStringLiteral("0141 000 0600")}}),
         QStringLiteral("out_of_scope")},
        {w(m_p2, m_p2, QStringLiteral("person"), {{QStringLiteral("caseload"), QStringLiteral("c1")}}),
         QStringLiteral("out_of_scope")}, // pulling a person into one's own caseload
        {w(m_contact2, m_p2, QStringLiteral("contact"), {{QStringLiteral("outcome"), QStringLiteral("declined")}}),
         QStringLiteral("out_of_scope")},
        {w(ids::newUuid(), m_p2, QStringLiteral("contact"),
           {{QStringLiteral("person_id"), m_p2},
            {QStringLiteral("date"), QStringLiteral("2025-11-02")},
            {QStringLiteral("method"), QStringLiteral("phone")},
            {QStringLiteral("outcome"), QStringLiteral("reached")}}),
         QStringLiteral("out_of_scope")},
        {w(stranger, stranger, QStringLiteral("person"), newPerson), QStringLiteral("out_of_scope")},
        {w(ids::newUuid(), stranger, QStringLiteral("contact"),
           {{QStringLiteral("outcome"), QStringLiteral("reached")}}),
         QStringLiteral("unknown_person")},
        {w(stranger, stranger, QStringLiteral("person"), noCaseload), QStringLiteral("unknown_person")},
        {w(ids::newUuid(), m_p1, QStringLiteral("spaceship"), {{QStringLiteral("warp"), 9}}),
         QStringLiteral("invalid")},
        {w(m_p1, m_p1, QStringLiteral("person"), {{QStringLiteral("shoe_size"), 9}}), QStringLiteral("invalid")},
        {w(ids::newUuid(), m_p1, QStringLiteral("person"), {{QStringLiteral("phone"), QStringLiteral("1")}}),
         QStringLiteral("invalid")}, // a person record that is not its own person
        {w(ids::newUuid(), QString(), QStringLiteral("contact"),
           {{QStringLiteral("outcome"), QStringLiteral("reached")}}),
         QStringLiteral("invalid")}, // no person at all
    };
    QList<Write> writes;
    for (const Case &c : cases)
        writes << c.write;
    const Answer a = push(writes, m_token);
    QVERIFY2(a.status == 200, a.describe().constData());
    const auto resp = sync::PushResponse::decode(a.body);
    QVERIFY(resp);
    QCOMPARE(resp.value().acked.size(), 0);
    QCOMPARE(resp.value().rejected.size(), cases.size());
    for (int i = 0; i < cases.size(); ++i) {
        const Store::Rejection &x = resp.value().rejected[i];
        QCOMPARE(x.id.seq, cases[i].write.seq);
        QVERIFY2(x.code == cases[i].code, qPrintable(QStringLiteral("case %1: %2 (%3)").arg(i).arg(x.code, x.reason)));
        QVERIFY(x.reason.size() >= 15);
    }
    QCOMPARE(serverWrites(), m_writesBefore);
    // Nothing of lw2's caseload leaks into a pull by this device either.
    const Answer p = pull(0, m_token);
    QVERIFY2(p.status == 200, p.describe().constData());
    for (const Write &x : sync::PullResponse::decode(p.body).value().writes)
        QCOMPARE(x.personId, m_p1);
}

// A write naming an in-scope person but the record id of another caseload's record: the whole
// push is refused with conflicting_write, and nothing is stored.
void TestE2eBadRequests::writeReusingARecordOfAnotherPerson()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const Write ok = makeWrite(m_rawId, 200, m_p1, m_p1, QStringLiteral("person"),
                               {{QStringLiteral("phone"), QStringLiteral("0141 000 0700")}}, now);
    const Write hijack = makeWrite(m_rawId, 201, m_contact2, m_p1, QStringLiteral("contact"),
                                   {{QStringLiteral("outcome"), QStringLiteral("declined")}}, now + 1);
    const Answer a = push({ok, hijack}, m_token);
    CHECKED(expectError(a, 400, QStringLiteral("conflicting_write")));
    QCOMPARE(serverWrites(), m_writesBefore);
}

// A connection cut mid-body, a request line that is not HTTP, a TLS handshake abandoned: the
// server shrugs them off.
void TestE2eBadRequests::cutConnectionsAndGarbage()
{
    const QUrl url(m_server->url());
    auto connectTls = [&](QSslSocket &s) {
        s.setSslConfiguration(m_tls);
        s.connectToHostEncrypted(url.host(), quint16(url.port()));
        return s.waitForEncrypted(10000);
    };
    {
        QSslSocket s;
        QVERIFY(connectTls(s));
        const QByteArray body = sync::PushRequest{}.encode();
        s.write("POST /v1/push HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/cbor\r\n"
                "Hearth-Protocol: 1\r\nAuthorization: Bearer "
                + m_token + "\r\nContent-Length: 100000\r\n\r\n" + body);
        s.waitForBytesWritten(5000);
        s.abort();
    }
    {
        QSslSocket s;
        QVERIFY(connectTls(s));
        s.write("THIS IS NOT HTTP\r\n\r\n\x01\x02\x03");
        s.waitForBytesWritten(5000);
        s.waitForReadyRead(2000);
        s.abort();
    }
    {
        QTcpSocket s; // plain text to the TLS port
        s.connectToHost(url.host(), quint16(url.port()));
        QVERIFY(s.waitForConnected(5000));
        s.write("GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n");
        s.waitForBytesWritten(5000);
        s.waitForReadyRead(2000);
        s.abort();
    }
    QCOMPARE(serverWrites(), m_writesBefore);
    QVERIFY(m_server->process()->state() == QProcess::Running);
}

void TestE2eBadRequests::enrolmentErrors()
{
    Request r;
    r.path = QStringLiteral("/v1/enrol");
    r.contentType = "application/json";
    r.authorization = QByteArray();
    for (const QByteArray &body :
         {QByteArray(), QByteArray("{not json"), QByteArray("[]"), QByteArray(R"({"user":"lw1","device":"x1"})"),
          QByteArray(R"({"user":"lw1","password":"pw-lw1-long-enough"})")}) {
        r.body = body;
        CHECKED(expectError(send(r), 400, QStringLiteral("malformed")));
    }
    for (const QString &device : {QStringLiteral("has space"), QStringLiteral("semi;colon"), QString(65, u'a')}) {
        CHECKED(expectError(enrolRaw(QStringLiteral("lw1"), password(QStringLiteral("lw1")), device), 400,
                            QStringLiteral("malformed")));
    }
    // Another device's id cannot be taken over by enrolling under it.
    CHECKED(expectError(enrolRaw(QStringLiteral("lw2"), password(QStringLiteral("lw2")), m_lw1.id), 409,
                        QStringLiteral("device_exists")));
}

// A wrong password is 401, the same answer as for an unknown user; after 10 failures the user's
// sign-in answers 429, even with the right password, so passwords cannot be guessed online.
void TestE2eBadRequests::enrolmentRateLimit()
{
    const Answer unknown = enrolRaw(QStringLiteral("nosuchuser"), "whatever-password", QStringLiteral("guess0"));
    CHECKED(expectError(unknown, 401, QStringLiteral("bad_credentials")));
    for (int i = 1; i <= 10; ++i) {
        const Answer a = enrolRaw(QStringLiteral("victim"), "wrong-password-" + QByteArray::number(i),
                                  QStringLiteral("guess%1").arg(i));
        CHECKED(expectError(a, 401, QStringLiteral("bad_credentials")));
        QCOMPARE(a.body, unknown.body); // no probing for user names
    }
    Answer a = enrolRaw(QStringLiteral("victim"), "wrong-password-11", QStringLiteral("guess11"));
    CHECKED(expectError(a, 429, QStringLiteral("too_many_attempts")));
    a = enrolRaw(QStringLiteral("victim"), password(QStringLiteral("victim")), QStringLiteral("guess12"));
    CHECKED(expectError(a, 429, QStringLiteral("too_many_attempts")));
    // Other users are unaffected.
    a = enrolRaw(QStringLiteral("lw2"), password(QStringLiteral("lw2")), QStringLiteral("rawdevice3"));
    QVERIFY2(a.status == 200, a.describe().constData());
}

// After all of the above the server's data is what it was, and real devices sync as before.
void TestE2eBadRequests::serverStillServesAndDataUnchanged()
{
    QCOMPARE(serverWrites(), m_writesBefore);
    QJsonObject s;
    CHECKED(syncOk(m_lw1, &s));
    QCOMPARE(s.value(QStringLiteral("pulled")).toInt(), 0);
    QCOMPARE(m_lw1.hash(), m_hashBefore);
    Device fresh;
    CHECKED(newDevice(QStringLiteral("lw1"), &fresh));
    CHECKED(syncOk(fresh));
    QCOMPARE(fresh.hash(), m_hashBefore);
    QCOMPARE(fresh.people(), QSet<QString>{m_p1});

    // And new work still flows end to end.
    auto r = m_lw1.run(
        {QStringLiteral("edit"), m_p1, QStringLiteral("--json"), QStringLiteral(R"({"phone":"0141 000 0800"})")});
    QCOMPARE(r.code, 0);
    CHECKED(syncOk(m_lw1, &s));
    QCOMPARE(s.value(QStringLiteral("pushed")).toInt(), 1);
    CHECKED(syncOk(fresh, &s));
    QCOMPARE(s.value(QStringLiteral("pulled")).toInt(), 1);
    QCOMPARE(fresh.hash(), m_lw1.hash());
    QCOMPARE(serverWrites(), m_writesBefore + 1);
    QVERIFY(m_server->process()->state() == QProcess::Running);
}

// A person deleted in another caseload must stay out of reach: a forged "person" write for them
// naming the pusher's own caseload is treated as creating a new person (deleted people drop out of
// the server's person->caseload map), so it is accepted, and a second one undeleting the person with
// a later clock brings their whole history into the pusher's scope.
void TestE2eBadRequests::deletedPersonOfAnotherCaseloadStaysOutOfReach()
{
    auto r = m_lw2.run({QStringLiteral("put"), QStringLiteral("person"), QStringLiteral("--json"),
                        compact(test::person(QStringLiteral("Morven"), QStringLiteral("Secret")))});
    QCOMPARE(r.code, 0);
    const QString victim = QString::fromUtf8(r.out.trimmed());
    CHECKED(syncOk(m_lw2));
    r = m_lw2.run({QStringLiteral("delete"), victim});
    QCOMPARE(r.code, 0);
    CHECKED(syncOk(m_lw2));
    const qint64 writes = serverWrites();

    const qint64 later = QDateTime::currentMSecsSinceEpoch() + 24 * 3600 * 1000;
    const Write claim = makeWrite(m_rawId, 300, victim, victim, QStringLiteral("person"),
                                  {{QStringLiteral("caseload"), QStringLiteral("c1")}, {DeletedField, false}}, later);
    const Answer a = push({claim}, m_token);
    QVERIFY2(a.status == 200, a.describe().constData());
    const auto resp = sync::PushResponse::decode(a.body);
    QVERIFY(resp);
    QCOMPARE(resp.value().rejected.size(), 1);
    QCOMPARE(serverWrites(), writes);

    // What matters most: none of that person's data reaches this device.
    const Answer p = pull(0, m_token);
    QVERIFY2(p.status == 200, p.describe().constData());
    bool leaked = false;
    for (const Write &x : sync::PullResponse::decode(p.body).value().writes)
        leaked |= x.personId == victim && x.device != m_rawId;
    QVERIFY(!leaked);
}

QTEST_GUILESS_MAIN(TestE2eBadRequests)
#include "tst_e2e_badrequests.moc"
