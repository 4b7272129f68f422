// Scope and purge, end to end: real hearthctl devices of link workers and a manager against a
// real hearth-server over loopback TLS. A device only ever holds people of its user's caseloads;
// what it may not push is refused and kept; people who leave its scope are purged, except while
// the device holds changes for them the server has not accepted.
#include "e2esupport.h"
#include "serverprocess.h"
#include "testsupport.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>

#include <memory>

using namespace hearth;
using namespace hearth::test;

namespace {

// One headless device: a hearthctl store folder.
struct Device {
    QString dir;
    QString id; // the store's device id

    [[nodiscard]] test::CtlResult run(const QStringList &args) const { return test::ctl(dir, args); }
    [[nodiscard]] QString hash() const { return QString::fromUtf8(run({QStringLiteral("hash")}).out.trimmed()); }
    [[nodiscard]] QJsonObject get(const QString &record) const
    {
        return jsonOf(run({QStringLiteral("get"), record}).out);
    }
    // Ids of the live people on the device.
    [[nodiscard]] QSet<QString> people() const
    {
        QSet<QString> out;
        for (const QJsonObject &r : linesOf(run({QStringLiteral("list"), QStringLiteral("person")}).out))
            out.insert(r.value(QStringLiteral("id")).toString());
        return out;
    }
    [[nodiscard]] QList<QJsonObject> rejected() const { return linesOf(run({QStringLiteral("rejected")}).out); }
};

QJsonObject valuesOf(const QJsonObject &record)
{
    return record.value(QStringLiteral("values")).toObject();
}

} // namespace

class TestE2eScope : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void devicesHoldOnlyTheirCaseloads();
    void managerSeesWholeTeamOnly();
    void outOfScopePushIsRefusedAndKept();
    void movedPersonIsPurged();
    void movedAfterASingleSyncIsPurged();
    void unsyncedEditKeepsPersonUntilDiscarded();
    void withdrawnCaseloadIsPurged();
    void disabledUserIsRefused();
    void revokedDeviceIsRefused();

private:
    QByteArray password(const QString &user) const { return "pw-" + user.toUtf8() + "-long-enough"; }
    void addUser(const QString &user, const QString &role, const QString &team, const QString &caseloads);
    void newDevice(const QString &user, Device *out);
    void syncOk(const Device &d, QJsonObject *summary = nullptr);
    void newPerson(const Device &d, QString *id, const QJsonObject &extra = {});
    void edit(const Device &d, const QString &id, const QJsonObject &fields);
    int admin(const QStringList &args) const { return m_server->admin(args); }

    std::unique_ptr<QTemporaryDir> m_tmp;
    std::unique_ptr<test::ServerProcess> m_server;
    int m_devices = 0;
    // Shared by the first tests: lw1 (c1) and lw2 (c2) in team t1 with manager mgr; lw3 (c3) in t2.
    Device m_lw1, m_lw2, m_lw3;
    QString m_p1, m_p2, m_p3;
};

void TestE2eScope::initTestCase()
{
    if (test::ServerProcess::binary().isEmpty())
        QSKIP("hearth-server is not built in this configuration (no Qt HTTP Server)");
    m_tmp = std::make_unique<QTemporaryDir>();
    QVERIFY(m_tmp->isValid());
    m_server = std::make_unique<test::ServerProcess>(m_tmp->filePath(QStringLiteral("server")));
    QVERIFY2(m_server->start(), m_server->logs().constData());
    const QString lw = QStringLiteral("link_worker");
    CHECKED(addUser(QStringLiteral("lw1"), lw, QStringLiteral("t1"), QStringLiteral("c1")));
    CHECKED(addUser(QStringLiteral("lw2"), lw, QStringLiteral("t1"), QStringLiteral("c2")));
    CHECKED(addUser(QStringLiteral("lw3"), lw, QStringLiteral("t2"), QStringLiteral("c3")));
    CHECKED(addUser(QStringLiteral("mgr"), QStringLiteral("manager"), QStringLiteral("t1"), QString()));
    CHECKED(newDevice(QStringLiteral("lw1"), &m_lw1));
    CHECKED(newDevice(QStringLiteral("lw2"), &m_lw2));
    CHECKED(newDevice(QStringLiteral("lw3"), &m_lw3));
}

