// The conflict matrix, end to end: real hearthctl device processes of link workers who share a
// caseload, syncing with a real hearth-server over loopback TLS. Every claim is checked on what a
// person (or an administrator) sees: `get`, `conflicts`, `export`, `hash` and the `sync` summary.
#include "e2esupport.h"
#include "hlc.h"
#include "protocol.h"
#include "serverprocess.h"
#include "testsupport.h"

#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSslConfiguration>
#include <QTemporaryDir>
#include <QTimer>

#include <memory>
#include <vector>

using namespace hearth;
using namespace hearth::test;

namespace {

// One headless device: a hearthctl store folder.
struct Device {
    QString dir;
    QString id; // the store's device id (the device part of its clocks)

    [[nodiscard]] test::CtlResult run(const QStringList &args) const { return test::ctl(dir, args); }
    [[nodiscard]] QString hash() const { return QString::fromUtf8(run({QStringLiteral("hash")}).out.trimmed()); }
    [[nodiscard]] QByteArray exported() const { return run({QStringLiteral("export")}).out; }
    [[nodiscard]] QJsonObject get(const QString &record) const
    {
        return jsonOf(run({QStringLiteral("get"), record}).out);
    }
    [[nodiscard]] QList<QJsonObject> conflicts() const { return linesOf(run({QStringLiteral("conflicts")}).out); }
};

QJsonObject valuesOf(const QJsonObject &record)
{
    return record.value(QStringLiteral("values")).toObject();
}

// A minimal HTTPS client trusting only the test server's own certificate, standing in for a
// device whose pushes hearthctl cannot produce (writes sent before their ancestors).
class RawDevice
{
public:
    RawDevice(const QString &url, const QSslCertificate &cert) : m_url(url)
    {
        m_tls = QSslConfiguration::defaultConfiguration();
        m_tls.setCaCertificates({cert});
        m_tls.setProtocol(QSsl::TlsV1_2OrLater);
    }

    struct Answer {
        int status = 0;
        QByteArray body;
        QString error;
    };

    Answer post(const QString &path, const QByteArray &body, const QByteArray &type)
    {
        QNetworkRequest req(QUrl(m_url + path));
        req.setSslConfiguration(m_tls);
        req.setHeader(QNetworkRequest::ContentTypeHeader, type);
        req.setRawHeader(sync::ProtocolHeader, QByteArray::number(sync::ProtocolVersion));
        if (!m_token.isEmpty())
            req.setRawHeader("Authorization", "Bearer " + m_token);
        req.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
        QNetworkReply *reply = m_nam.post(req, body);
        QEventLoop loop;
        QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        QTimer::singleShot(30000, &loop, &QEventLoop::quit);
        loop.exec();
        Answer a;
        a.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        a.body = reply->readAll();
        a.error = reply->errorString();
        reply->deleteLater();
        return a;
    }

    bool enrol(const QString &user, const QByteArray &password, const QString &deviceId)
    {
        const Answer a = post(QStringLiteral("/v1/enrol"),
                              QJsonDocument(QJsonObject{{QStringLiteral("user"), user},
                                                        {QStringLiteral("password"), QString::fromUtf8(password)},
                                                        {QStringLiteral("device"), deviceId}})
                                  .toJson(QJsonDocument::Compact),
                              "application/json");
        m_token = jsonOf(a.body).value(QStringLiteral("token")).toString().toLatin1();
        return a.status == 200 && !m_token.isEmpty();
    }

    Answer push(const QList<Write> &writes)
    {
        return post(QStringLiteral("/v1/push"), sync::PushRequest{writes}.encode(), sync::CborType);
    }

private:
    QString m_url;
    QSslConfiguration m_tls;
    QNetworkAccessManager m_nam;
    QByteArray m_token;
};

} // namespace

class TestE2eConflicts : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void sameFieldOnTwoDevices();
    void differentFieldsBothKept();
    void editVersusDelete();
    void editVersusDeleteOfPerson();
    void threeDevicesOneField();
    void resolutionReachesEveryone();
    void concurrentResolutionsConflictAgain();
    void sameValueOnTwoDevicesIsNoConflict();
    void ordinaryEditDoesNotResolve();
    void deleteAfterSeeingEditIsNoConflict();
    void ancestorsThenEditsFromOneDevice();
    void writesArrivingBeforeTheirAncestors();
    void resyncIsNoOp();

