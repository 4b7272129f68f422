#include "hlc.h"
#include "testsupport.h"

#include <QRandomGenerator>
#include <QTemporaryDir>

#include <algorithm>

using namespace hearth;

// Real encrypted stores exchanging their revision logs through Store::applyRemote, as the sync
// engine does: in any order, in pieces, with repeats. Replicas holding the same writes must hash
// the same, and no write may be lost.
class TestReplication : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void pendingAndMarkSent();
    void applyRemoteIsIdempotentAndOrderFree();
    void randomOfflineEditingConverges();
    void purgeRefusesWhileChangesAreUnsent();
    void syncValuesAreEncrypted();
    void refusedWritesStayVisibleUntilDiscarded();

private:
    static std::unique_ptr<Store> make(QTemporaryDir &tmp, const QString &name)
    {
        auto s = Store::create(tmp.filePath(name), "correct horse", test::fastOptions());
        if (!s)
            qFatal("%s", qPrintable(s.error().toString()));
        return std::move(s).value();
    }
    static QList<Write> logOf(const Store &s)
    {
        QList<Write> out;
        (void)s.forEachWrite([&](const Write &w, bool) { out << w; });
        return out;
    }
};

void TestReplication::pendingAndMarkSent()
{
    QTemporaryDir tmp;
    auto a = make(tmp, QStringLiteral("a"));
    const QString id = a->put(QStringLiteral("person"), test::person()).value();
    QVERIFY(a->edit(id, QJsonObject{{QStringLiteral("phone"), QStringLiteral("1")}}).ok());
    auto pending = a->pendingWrites(10).value();
    QCOMPARE(pending.size(), 2);
    QCOMPARE(pending.first().seq, 1);
    QVERIFY(a->markSent({{pending.first().device, pending.first().seq}}).ok());
    QCOMPARE(a->pendingCount().value(), 1);
    QCOMPARE(a->pendingWrites(10).value().first().seq, 2);
    // Writes received from elsewhere are never pending here.
    auto b = make(tmp, QStringLiteral("b"));
    QCOMPARE(b->applyRemote(logOf(*a)).value(), 2);
    QCOMPARE(b->pendingCount().value(), 0);
}

void TestReplication::applyRemoteIsIdempotentAndOrderFree()
{
    QTemporaryDir tmp;
    auto a = make(tmp, QStringLiteral("a"));
    const QString id = a->put(QStringLiteral("person"), test::person()).value();
    for (int i = 0; i < 5; ++i)
        QVERIFY(a->edit(id, QJsonObject{{QStringLiteral("phone"), QString::number(i)}}).ok());
    QList<Write> log = logOf(*a);
    auto b = make(tmp, QStringLiteral("b"));
    std::reverse(log.begin(), log.end()); // children before their ancestors
    QCOMPARE(b->applyRemote(log.mid(0, 3)).value(), 3);
    QCOMPARE(b->applyRemote(log).value(), 3);
    QCOMPARE(b->applyRemote(log).value(), 0);
    QCOMPARE(b->hash().value(), a->hash().value());
    QVERIFY(b->verifyAgainstLog().value().isEmpty());
    QVERIFY(b->conflicted().value().isEmpty());
    // A forged re-delivery (same id, other contents) is refused and changes nothing.
    Write forged = log.first();
    forged.hlc = Hlc{1, 0, forged.device}.toString();
    const QString before = b->hash().value();
    QCOMPARE(b->applyRemote({forged}).error().code, ErrorCode::Corrupt);
    QCOMPARE(b->hash().value(), before);
}