void TestE2eScope::cleanupTestCase()
{
    if (m_server)
        QVERIFY(m_server->terminate());
}

void TestE2eScope::addUser(const QString &user, const QString &role, const QString &team, const QString &caseloads)
{
    QStringList args{QStringLiteral("user"),
                     QStringLiteral("add"),
                     user,
                     QStringLiteral("--role"),
                     role,
                     QStringLiteral("--team"),
                     team};
    if (!caseloads.isEmpty())
        args << QStringLiteral("--caseloads") << caseloads;
    QCOMPARE(m_server->admin(args, password(user)), 0);
    QFile f(m_tmp->filePath(QStringLiteral("pw-") + user));
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(password(user) + '\n');
}

void TestE2eScope::newDevice(const QString &user, Device *out)
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

void TestE2eScope::syncOk(const Device &d, QJsonObject *summary)
{
    const auto r = d.run({QStringLiteral("sync")});
    QVERIFY2(r.code == 0, (r.out + r.err).constData());
    const QJsonObject s = jsonOf(r.out);
    QVERIFY2(s.value(QStringLiteral("ok")).toBool(), r.out.constData());
    if (summary)
        *summary = s;
}

void TestE2eScope::newPerson(const Device &d, QString *id, const QJsonObject &extra)
{
    QJsonObject fields = test::person();
    for (auto it = extra.begin(); it != extra.end(); ++it)
        fields.insert(it.key(), it.value());
    const auto r = d.run({QStringLiteral("put"), QStringLiteral("person"), QStringLiteral("--json"), compact(fields)});
    QVERIFY2(r.code == 0, r.err.constData());
    *id = QString::fromUtf8(r.out.trimmed());
    QVERIFY(ids::isUuid(*id));
}

void TestE2eScope::edit(const Device &d, const QString &id, const QJsonObject &fields)
{
    const auto r = d.run({QStringLiteral("edit"), id, QStringLiteral("--json"), compact(fields)});
    QVERIFY2(r.code == 0, r.err.constData());
}

// Each link worker's device receives the people of its own caseload and nobody else's.
void TestE2eScope::devicesHoldOnlyTheirCaseloads()
{
    CHECKED(newPerson(m_lw1, &m_p1, {{QStringLiteral("given_name"), QStringLiteral("Ailsa")}}));
    CHECKED(newPerson(m_lw2, &m_p2, {{QStringLiteral("given_name"), QStringLiteral("Brodie")}}));
    CHECKED(newPerson(m_lw3, &m_p3, {{QStringLiteral("given_name"), QStringLiteral("Catriona")}}));
    QCOMPARE(valuesOf(m_lw1.get(m_p1)).value(QStringLiteral("caseload")).toString(), QStringLiteral("c1"));
    for (int round = 0; round < 2; ++round)
        for (const Device *d : {&m_lw1, &m_lw2, &m_lw3})
            CHECKED(syncOk(*d));
    QCOMPARE(m_lw1.people(), QSet<QString>{m_p1});
    QCOMPARE(m_lw2.people(), QSet<QString>{m_p2});
    QCOMPARE(m_lw3.people(), QSet<QString>{m_p3});
    // A second device of lw1 gets exactly lw1's caseload too.
    Device again;
    CHECKED(newDevice(QStringLiteral("lw1"), &again));
    CHECKED(syncOk(again));
    QCOMPARE(again.people(), QSet<QString>{m_p1});
    QCOMPARE(again.hash(), m_lw1.hash());
    // Nor does any record of another caseload's person reach it (not just the person record).
    for (const QJsonObject &r : linesOf(again.run({QStringLiteral("list")}).out))
        QCOMPARE(r.value(QStringLiteral("person")).toString(), m_p1);
}

// A manager sees every caseload of their team (and no other team's) and may edit there.
void TestE2eScope::managerSeesWholeTeamOnly()
{
    Device m;
    CHECKED(newDevice(QStringLiteral("mgr"), &m));
    QJsonObject s;
    CHECKED(syncOk(m, &s));
    QCOMPARE(m.people(), (QSet<QString>{m_p1, m_p2}));
    CHECKED(edit(m, m_p2, {{QStringLiteral("phone"), QStringLiteral("0141 000 0100")}}));
    CHECKED(syncOk(m, &s));
    QCOMPARE(s.value(QStringLiteral("pushed")).toInt(), 1);
    QCOMPARE(s.value(QStringLiteral("rejected")).toInt(), 0);
    CHECKED(syncOk(m_lw2));
    QCOMPARE(valuesOf(m_lw2.get(m_p2)).value(QStringLiteral("phone")).toString(), QStringLiteral("0141 000 0100"));
    CHECKED(syncOk(m_lw1));
    QCOMPARE(m_lw1.people(), QSet<QString>{m_p1});
}