private:
    QByteArray password(const QString &user) const { return "pw-" + user.toUtf8() + "-long-enough"; }
    // A fresh caseload shared by `n` link workers, each with one enrolled device.
    void makeTeam(int n, QString *caseload, QList<Device> *devices);
    void addUser(const QString &user, const QString &caseload);
    void newDevice(const QString &user, Device *out);
    void syncOk(const Device &d, QJsonObject *summary = nullptr);
    // One device after another: each pulls what those before it pushed.
    void syncInTurn(const QList<Device> &devices);
    // Everyone syncs twice, all at once: afterwards every device holds every write.
    void syncTogether(const QList<Device> &devices);
    // Every device (and a device enrolled afresh, which holds exactly the server's view) has the
    // same export; a further sync moves nothing and changes nothing.
    void expectConverged(const QList<Device> &devices, const QString &caseloadUser, int conflicts = 0);
    void newPerson(const Device &d, QString *id, const QJsonObject &extra = {});
    void edit(const Device &d, const QString &id, const QJsonObject &fields);

    std::unique_ptr<QTemporaryDir> m_tmp;
    std::unique_ptr<test::ServerProcess> m_server;
    int m_teams = 0;
    int m_devices = 0;
};

void TestE2eConflicts::initTestCase()
{
    if (test::ServerProcess::binary().isEmpty())
        QSKIP("hearth-server is not built in this configuration (no Qt HTTP Server)");
    m_tmp = std::make_unique<QTemporaryDir>();
    QVERIFY(m_tmp->isValid());
    m_server = std::make_unique<test::ServerProcess>(m_tmp->filePath(QStringLiteral("server")));
    QVERIFY2(m_server->start(), m_server->logs().constData());
    QVERIFY(m_server->pin().startsWith(QLatin1String("sha256/")));
}

void TestE2eConflicts::cleanupTestCase()
{
    if (m_server)
        QVERIFY(m_server->terminate());
}

void TestE2eConflicts::addUser(const QString &user, const QString &caseload)
{
    const int rc = m_server->admin({QStringLiteral("user"), QStringLiteral("add"), user, QStringLiteral("--role"),
                                    QStringLiteral("link_worker"), QStringLiteral("--team"), QStringLiteral("t1"),
                                    QStringLiteral("--caseloads"), caseload},
                                   password(user));
    QCOMPARE(rc, 0);
    QFile f(m_tmp->filePath(QStringLiteral("pw-") + user));
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(password(user) + '\n');
}

void TestE2eConflicts::newDevice(const QString &user, Device *out)
{
    out->dir = m_tmp->filePath(QStringLiteral("device%1").arg(++m_devices));
    auto r = test::ctl(out->dir, {QStringLiteral("init"), QStringLiteral("--kdf-n"), QStringLiteral("1024")});
    QVERIFY2(r.code == 0, r.err.constData());
    out->id = jsonOf(r.out).value(QStringLiteral("device")).toString();
    QVERIFY(!out->id.isEmpty());
    r = out->run({QStringLiteral("enrol"), QStringLiteral("--server"), m_server->url(), QStringLiteral("--user"), user,
                  QStringLiteral("--password-file"), m_tmp->filePath(QStringLiteral("pw-") + user),
                  QStringLiteral("--pin"), m_server->pin()});
    QVERIFY2(r.code == 0, r.err.constData());
    QVERIFY(jsonOf(r.out).value(QStringLiteral("enrolled")).toBool());
}

void TestE2eConflicts::makeTeam(int n, QString *caseload, QList<Device> *devices)
{
    *caseload = QStringLiteral("c%1").arg(++m_teams);
    devices->clear();
    for (int i = 1; i <= n; ++i) {
        const QString user = QStringLiteral("%1-lw%2").arg(*caseload).arg(i);
        CHECKED(addUser(user, *caseload));
        Device d;
        CHECKED(newDevice(user, &d));
        devices->append(d);
    }
}

void TestE2eConflicts::syncOk(const Device &d, QJsonObject *summary)
{
    const auto r = d.run({QStringLiteral("sync")});
    QVERIFY2(r.code == 0, (r.out + r.err).constData());
    const QJsonObject s = jsonOf(r.out);
    QVERIFY2(s.value(QStringLiteral("ok")).toBool(), r.out.constData());
    QCOMPARE(s.value(QStringLiteral("rejected")).toInt(), 0);
    QCOMPARE(s.value(QStringLiteral("pending")).toInt(), 0);
    if (summary)
        *summary = s;
}

void TestE2eConflicts::syncInTurn(const QList<Device> &devices)
{
    for (const Device &d : devices)
        CHECKED(syncOk(d));
}

// In each round every device syncs at the same time, as a team's tablets do (and the server takes
// the requests concurrently). A round ends when every push has landed, so in the second round
// every device pulls every write.
void TestE2eConflicts::syncTogether(const QList<Device> &devices)
{
    for (int round = 0; round < 2; ++round) {
        std::vector<std::unique_ptr<QProcess>> running;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("HEARTH_PASSCODE"), QStringLiteral("correct horse"));
        for (const Device &d : devices) {
            running.push_back(std::make_unique<QProcess>());
            running.back()->setProcessEnvironment(env);
            running.back()->start(test::hearthctl(), {QStringLiteral("--store"), d.dir, QStringLiteral("sync")});
        }
        for (const auto &p : running) {
            QVERIFY(p->waitForFinished(120000));
            const QByteArray out = p->readAllStandardOutput();
            QVERIFY2(p->exitStatus() == QProcess::NormalExit && p->exitCode() == 0,
                     (out + p->readAllStandardError()).constData());
            const QJsonObject s = jsonOf(out);
            QVERIFY2(s.value(QStringLiteral("ok")).toBool(), out.constData());
            QCOMPARE(s.value(QStringLiteral("rejected")).toInt(), 0);
            QCOMPARE(s.value(QStringLiteral("pending")).toInt(), 0);
        }
    }
}