void TestReplication::randomOfflineEditingConverges()
{
    const int seeds = qEnvironmentVariableIntValue("HEARTH_REPLICATION_SEEDS") > 0
        ? qEnvironmentVariableIntValue("HEARTH_REPLICATION_SEEDS")
        : 40;
    const QStringList statuses = {QStringLiteral("planned"), QStringLiteral("in_progress"), QStringLiteral("done"),
                                  QStringLiteral("not_needed")};
    for (int seed = 1; seed <= seeds; ++seed) {
        QRandomGenerator rng{quint32(seed)};
        QTemporaryDir tmp;
        const int k = 2 + int(rng.bounded(3));
        std::vector<std::unique_ptr<Store>> devs;
        for (int i = 0; i < k; ++i)
            devs.push_back(make(tmp, QStringLiteral("d%1").arg(i)));
        // A shared starting point: one person with a few care actions on every device.
        const QString person = devs[0]->put(QStringLiteral("person"), test::person()).value();
        QStringList actions;
        for (int i = 0; i < 3; ++i)
            actions << devs[0]
                           ->put(QStringLiteral("care_action"),
                                 QJsonObject{{QStringLiteral("person_id"), person},
                                             {QStringLiteral("action"), QStringLiteral("Action %1").arg(i)},
                                             {QStringLiteral("owner"), QStringLiteral("link_worker")},
                                             {QStringLiteral("status"), QStringLiteral("planned")}})
                           .value();
        for (int i = 1; i < k; ++i)
            QVERIFY(devs[i]->applyRemote(logOf(*devs[0])).ok());

        for (int step = 0; step < 25; ++step) {
            Store &d = *devs[size_t(rng.bounded(k))];
            const QString target = actions[int(rng.bounded(int(actions.size())))];
            const int op = int(rng.bounded(10));
            auto rec = d.get(target).value();
            if (op < 6 && !rec.deleted) {
                const auto st = d.edit(target,
                                       QJsonObject{{QStringLiteral("status"), statuses[int(rng.bounded(4))]},
                                                   {QStringLiteral("outcome"), QStringLiteral("o%1").arg(step)}});
                QVERIFY2(st.ok(), qPrintable(st.ok() ? QString() : st.error().toString()));
            } else if (op < 7 && !rec.deleted) {
                QVERIFY(d.remove(target).ok());
            } else if (op < 8 && !rec.conflicts.isEmpty()) {
                const Conflict &c = rec.conflicts.first();
                if (!c.deleteClock.isEmpty())
                    QVERIFY(d.resolve(target, DeletedField, bool(rng.bounded(2))).ok());
                else
                    QVERIFY(d.resolve(target, c.field, c.heads.last().value).ok());
            } else { // partial sync from another device
                Store &from = *devs[size_t(rng.bounded(k))];
                QList<Write> log = logOf(from);
                std::shuffle(log.begin(), log.end(), rng);
                QVERIFY(d.applyRemote(log.mid(0, int(rng.bounded(int(log.size()) + 1)))).ok());
            }
        }
        // Everyone receives everything, in a shuffled order, in pieces.
        QList<Write> all;
        for (auto &d : devs)
            all += logOf(*d);
        for (auto &d : devs) {
            QList<Write> order = all;
            std::shuffle(order.begin(), order.end(), rng);
            for (int i = 0; i < order.size(); i += 7)
                QVERIFY(d->applyRemote(order.mid(i, 7)).ok());
        }
        const QString h = devs[0]->hash().value();
        for (auto &d : devs) {
            QCOMPARE(d->hash().value(), h);
            QVERIFY(d->verifyAgainstLog().value().isEmpty());
            QCOMPARE(d->writeCount().value(), devs[0]->writeCount().value());
        }
    }
}

void TestReplication::purgeRefusesWhileChangesAreUnsent()
{
    QTemporaryDir tmp;
    auto a = make(tmp, QStringLiteral("a"));
    const QString id = a->put(QStringLiteral("person"), test::person()).value();
    auto st = a->purgePerson(id);
    QCOMPARE(st.error().code, ErrorCode::Conflict);
    QVERIFY(a->get(id).ok());
    QList<Store::WriteId> ids;
    for (const Write &w : a->pendingWrites(100).value())
        ids << Store::WriteId{w.device, w.seq};
    QVERIFY(a->markSent(ids).ok());
    QVERIFY(a->purgePerson(id).ok());
    QCOMPARE(a->get(id).error().code, ErrorCode::NotFound);
    QCOMPARE(a->reader().value()->caseload(QDate(2025, 1, 1)).value().size(), 0);
    QCOMPARE(a->writeCount().value(), 0);
}

void TestReplication::syncValuesAreEncrypted()
{
    QTemporaryDir tmp;
    {
        auto a = make(tmp, QStringLiteral("a"));
        QVERIFY(a->setSyncValue(QStringLiteral("token"), QStringLiteral("secret-device-token-xyz")).ok());
        QCOMPARE(a->syncValue(QStringLiteral("token")).value(), QStringLiteral("secret-device-token-xyz"));
        QCOMPARE(a->syncValue(QStringLiteral("missing")).value(), QString());
    }
    QFile f(tmp.filePath(QStringLiteral("a/hearth.db")));
    QVERIFY(f.open(QIODevice::ReadOnly));
    QVERIFY(!f.readAll().contains("secret-device-token-xyz"));
}

void TestReplication::refusedWritesStayVisibleUntilDiscarded()
{
    QTemporaryDir tmp;
    auto a = make(tmp, QStringLiteral("a"));
    const QString id = a->put(QStringLiteral("person"), test::person()).value();
    QList<Store::WriteId> first;
    for (const Write &w : a->pendingWrites(10).value())
        first << Store::WriteId{w.device, w.seq};
    QVERIFY(a->markSent(first).ok());
    const QString before = a->hash().value();
    QVERIFY(a->edit(id, QJsonObject{{QStringLiteral("phone"), QStringLiteral("07700 900555")}}).ok());
    const Write edit = a->pendingWrites(10).value().first();
    QVERIFY(a->markRejected({{{edit.device, edit.seq},
                              QStringLiteral("out_of_scope"),
                              QStringLiteral("This person has moved to another caseload")}})
                .ok());
    QCOMPARE(a->pendingCount().value(), 0);
    const auto rejected = a->rejectedWrites().value();
    QCOMPARE(rejected.size(), 1);
    QCOMPARE(rejected.first().code, QStringLiteral("out_of_scope"));
    QCOMPARE(rejected.first().write.values.value(QStringLiteral("phone")).toString(), QStringLiteral("07700 900555"));
    // Never purged silently while refused changes are unresolved.
    QCOMPARE(a->purgePerson(id).error().code, ErrorCode::Conflict);
    QVERIFY(a->discardRejected({{edit.device, edit.seq}}).ok());
    QVERIFY(a->rejectedWrites().value().isEmpty());
    QCOMPARE(a->hash().value(), before);
    QVERIFY(a->verifyAgainstLog().value().isEmpty());
    QVERIFY(a->purgePerson(id).ok());
}

QTEST_GUILESS_MAIN(TestReplication)
#include "tst_replication.moc"