// A device that creates a person in a caseload its user does not hold has the write refused
// (out_of_scope), listed with its reason, and kept: never lost, never re-sent, never seen elsewhere.
void TestE2eScope::outOfScopePushIsRefusedAndKept()
{
    QString stray;
    CHECKED(newPerson(m_lw1, &stray,
                      {{QStringLiteral("given_name"), QStringLiteral("Dougie")},
                       {QStringLiteral("caseload"), QStringLiteral("c3")}}));
    auto r = m_lw1.run({QStringLiteral("sync")});
    QCOMPARE(r.code, 0);
    QJsonObject s = jsonOf(r.out);
    QCOMPARE(s.value(QStringLiteral("ok")).toBool(), true);
    QCOMPARE(s.value(QStringLiteral("pushed")).toInt(), 0);
    QCOMPARE(s.value(QStringLiteral("rejected")).toInt(), 1);
    QCOMPARE(s.value(QStringLiteral("pending")).toInt(), 0);

    const QList<QJsonObject> rejected = m_lw1.rejected();
    QCOMPARE(rejected.size(), 1);
    QCOMPARE(rejected[0].value(QStringLiteral("record")).toString(), stray);
    QCOMPARE(rejected[0].value(QStringLiteral("device")).toString(), m_lw1.id);
    QCOMPARE(rejected[0].value(QStringLiteral("code")).toString(), QStringLiteral("out_of_scope"));
    QVERIFY2(rejected[0].value(QStringLiteral("reason")).toString().contains(QLatin1String("not in your caseloads")),
             qPrintable(compact(rejected[0])));
    QCOMPARE(rejected[0].value(QStringLiteral("values")).toObject().value(QStringLiteral("given_name")).toString(),
             QStringLiteral("Dougie"));
    // Kept on the device, with its data.
    QCOMPARE(valuesOf(m_lw1.get(stray)).value(QStringLiteral("given_name")).toString(), QStringLiteral("Dougie"));
    QVERIFY(m_lw1.people().contains(stray));

    // Not re-sent on the next sync, still listed; nobody else ever receives it.
    CHECKED(syncOk(m_lw1, &s));
    QCOMPARE(s.value(QStringLiteral("rejected")).toInt(), 0);
    QCOMPARE(s.value(QStringLiteral("pushed")).toInt(), 0);
    QCOMPARE(m_lw1.rejected().size(), 1);
    CHECKED(syncOk(m_lw3));
    QVERIFY(!m_lw3.people().contains(stray));
    Device m;
    CHECKED(newDevice(QStringLiteral("mgr"), &m));
    CHECKED(syncOk(m));
    QVERIFY(!m.people().contains(stray));

    // Discarding it (after handing it over) removes it and the record it made.
    const auto d = m_lw1.run(
        {QStringLiteral("discard"), m_lw1.id, QString::number(rejected[0].value(QStringLiteral("seq")).toInteger())});
    QVERIFY2(d.code == 0, d.err.constData());
    QVERIFY(m_lw1.rejected().isEmpty());
    QVERIFY(!m_lw1.people().contains(stray));
    QCOMPARE(m_lw1.people(), QSet<QString>{m_p1});
}