void TestE2eConflicts::expectConverged(const QList<Device> &devices, const QString &caseloadUser, int conflicts)
{
    const QByteArray reference = devices.first().exported();
    QVERIFY(!reference.isEmpty());
    const QString hash = devices.first().hash();
    QCOMPARE(hash, QString::fromLatin1(crypto::sha256(reference).toHex()));
    for (const Device &d : devices) {
        QCOMPARE(d.hash(), hash);
        QCOMPARE(d.exported(), reference);
    }
    // A device enrolled now holds exactly what the server holds for the caseload.
    Device observer;
    CHECKED(newDevice(caseloadUser, &observer));
    QJsonObject s;
    CHECKED(syncOk(observer, &s));
    QVERIFY(s.value(QStringLiteral("pulled")).toInt() > 0);
    QCOMPARE(observer.hash(), hash);
    // Syncing again is a no-op everywhere: nothing moves, nothing changes.
    for (const Device &d : devices + QList<Device>{observer}) {
        CHECKED(syncOk(d, &s));
        QCOMPARE(s.value(QStringLiteral("pushed")).toInt(), 0);
        QCOMPARE(s.value(QStringLiteral("pulled")).toInt(), 0);
        QCOMPARE(s.value(QStringLiteral("purged")).toInt(), 0);
        QCOMPARE(s.value(QStringLiteral("conflicts")).toInt(), conflicts); // records in conflict, as sync reports
        QCOMPARE(d.hash(), hash);
    }
    const auto v = observer.run({QStringLiteral("verify")});
    QCOMPARE(v.code, 0);
    QVERIFY(jsonOf(v.out).value(QStringLiteral("consistent")).toBool());
}

void TestE2eConflicts::newPerson(const Device &d, QString *id, const QJsonObject &extra)
{
    QJsonObject fields = test::person();
    for (auto it = extra.begin(); it != extra.end(); ++it)
        fields.insert(it.key(), it.value());
    const auto r = d.run({QStringLiteral("put"), QStringLiteral("person"), QStringLiteral("--json"), compact(fields)});
    QVERIFY2(r.code == 0, r.err.constData());
    *id = QString::fromUtf8(r.out.trimmed());
    QVERIFY(ids::isUuid(*id));
}

void TestE2eConflicts::edit(const Device &d, const QString &id, const QJsonObject &fields)
{
    const auto r = d.run({QStringLiteral("edit"), id, QStringLiteral("--json"), compact(fields)});
    QVERIFY2(r.code == 0, r.err.constData());
}

// The same field edited on two devices while both were offline: exactly one conflict, shown on
// every replica with the same winner (the head with the greatest clock) and the same loser.
void TestE2eConflicts::sameFieldOnTwoDevices()
{
    QString caseload;
    QList<Device> d;
    CHECKED(makeTeam(3, &caseload, &d));
    QString p;
    CHECKED(newPerson(d[0], &p));
    CHECKED(syncInTurn(d));
    QCOMPARE(valuesOf(d[2].get(p)).value(QStringLiteral("given_name")).toString(), QStringLiteral("Morag"));

    CHECKED(edit(d[0], p, {{QStringLiteral("phone"), QStringLiteral("0141 000 0001")}}));
    CHECKED(edit(d[1], p, {{QStringLiteral("phone"), QStringLiteral("0141 000 0002")}}));
    CHECKED(syncTogether(d));

    QJsonArray heads;
    QString winner;
    for (const Device &x : d) {
        const QList<QJsonObject> conflicts = x.conflicts();
        QCOMPARE(conflicts.size(), 1);
        QCOMPARE(conflicts.first().value(QStringLiteral("id")).toString(), p);
        const QJsonObject rec = x.get(p);
        const QJsonArray cs = rec.value(QStringLiteral("conflicts")).toArray();
        QCOMPARE(cs.size(), 1);
        const QJsonObject c = cs.first().toObject();
        QCOMPARE(c.value(QStringLiteral("field")).toString(), QStringLiteral("phone"));
        QVERIFY(!c.contains(QStringLiteral("delete")));
        const QJsonArray h = c.value(QStringLiteral("heads")).toArray();
        QCOMPARE(h.size(), 2);
        // The winner is the head with the greatest clock, and it is the value shown.
        QVERIFY(h[0].toObject().value(QStringLiteral("hlc")).toString()
                > h[1].toObject().value(QStringLiteral("hlc")).toString());
        QCOMPARE(valuesOf(rec).value(QStringLiteral("phone")), h[0].toObject().value(QStringLiteral("value")));
        QSet<QString> values{h[0].toObject().value(QStringLiteral("value")).toString(),
                             h[1].toObject().value(QStringLiteral("value")).toString()};
        QCOMPARE(values, (QSet<QString>{QStringLiteral("0141 000 0001"), QStringLiteral("0141 000 0002")}));
        if (heads.isEmpty()) {
            heads = h;
            winner = valuesOf(rec).value(QStringLiteral("phone")).toString();
        }
        QCOMPARE(h, heads);
        QCOMPARE(valuesOf(rec).value(QStringLiteral("phone")).toString(), winner);
    }
    CHECKED(expectConverged(d, caseload + QStringLiteral("-lw1"), 1));
}

// Different fields edited offline on two devices: both edits kept, no conflict.
void TestE2eConflicts::differentFieldsBothKept()
{
    QString caseload;
    QList<Device> d;
    CHECKED(makeTeam(2, &caseload, &d));
    QString p;
    CHECKED(newPerson(d[0], &p));
    CHECKED(syncInTurn(d));
    CHECKED(edit(d[0], p, {{QStringLiteral("phone"), QStringLiteral("0141 000 0003")}}));
    CHECKED(edit(d[1], p, {{QStringLiteral("postcode"), QStringLiteral("G12 8QQ")}}));
    CHECKED(syncTogether(d));
    for (const Device &x : d) {
        QVERIFY(x.conflicts().isEmpty());
        const QJsonObject v = valuesOf(x.get(p));
        QCOMPARE(v.value(QStringLiteral("phone")).toString(), QStringLiteral("0141 000 0003"));
        QCOMPARE(v.value(QStringLiteral("postcode")).toString(), QStringLiteral("G12 8QQ"));
        QCOMPARE(v.value(QStringLiteral("given_name")).toString(), QStringLiteral("Morag"));
    }
    CHECKED(expectConverged(d, caseload + QStringLiteral("-lw1")));
}

// A record edited on one device and deleted on another: an edit-vs-delete conflict naming the
// delete, on every replica; keeping the record on one device settles it everywhere.
void TestE2eConflicts::editVersusDelete()
{
    QString caseload;
    QList<Device> d;
    CHECKED(makeTeam(3, &caseload, &d));
    QString p;
    CHECKED(newPerson(d[0], &p));
    auto r = d[0].run({QStringLiteral("put"), QStringLiteral("contact"), QStringLiteral("--json"),
                       compact({{QStringLiteral("person_id"), p},
                                {QStringLiteral("date"), QStringLiteral("2025-11-01")},
                                {QStringLiteral("method"), QStringLiteral("phone")},
                                {QStringLiteral("outcome"), QStringLiteral("no_answer")}})});
    QVERIFY2(r.code == 0, r.err.constData());
    const QString contact = QString::fromUtf8(r.out.trimmed());
    CHECKED(syncInTurn(d));

    CHECKED(edit(d[0], contact, {{QStringLiteral("outcome"), QStringLiteral("reached")}}));
    r = d[1].run({QStringLiteral("delete"), contact});
    QVERIFY2(r.code == 0, r.err.constData());
    // The delete's clock, as its device logged it.
    QString deleteClock;
    for (const QJsonObject &w : linesOf(d[1].run({QStringLiteral("log")}).out))
        if (w.value(QStringLiteral("values")).toObject().contains(DeletedField))
            deleteClock = w.value(QStringLiteral("hlc")).toString();
    QVERIFY(!deleteClock.isEmpty());
    CHECKED(syncTogether(d));

    for (const Device &x : d) {
        const QList<QJsonObject> conflicts = x.conflicts();
        QCOMPARE(conflicts.size(), 1);
        QCOMPARE(conflicts.first().value(QStringLiteral("id")).toString(), contact);
        const QJsonArray cs = conflicts.first().value(QStringLiteral("conflicts")).toArray();
        QVERIFY(!cs.isEmpty());
        bool namesDelete = false;
        for (const QJsonValue &c : cs) {
            if (c.toObject().value(QStringLiteral("delete")).toString() != deleteClock)
                continue;
            namesDelete = true;
            QCOMPARE(c.toObject().value(QStringLiteral("field")).toString(), QStringLiteral("outcome"));
            const QJsonArray heads = c.toObject().value(QStringLiteral("heads")).toArray();
            QCOMPARE(heads.size(), 1);
            QCOMPARE(heads[0].toObject().value(QStringLiteral("value")).toString(), QStringLiteral("reached"));
        }
        QVERIFY2(namesDelete, qPrintable(compact(conflicts.first())));
    }
    const QString hash = d[0].hash();
    for (const Device &x : d)
        QCOMPARE(x.hash(), hash);

    // Keep the record (with the edit) on the third device: everyone sees it settled.
    r = d[2].run({QStringLiteral("resolve"), contact, DeletedField, QStringLiteral("--json"), QStringLiteral("false")});
    QVERIFY2(r.code == 0, r.err.constData());
    CHECKED(syncTogether(d));
    for (const Device &x : d) {
        QVERIFY(x.conflicts().isEmpty());
        const QJsonObject rec = x.get(contact);
        QCOMPARE(rec.value(QStringLiteral("deleted")).toBool(), false);
        QVERIFY(!rec.contains(QStringLiteral("conflicts")));
        QCOMPARE(valuesOf(rec).value(QStringLiteral("outcome")).toString(), QStringLiteral("reached"));
        QCOMPARE(valuesOf(rec).value(QStringLiteral("method")).toString(), QStringLiteral("phone"));
    }
    CHECKED(expectConverged(d, caseload + QStringLiteral("-lw1")));
}