// A manager moves a person to another caseload: the old worker's device purges them at its next
// sync, the new worker's device receives their whole history.
void TestE2eScope::movedPersonIsPurged()
{
    QString p;
    CHECKED(newPerson(m_lw1, &p, {{QStringLiteral("given_name"), QStringLiteral("Eilidh")}}));
    CHECKED(edit(m_lw1, p, {{QStringLiteral("phone"), QStringLiteral("0141 000 0200")}}));
    auto r = m_lw1.run({QStringLiteral("put"), QStringLiteral("contact"), QStringLiteral("--json"),
                        compact({{QStringLiteral("person_id"), p},
                                 {QStringLiteral("date"), QStringLiteral("2025-11-03")},
                                 {QStringLiteral("method"), QStringLiteral("home_visit")},
                                 {QStringLiteral("outcome"), QStringLiteral("reached")}})});
    QVERIFY2(r.code == 0, r.err.constData());
    const QString contact = QString::fromUtf8(r.out.trimmed());
    CHECKED(syncOk(m_lw1));
    CHECKED(syncOk(m_lw1));
    Device m;
    CHECKED(newDevice(QStringLiteral("mgr"), &m));
    CHECKED(syncOk(m));
    CHECKED(edit(m, p, {{QStringLiteral("caseload"), QStringLiteral("c2")}}));
    QJsonObject s;
    CHECKED(syncOk(m, &s));
    QCOMPARE(s.value(QStringLiteral("pushed")).toInt(), 1);

    CHECKED(syncOk(m_lw1, &s));
    QCOMPARE(s.value(QStringLiteral("purged")).toInt(), 1);
    QCOMPARE(s.value(QStringLiteral("kept_for_handover")).toInt(), 0);
    QVERIFY(!m_lw1.people().contains(p));
    QCOMPARE(m_lw1.run({QStringLiteral("get"), p}).code, int(ErrorCode::NotFound));
    // Nothing of the person is left in the device's log either.
    for (const QJsonObject &w : linesOf(m_lw1.run({QStringLiteral("log")}).out))
        QVERIFY(w.value(QStringLiteral("person")).toString() != p);
    CHECKED(syncOk(m_lw1, &s));
    QCOMPARE(s.value(QStringLiteral("purged")).toInt(), 0);
    QCOMPARE(s.value(QStringLiteral("pulled")).toInt(), 0);

    CHECKED(syncOk(m_lw2, &s));
    QVERIFY(m_lw2.people().contains(p));
    const QJsonObject moved = valuesOf(m_lw2.get(p));
    QCOMPARE(moved.value(QStringLiteral("caseload")).toString(), QStringLiteral("c2"));
    QCOMPARE(moved.value(QStringLiteral("phone")).toString(), QStringLiteral("0141 000 0200"));
    QCOMPARE(moved, valuesOf(m.get(p)));
    // The person's other records come with them, and leave the old device with them.
    QCOMPARE(valuesOf(m_lw2.get(contact)).value(QStringLiteral("method")).toString(), QStringLiteral("home_visit"));
    QCOMPARE(m_lw1.run({QStringLiteral("get"), contact}).code, int(ErrorCode::NotFound));
}

// The same move when the old worker's device had synced the person only once before it. The
// server lists a person for purging only once the device has confirmed receiving them, and that
// confirmation rides on the device's next pull: by then the person is out of scope.
void TestE2eScope::movedAfterASingleSyncIsPurged()
{
    Device a;
    CHECKED(newDevice(QStringLiteral("lw1"), &a));
    QString p;
    CHECKED(newPerson(a, &p, {{QStringLiteral("given_name"), QStringLiteral("Fraser")}}));
    CHECKED(syncOk(a)); // pushed, and pulled back once
    Device m;
    CHECKED(newDevice(QStringLiteral("mgr"), &m));
    CHECKED(syncOk(m));
    CHECKED(edit(m, p, {{QStringLiteral("caseload"), QStringLiteral("c2")}}));
    CHECKED(syncOk(m));

    int purged = 0;
    for (int i = 0; i < 3; ++i) {
        QJsonObject s;
        CHECKED(syncOk(a, &s));
        purged += s.value(QStringLiteral("purged")).toInt();
    }
    QCOMPARE(purged, 1);
    QVERIFY(!a.people().contains(p));
}