// The same with the person record itself: one worker updates a person's phone number while
// another deletes the person. DESIGN.md §2: the edit must be surfaced, never dropped.
void TestE2eConflicts::editVersusDeleteOfPerson()
{
    QString caseload;
    QList<Device> d;
    CHECKED(makeTeam(2, &caseload, &d));
    QString p;
    CHECKED(newPerson(d[0], &p));
    CHECKED(syncTogether(d));

    CHECKED(edit(d[0], p, {{QStringLiteral("phone"), QStringLiteral("0141 000 0009")}}));
    auto r = d[1].run({QStringLiteral("delete"), p});
    QVERIFY2(r.code == 0, r.err.constData());
    CHECKED(syncOk(d[1])); // the delete reaches the server first

    r = d[0].run({QStringLiteral("sync")});
    const QJsonObject s = jsonOf(r.out);
    QCOMPARE(r.code, 0);
    QCOMPARE(s.value(QStringLiteral("rejected")).toInt(), 0);
    const auto rejected = linesOf(d[0].run({QStringLiteral("rejected")}).out);
    if (!rejected.isEmpty())
        qInfo("refused edit: %s", qPrintable(compact(rejected.first())));
    // Whatever happened, the edit is not lost: it is still on the device that made it.
    const auto log = linesOf(d[0].run({QStringLiteral("log")}).out);
    bool held = false;
    for (const QJsonObject &w : log)
        held |= w.value(QStringLiteral("values")).toObject().value(QStringLiteral("phone")).toString()
            == QLatin1String("0141 000 0009");
    QVERIFY(held);

    CHECKED(syncOk(d[1]));
    const QList<QJsonObject> conflicts = d[1].conflicts();
    QCOMPARE(conflicts.size(), 1);
}

// Three devices edit one field offline: one conflict with three heads, the same everywhere.
void TestE2eConflicts::threeDevicesOneField()
{
    QString caseload;
    QList<Device> d;
    CHECKED(makeTeam(3, &caseload, &d));
    QString p;
    CHECKED(newPerson(d[0], &p));
    CHECKED(syncInTurn(d));
    for (int i = 0; i < 3; ++i)
        CHECKED(edit(d[i], p,
                     {{QStringLiteral("stage_of_care"),
                       QStringList{QStringLiteral("in_treatment"), QStringLiteral("post_treatment"),
                                   QStringLiteral("palliative")}[i]}}));
    CHECKED(syncTogether(d));
    QJsonArray first;
    for (const Device &x : d) {
        const QList<QJsonObject> conflicts = x.conflicts();
        QCOMPARE(conflicts.size(), 1);
        const QJsonArray cs = conflicts.first().value(QStringLiteral("conflicts")).toArray();
        QCOMPARE(cs.size(), 1);
        QCOMPARE(cs[0].toObject().value(QStringLiteral("field")).toString(), QStringLiteral("stage_of_care"));
        const QJsonArray heads = cs[0].toObject().value(QStringLiteral("heads")).toArray();
        QCOMPARE(heads.size(), 3);
        QCOMPARE(valuesOf(conflicts.first()).value(QStringLiteral("stage_of_care")),
                 heads[0].toObject().value(QStringLiteral("value")));
        if (first.isEmpty())
            first = heads;
        QCOMPARE(heads, first);
    }
    CHECKED(expectConverged(d, caseload + QStringLiteral("-lw1"), 1));
}

// A conflict resolved on one device is resolved on every device, with no conflict left.
void TestE2eConflicts::resolutionReachesEveryone()
{
    QString caseload;
    QList<Device> d;
    CHECKED(makeTeam(3, &caseload, &d));
    QString p;
    CHECKED(newPerson(d[0], &p));
    CHECKED(syncInTurn(d));
    CHECKED(edit(d[0], p, {{QStringLiteral("phone"), QStringLiteral("0141 000 0011")}}));
    CHECKED(edit(d[1], p, {{QStringLiteral("phone"), QStringLiteral("0141 000 0012")}}));
    CHECKED(syncTogether(d));
    for (const Device &x : d)
        QCOMPARE(x.conflicts().size(), 1);

    // The third worker, who made neither edit, settles it with a value of their own.
    auto r = d[2].run({QStringLiteral("resolve"), p, QStringLiteral("phone"), QStringLiteral("--json"),
                       QStringLiteral("\"0141 000 0013\"")});
    QVERIFY2(r.code == 0, r.err.constData());
    QVERIFY(d[2].conflicts().isEmpty());
    CHECKED(syncTogether(d));
    for (const Device &x : d) {
        QVERIFY(x.conflicts().isEmpty());
        const QJsonObject rec = x.get(p);
        QVERIFY(!rec.contains(QStringLiteral("conflicts")));
        QCOMPARE(valuesOf(rec).value(QStringLiteral("phone")).toString(), QStringLiteral("0141 000 0013"));
    }
    // Resolving again is refused: nothing is in conflict any more.
    r = d[0].run({QStringLiteral("resolve"), p, QStringLiteral("phone"), QStringLiteral("--json"),
                  QStringLiteral("\"0141 000 0014\"")});
    QCOMPARE(r.code, int(ErrorCode::Conflict));
    CHECKED(expectConverged(d, caseload + QStringLiteral("-lw1")));
}