// An unsynced edit for a person who has moved: the edit is refused and kept, the person is not
// purged (kept for handover) until the edit is discarded; then the next sync purges.
void TestE2eScope::unsyncedEditKeepsPersonUntilDiscarded()
{
    Device a;
    CHECKED(newDevice(QStringLiteral("lw1"), &a));
    QString p;
    CHECKED(newPerson(a, &p, {{QStringLiteral("given_name"), QStringLiteral("Greer")}}));
    CHECKED(syncOk(a));
    CHECKED(syncOk(a));
    CHECKED(edit(a, p, {{QStringLiteral("phone"), QStringLiteral("0141 000 0300")}}));
    Device m;
    CHECKED(newDevice(QStringLiteral("mgr"), &m));
    CHECKED(syncOk(m));
    CHECKED(edit(m, p, {{QStringLiteral("caseload"), QStringLiteral("c2")}}));
    CHECKED(syncOk(m));

    QJsonObject s;
    CHECKED(syncOk(a, &s));
    QCOMPARE(s.value(QStringLiteral("rejected")).toInt(), 1);
    QCOMPARE(s.value(QStringLiteral("purged")).toInt(), 0);
    QCOMPARE(s.value(QStringLiteral("kept_for_handover")).toInt(), 1);
    QVERIFY(a.people().contains(p));
    QCOMPARE(valuesOf(a.get(p)).value(QStringLiteral("phone")).toString(), QStringLiteral("0141 000 0300"));
    const QList<QJsonObject> rejected = a.rejected();
    QCOMPARE(rejected.size(), 1);
    QCOMPARE(rejected[0].value(QStringLiteral("code")).toString(), QStringLiteral("out_of_scope"));
    QCOMPARE(rejected[0].value(QStringLiteral("person")).toString(), p);
    QCOMPARE(rejected[0].value(QStringLiteral("values")).toObject().value(QStringLiteral("phone")).toString(),
             QStringLiteral("0141 000 0300"));
    QVERIFY(!rejected[0].value(QStringLiteral("reason")).toString().isEmpty());

    // Still kept on the next sync, and the edit never reached the new caseload.
    CHECKED(syncOk(a, &s));
    QCOMPARE(s.value(QStringLiteral("kept_for_handover")).toInt(), 1);
    QCOMPARE(s.value(QStringLiteral("purged")).toInt(), 0);
    QVERIFY(a.people().contains(p));
    CHECKED(syncOk(m_lw2));
    QVERIFY(m_lw2.people().contains(p));
    QVERIFY(!valuesOf(m_lw2.get(p)).contains(QStringLiteral("phone")));

    // Handed over (here: discarded); the next sync purges.
    auto r =
        a.run({QStringLiteral("discard"), a.id, QString::number(rejected[0].value(QStringLiteral("seq")).toInteger())});
    QVERIFY2(r.code == 0, r.err.constData());
    QVERIFY(a.rejected().isEmpty());
    r = a.run({QStringLiteral("discard"), a.id, QString::number(rejected[0].value(QStringLiteral("seq")).toInteger())});
    QCOMPARE(r.code, int(ErrorCode::NotFound));
    CHECKED(syncOk(a, &s));
    QCOMPARE(s.value(QStringLiteral("purged")).toInt(), 1);
    QCOMPARE(s.value(QStringLiteral("kept_for_handover")).toInt(), 0);
    QVERIFY(!a.people().contains(p));
    QCOMPARE(a.run({QStringLiteral("get"), p}).code, int(ErrorCode::NotFound));
}

// An administrator takes a whole caseload from a worker: their device purges all of it.
void TestE2eScope::withdrawnCaseloadIsPurged()
{
    CHECKED(addUser(QStringLiteral("lw7"), QStringLiteral("link_worker"), QStringLiteral("t3"), QStringLiteral("c7")));
    Device d;
    CHECKED(newDevice(QStringLiteral("lw7"), &d));
    QString p, q;
    CHECKED(newPerson(d, &p));
    CHECKED(newPerson(d, &q, {{QStringLiteral("given_name"), QStringLiteral("Hamish")}}));
    CHECKED(syncOk(d));
    CHECKED(syncOk(d));
    QCOMPARE(admin({QStringLiteral("user"), QStringLiteral("caseloads"), QStringLiteral("lw7"), QStringLiteral("c8")}),
             0);
    QJsonObject s;
    CHECKED(syncOk(d, &s));
    QCOMPARE(s.value(QStringLiteral("purged")).toInt(), 2);
    QVERIFY(d.people().isEmpty());
    // Given back: the caseload returns with its history.
    QCOMPARE(admin({QStringLiteral("user"), QStringLiteral("caseloads"), QStringLiteral("lw7"), QStringLiteral("c7")}),
             0);
    CHECKED(syncOk(d, &s));
    QCOMPARE(d.people(), (QSet<QString>{p, q}));
    QCOMPARE(valuesOf(d.get(q)).value(QStringLiteral("given_name")).toString(), QStringLiteral("Hamish"));
}

// A disabled user's devices get a clear refusal (and so does a new enrolment); enabling again
// lets them sync, with nothing lost meanwhile.
void TestE2eScope::disabledUserIsRefused()
{
    CHECKED(addUser(QStringLiteral("lw5"), QStringLiteral("link_worker"), QStringLiteral("t1"), QStringLiteral("c1")));
    Device d;
    CHECKED(newDevice(QStringLiteral("lw5"), &d));
    CHECKED(syncOk(d));
    QString p;
    CHECKED(newPerson(d, &p));
    QCOMPARE(admin({QStringLiteral("user"), QStringLiteral("disable"), QStringLiteral("lw5")}), 0);

    auto r = d.run({QStringLiteral("sync")});
    QCOMPARE(r.code, int(ErrorCode::Refused));
    QJsonObject s = jsonOf(r.out);
    QCOMPARE(s.value(QStringLiteral("ok")).toBool(), false);
    QVERIFY2(s.value(QStringLiteral("error")).toString().contains(QLatin1String("disabled")), r.out.constData());
    QCOMPARE(s.value(QStringLiteral("pending")).toInt(), 1); // the new person waits, not lost
    QVERIFY(r.err.contains("disabled"));

    Device fresh;
    fresh.dir = m_tmp->filePath(QStringLiteral("device-disabled"));
    QCOMPARE(test::ctl(fresh.dir, {QStringLiteral("init"), QStringLiteral("--kdf-n"), QStringLiteral("1024")}).code, 0);
    r = fresh.run({QStringLiteral("enrol"), QStringLiteral("--server"), m_server->url(), QStringLiteral("--user"),
                   QStringLiteral("lw5"), QStringLiteral("--password-file"), m_tmp->filePath(QStringLiteral("pw-lw5")),
                   QStringLiteral("--pin"), m_server->pin()});
    QCOMPARE(r.code, int(ErrorCode::Refused));
    QVERIFY2(r.err.contains("disabled"), r.err.constData());

    QCOMPARE(admin({QStringLiteral("user"), QStringLiteral("enable"), QStringLiteral("lw5")}), 0);
    CHECKED(syncOk(d, &s));
    QCOMPARE(s.value(QStringLiteral("pushed")).toInt(), 1);
    QCOMPARE(s.value(QStringLiteral("pending")).toInt(), 0);
    CHECKED(syncOk(m_lw1));
    QVERIFY(m_lw1.people().contains(p));
}

// A revoked device is refused with a message that says so; its data stays on it; the user's other
// devices carry on.
void TestE2eScope::revokedDeviceIsRefused()
{
    CHECKED(addUser(QStringLiteral("lw6"), QStringLiteral("link_worker"), QStringLiteral("t1"), QStringLiteral("c1")));
    Device lost, other;
    CHECKED(newDevice(QStringLiteral("lw6"), &lost));
    CHECKED(newDevice(QStringLiteral("lw6"), &other));
    CHECKED(syncOk(lost));
    QString p;
    CHECKED(newPerson(lost, &p));
    const QString before = lost.hash();
    QCOMPARE(admin({QStringLiteral("device"), QStringLiteral("revoke"), lost.id}), 0);

    auto r = lost.run({QStringLiteral("sync")});
    QCOMPARE(r.code, int(ErrorCode::Refused));
    const QJsonObject s = jsonOf(r.out);
    QCOMPARE(s.value(QStringLiteral("ok")).toBool(), false);
    QVERIFY2(s.value(QStringLiteral("error")).toString().contains(QLatin1String("revoked")), r.out.constData());
    QCOMPARE(s.value(QStringLiteral("pending")).toInt(), 1);
    QCOMPARE(lost.hash(), before);
    QVERIFY(lost.people().contains(p));

    CHECKED(syncOk(other));
    QVERIFY(!other.people().contains(p));
    // Revoking a device that does not exist is an error an administrator can see.
    QVERIFY(admin({QStringLiteral("device"), QStringLiteral("revoke"), QStringLiteral("nosuchdevice")}) != 0);
}

QTEST_GUILESS_MAIN(TestE2eScope)
#include "tst_e2e_scope.moc"