// Two workers settle the same conflict differently while offline: their resolutions are the new
// heads (two, not four), shown as one conflict; a third resolution, made having seen both, ends it.
void TestE2eConflicts::concurrentResolutionsConflictAgain()
{
    QString caseload;
    QList<Device> d;
    CHECKED(makeTeam(2, &caseload, &d));
    QString p;
    CHECKED(newPerson(d[0], &p));
    CHECKED(syncInTurn(d));
    CHECKED(edit(d[0], p, {{QStringLiteral("phone"), QStringLiteral("0141 000 0041")}}));
    CHECKED(edit(d[1], p, {{QStringLiteral("phone"), QStringLiteral("0141 000 0042")}}));
    CHECKED(syncTogether(d));
    for (int i = 0; i < 2; ++i) {
        const auto r = d[i].run({QStringLiteral("resolve"), p, QStringLiteral("phone"), QStringLiteral("--json"),
                                 QStringLiteral("\"0141 000 004%1\"").arg(i + 5)});
        QVERIFY2(r.code == 0, r.err.constData());
    }
    CHECKED(syncTogether(d));
    for (const Device &x : d) {
        const QJsonArray cs = x.get(p).value(QStringLiteral("conflicts")).toArray();
        QCOMPARE(cs.size(), 1);
        const QJsonArray heads = cs[0].toObject().value(QStringLiteral("heads")).toArray();
        QCOMPARE(heads.size(), 2);
        QSet<QString> values;
        for (const QJsonValue &h : heads)
            values.insert(h.toObject().value(QStringLiteral("value")).toString());
        QCOMPARE(values, (QSet<QString>{QStringLiteral("0141 000 0045"), QStringLiteral("0141 000 0046")}));
    }
    QCOMPARE(d[0].hash(), d[1].hash());
    const auto r = d[1].run({QStringLiteral("resolve"), p, QStringLiteral("phone"), QStringLiteral("--json"),
                             QStringLiteral("\"0141 000 0047\"")});
    QVERIFY2(r.code == 0, r.err.constData());
    CHECKED(syncTogether(d));
    for (const Device &x : d) {
        QVERIFY(x.conflicts().isEmpty());
        QCOMPARE(valuesOf(x.get(p)).value(QStringLiteral("phone")).toString(), QStringLiteral("0141 000 0047"));
    }
    CHECKED(expectConverged(d, caseload + QStringLiteral("-lw1")));
}

// Two workers making the same change offline is not a conflict, and the next edit supersedes both.
void TestE2eConflicts::sameValueOnTwoDevicesIsNoConflict()
{
    QString caseload;
    QList<Device> d;
    CHECKED(makeTeam(3, &caseload, &d));
    QString p;
    CHECKED(newPerson(d[0], &p));
    CHECKED(syncInTurn(d));
    CHECKED(edit(d[0], p, {{QStringLiteral("postcode"), QStringLiteral("G20 7XN")}}));
    CHECKED(edit(d[1], p, {{QStringLiteral("postcode"), QStringLiteral("G20 7XN")}}));
    CHECKED(syncTogether(d));
    for (const Device &x : d) {
        QVERIFY(x.conflicts().isEmpty());
        QCOMPARE(valuesOf(x.get(p)).value(QStringLiteral("postcode")).toString(), QStringLiteral("G20 7XN"));
    }
    CHECKED(edit(d[2], p, {{QStringLiteral("postcode"), QStringLiteral("G21 1AA")}}));
    CHECKED(syncTogether(d));
    for (const Device &x : d) {
        QVERIFY(x.conflicts().isEmpty());
        QCOMPARE(valuesOf(x.get(p)).value(QStringLiteral("postcode")).toString(), QStringLiteral("G21 1AA"));
    }
    CHECKED(expectConverged(d, caseload + QStringLiteral("-lw1")));
}

// Editing a field that is in conflict, without resolving, leaves the conflict for a person to see.
void TestE2eConflicts::ordinaryEditDoesNotResolve()
{
    QString caseload;
    QList<Device> d;
    CHECKED(makeTeam(2, &caseload, &d));
    QString p;
    CHECKED(newPerson(d[0], &p));
    CHECKED(syncInTurn(d));
    CHECKED(edit(d[0], p, {{QStringLiteral("diagnosis"), QStringLiteral("NSCLC")}}));
    CHECKED(edit(d[1], p, {{QStringLiteral("diagnosis"), QStringLiteral("SCLC")}}));
    CHECKED(syncTogether(d));
    CHECKED(edit(d[0], p, {{QStringLiteral("diagnosis"), QStringLiteral("adenocarcinoma")}}));
    CHECKED(syncTogether(d));
    for (const Device &x : d) {
        const QJsonObject rec = x.get(p);
        const QJsonArray cs = rec.value(QStringLiteral("conflicts")).toArray();
        QCOMPARE(cs.size(), 1);
        QCOMPARE(cs[0].toObject().value(QStringLiteral("heads")).toArray().size(), 2);
        QCOMPARE(valuesOf(rec).value(QStringLiteral("diagnosis")).toString(), QStringLiteral("adenocarcinoma"));
    }
    CHECKED(expectConverged(d, caseload + QStringLiteral("-lw1"), 1));
}

// A delete made after seeing every edit is no conflict: the record is gone everywhere.
void TestE2eConflicts::deleteAfterSeeingEditIsNoConflict()
{
    QString caseload;
    QList<Device> d;
    CHECKED(makeTeam(2, &caseload, &d));
    QString p;
    CHECKED(newPerson(d[0], &p));
    auto r = d[0].run({QStringLiteral("put"), QStringLiteral("referral"), QStringLiteral("--json"),
                       compact({{QStringLiteral("person_id"), p},
                                {QStringLiteral("source"), QStringLiteral("gp")},
                                {QStringLiteral("date_received"), QStringLiteral("2025-10-01")}})});
    QVERIFY2(r.code == 0, r.err.constData());
    const QString referral = QString::fromUtf8(r.out.trimmed());
    CHECKED(syncInTurn(d));
    CHECKED(edit(d[0], referral, {{QStringLiteral("referrer"), QStringLiteral("Dr Rao")}}));
    CHECKED(syncInTurn(d)); // d[1] has now seen the edit
    r = d[1].run({QStringLiteral("delete"), referral});
    QVERIFY2(r.code == 0, r.err.constData());
    CHECKED(syncTogether(d));
    for (const Device &x : d) {
        QVERIFY(x.conflicts().isEmpty());
        const auto got = x.run({QStringLiteral("get"), referral});
        QVERIFY(got.code == int(ErrorCode::NotFound)
                || (got.code == 0 && jsonOf(got.out).value(QStringLiteral("deleted")).toBool()));
        for (const QJsonObject &rec : linesOf(x.run({QStringLiteral("list"), QStringLiteral("referral")}).out))
            QVERIFY(rec.value(QStringLiteral("id")).toString() != referral);
    }
    CHECKED(expectConverged(d, caseload + QStringLiteral("-lw1")));
}

// One device makes edits 1, 2, 3 to a field, some synced, some not; a device enrolled later gets
// the whole chain in one go and converges with no conflict.
void TestE2eConflicts::ancestorsThenEditsFromOneDevice()
{
    QString caseload;
    QList<Device> d;
    CHECKED(makeTeam(1, &caseload, &d));
    QString p;
    CHECKED(newPerson(d[0], &p, {{QStringLiteral("phone"), QStringLiteral("0141 000 0020")}}));
    CHECKED(edit(d[0], p, {{QStringLiteral("phone"), QStringLiteral("0141 000 0021")}}));
    CHECKED(syncOk(d[0]));
    CHECKED(edit(d[0], p, {{QStringLiteral("phone"), QStringLiteral("0141 000 0022")}}));
    CHECKED(edit(d[0], p, {{QStringLiteral("phone"), QStringLiteral("0141 000 0023")}}));
    CHECKED(syncOk(d[0]));
    Device late;
    CHECKED(newDevice(caseload + QStringLiteral("-lw1"), &late));
    QJsonObject s;
    CHECKED(syncOk(late, &s));
    QCOMPARE(s.value(QStringLiteral("pulled")).toInt(), 4);
    QVERIFY(late.conflicts().isEmpty());
    QCOMPARE(valuesOf(late.get(p)).value(QStringLiteral("phone")).toString(), QStringLiteral("0141 000 0023"));
    QCOMPARE(late.hash(), d[0].hash());
}

// Writes that reach the server, and then a device, before their ancestors: a device pushes a
// person, then edits 3, 2, 1 of the phone field in that order (each edit names the previous one as
// its parent). A device syncing between those pushes sees them arrive newest first; it must end
// with edit 3's value and no conflict, like the server and a device that got them all at once.
void TestE2eConflicts::writesArrivingBeforeTheirAncestors()
{
    QString caseload;
    QList<Device> d;
    CHECKED(makeTeam(1, &caseload, &d));
    const QString user = caseload + QStringLiteral("-lw1");
    QFile certFile(m_tmp->filePath(QStringLiteral("server/tls-cert.pem")));
    QVERIFY(certFile.open(QIODevice::ReadOnly));
    const QList<QSslCertificate> certs = QSslCertificate::fromData(certFile.readAll(), QSsl::Pem);
    QCOMPARE(certs.size(), 1);
    RawDevice raw(m_server->url(), certs.first());
    const QString rawId = QStringLiteral("rawdevice%1").arg(m_teams);
    QVERIFY(raw.enrol(user, password(user), rawId));

    const qint64 t0 = QDateTime::currentMSecsSinceEpoch();
    auto clock = [&](int i) { return Hlc{t0 + i, 0, rawId}.toString(); };
    const QString person = ids::newUuid();
    Write create;
    create.device = rawId;
    create.seq = 1;
    create.hlc = clock(0);
    create.recordId = person;
    create.personId = person;
    create.type = QStringLiteral("person");
    create.values = test::person();
    create.values.insert(QStringLiteral("caseload"), caseload);
    create.values.insert(QStringLiteral("phone"), QStringLiteral("0141 000 0030"));
    QList<Write> edits;
    for (int i = 1; i <= 3; ++i) {
        Write w = create;
        w.seq = i + 1;
        w.hlc = clock(i);
        w.values = QJsonObject{{QStringLiteral("phone"), QStringLiteral("0141 000 003%1").arg(i)}};
        w.parents = QJsonObject{{QStringLiteral("phone"), QJsonArray{clock(i - 1)}}};
        edits << w;
    }
    auto a = raw.push({create});
    QCOMPARE(a.status, 200);
    QCOMPARE(sync::PushResponse::decode(a.body).value().acked.size(), 1);
    CHECKED(syncOk(d[0]));
    QCOMPARE(valuesOf(d[0].get(person)).value(QStringLiteral("phone")).toString(), QStringLiteral("0141 000 0030"));

    for (int i = 2; i >= 0; --i) { // edit 3 first, then 2, then 1
        a = raw.push({edits[i]});
        QCOMPARE(a.status, 200);
        const auto resp = sync::PushResponse::decode(a.body);
        QVERIFY(resp);
        QCOMPARE(resp.value().acked.size(), 1);
        QCOMPARE(resp.value().rejected.size(), 0);
        QJsonObject s;
        CHECKED(syncOk(d[0], &s));
        QCOMPARE(s.value(QStringLiteral("pulled")).toInt(), 1);
        // Edit 3 is the value from the moment it arrives; it never goes back.
        QCOMPARE(valuesOf(d[0].get(person)).value(QStringLiteral("phone")).toString(), QStringLiteral("0141 000 0033"));
    }
    QVERIFY2(d[0].conflicts().isEmpty(), qPrintable(compact(d[0].get(person))));
    const auto v = d[0].run({QStringLiteral("verify")});
    QCOMPARE(v.code, 0);

    // A device enrolled now gets all four writes in the server's (reversed) order at once.
    Device late;
    CHECKED(newDevice(user, &late));
    CHECKED(syncOk(late));
    QVERIFY(late.conflicts().isEmpty());
    QCOMPARE(valuesOf(late.get(person)).value(QStringLiteral("phone")).toString(), QStringLiteral("0141 000 0033"));
    QCOMPARE(late.hash(), d[0].hash());

    // Pushing the same writes again is a no-op: acknowledged, nothing new stored or pulled.
    a = raw.push(QList<Write>{create} + edits);
    QCOMPARE(a.status, 200);
    QCOMPARE(sync::PushResponse::decode(a.body).value().acked.size(), 4);
    QJsonObject s;
    CHECKED(syncOk(d[0], &s));
    QCOMPARE(s.value(QStringLiteral("pulled")).toInt(), 0);
    CHECKED(expectConverged({d[0], late}, user));
}

// Re-running sync on a converged device moves nothing and changes nothing, however often.
void TestE2eConflicts::resyncIsNoOp()
{
    QString caseload;
    QList<Device> d;
    CHECKED(makeTeam(2, &caseload, &d));
    QString p;
    CHECKED(newPerson(d[0], &p));
    QString q;
    CHECKED(newPerson(d[1], &q, {{QStringLiteral("given_name"), QStringLiteral("Iain")}}));
    CHECKED(syncTogether(d));
    const QString hash = d[0].hash();
    for (int i = 0; i < 3; ++i)
        for (const Device &x : d) {
            QJsonObject s;
            CHECKED(syncOk(x, &s));
            QCOMPARE(s.value(QStringLiteral("pushed")).toInt(), 0);
            QCOMPARE(s.value(QStringLiteral("pulled")).toInt(), 0);
            QCOMPARE(s.value(QStringLiteral("conflicts")).toInt(), 0);
            QCOMPARE(x.hash(), hash);
        }
}

QTEST_GUILESS_MAIN(TestE2eConflicts)
#include "tst_e2e_conflicts.moc"
