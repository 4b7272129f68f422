#include "hlc.h"
#include "merge.h"

#include <QCborStreamWriter>
#include <QCborValue>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QSet>
#include <QTest>

#include <algorithm>

using namespace hearth;

namespace {

const QString kRecord = QStringLiteral("0f8fad5b-d9cb-469f-a165-70867728950e");

// A replica of one record: applies writes the way the store does (dedupe by clock, then merge).
struct Replica {
    RecordState state;
    QSet<QString> seen;
    QString device;
    quint32 counter = 0;

    void receive(const Write &w)
    {
        if (seen.contains(w.hlc))
            return;
        state.apply(w, [&](const QString &h) { return seen.contains(h); });
        seen.insert(w.hlc);
    }

    Write edit(const QString &field, const QJsonValue &value, qint64 wall, bool resolve = false)
    {
        Write w;
        w.device = device;
        w.seq = ++counter;
        w.hlc = Hlc{wall, counter, device}.toString();
        w.recordId = kRecord;
        w.type = QStringLiteral("care_action");
        w.personId = kRecord;
        w.values.insert(field, value);
        const QJsonArray parents = resolve ? state.resolveParents(field) : state.editParents(field);
        if (!parents.isEmpty())
            w.parents.insert(field, parents);
        receive(w);
        return w;
    }

    Write remove(qint64 wall)
    {
        Write w;
        w.device = device;
        w.seq = ++counter;
        w.hlc = Hlc{wall, counter, device}.toString();
        w.recordId = kRecord;
        w.type = QStringLiteral("care_action");
        w.personId = kRecord;
        for (auto it = state.fields.cbegin(); it != state.fields.cend(); ++it)
            w.parents.insert(it.key(), state.resolveParents(it.key()));
        w.values.insert(DeletedField, true);
        receive(w);
        return w;
    }
};

QByteArray exported(const RecordState &s)
{
    return QJsonDocument(s.exportJson()).toJson(QJsonDocument::Compact);
}

QByteArray full(const RecordState &s)
{
    return QJsonDocument(s.toJson()).toJson(QJsonDocument::Compact);
}

} // namespace

class TestMerge : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void sequentialEditsHaveOneHead();
    void sameFieldConcurrentIsConflict();
    void differentFieldsMergeWithoutConflict();
    void resolutionRetiresAllHeads();
    void ordinaryEditDoesNotResolveSilently();
    void sameValueIsNotAConflict();
    void editVersusDelete();
    void deleteAfterSeenEditIsClean();
    void restoreKeepsEveryField();
    void lateAncestorNeverBecomesHead();
    void reapplyIsNoOp();
    void stateRoundTrips();
    void encodeMatchesStreamWriter();
    void randomHistoriesConvergeInAnyOrder();
};

void TestMerge::sequentialEditsHaveOneHead()
{
    Replica a{{}, {}, QStringLiteral("aa")};
    a.edit(QStringLiteral("status"), QStringLiteral("planned"), 1);
    a.edit(QStringLiteral("status"), QStringLiteral("in_progress"), 2);
    a.edit(QStringLiteral("status"), QStringLiteral("done"), 3);
    QCOMPARE(a.state.fields.value(QStringLiteral("status")).heads.size(), 1);
    QCOMPARE(a.state.value(QStringLiteral("status")).toString(), QStringLiteral("done"));
    QVERIFY(a.state.conflicts().isEmpty());
}

void TestMerge::sameFieldConcurrentIsConflict()
{
    Replica a{{}, {}, QStringLiteral("aa")}, b{{}, {}, QStringLiteral("bb")};
    const Write base = a.edit(QStringLiteral("status"), QStringLiteral("planned"), 1);
    b.receive(base);
    const Write wa = a.edit(QStringLiteral("status"), QStringLiteral("done"), 10);
    const Write wb = b.edit(QStringLiteral("status"), QStringLiteral("not_needed"), 11);
    a.receive(wb);
    b.receive(wa);
    QCOMPARE(exported(a.state), exported(b.state));
    const auto cs = a.state.conflicts();
    QCOMPARE(cs.size(), 1);
    QCOMPARE(cs.first().heads.size(), 2);
    // Deterministic winner: the greater clock.
    QCOMPARE(a.state.value(QStringLiteral("status")).toString(), QStringLiteral("not_needed"));
}

void TestMerge::differentFieldsMergeWithoutConflict()
{
    Replica a{{}, {}, QStringLiteral("aa")}, b{{}, {}, QStringLiteral("bb")};
    b.receive(a.edit(QStringLiteral("status"), QStringLiteral("planned"), 1));
    b.receive(a.edit(QStringLiteral("owner"), QStringLiteral("gp"), 2));
    const Write wa = a.edit(QStringLiteral("status"), QStringLiteral("done"), 10);
    const Write wb = b.edit(QStringLiteral("owner"), QStringLiteral("person"), 11);
    a.receive(wb);
    b.receive(wa);
    QCOMPARE(exported(a.state), exported(b.state));
    QVERIFY(a.state.conflicts().isEmpty());
    QCOMPARE(a.state.value(QStringLiteral("status")).toString(), QStringLiteral("done"));
    QCOMPARE(a.state.value(QStringLiteral("owner")).toString(), QStringLiteral("person"));
}

void TestMerge::resolutionRetiresAllHeads()
{
    Replica a{{}, {}, QStringLiteral("aa")}, b{{}, {}, QStringLiteral("bb")}, c{{}, {}, QStringLiteral("cc")};
    const Write base = a.edit(QStringLiteral("status"), QStringLiteral("planned"), 1);
    b.receive(base);
    c.receive(base);
    const Write wa = a.edit(QStringLiteral("status"), QStringLiteral("done"), 10);
    const Write wb = b.edit(QStringLiteral("status"), QStringLiteral("not_needed"), 11);
    const Write wc = c.edit(QStringLiteral("status"), QStringLiteral("in_progress"), 12);
    for (Replica *r : {&a, &b, &c})
        for (const Write &w : {wa, wb, wc})
            r->receive(w);
    QCOMPARE(a.state.conflicts().first().heads.size(), 3);
    const Write fix = b.edit(QStringLiteral("status"), QStringLiteral("done"), 20, true);
    a.receive(fix);
    c.receive(fix);
    for (Replica *r : {&a, &b, &c}) {
        QVERIFY(r->state.conflicts().isEmpty());
        QCOMPARE(r->state.value(QStringLiteral("status")).toString(), QStringLiteral("done"));
    }
}

void TestMerge::ordinaryEditDoesNotResolveSilently()
{
    Replica a{{}, {}, QStringLiteral("aa")}, b{{}, {}, QStringLiteral("bb")};
    b.receive(a.edit(QStringLiteral("status"), QStringLiteral("planned"), 1));
    const Write wa = a.edit(QStringLiteral("status"), QStringLiteral("done"), 10);
    b.receive(b.edit(QStringLiteral("status"), QStringLiteral("not_needed"), 11));
    b.receive(wa);
    QVERIFY(!b.state.conflicts().isEmpty());
    b.edit(QStringLiteral("status"), QStringLiteral("in_progress"), 30);
    QVERIFY2(!b.state.conflicts().isEmpty(), "an ordinary edit must not drop the other side of a conflict");
}

void TestMerge::sameValueIsNotAConflict()
{
    Replica a{{}, {}, QStringLiteral("aa")}, b{{}, {}, QStringLiteral("bb")};
    b.receive(a.edit(QStringLiteral("status"), QStringLiteral("planned"), 1));
    const Write wa = a.edit(QStringLiteral("status"), QStringLiteral("done"), 10);
    const Write wb = b.edit(QStringLiteral("status"), QStringLiteral("done"), 11);
    a.receive(wb);
    b.receive(wa);
    QVERIFY(a.state.conflicts().isEmpty());
    // A later edit retires both agreeing heads, so no stale head can resurface as a conflict.
    const Write next = a.edit(QStringLiteral("status"), QStringLiteral("in_progress"), 20);
    b.receive(next);
    QCOMPARE(b.state.fields.value(QStringLiteral("status")).heads.size(), 1);
    QVERIFY(b.state.conflicts().isEmpty());
}

void TestMerge::editVersusDelete()
{
    Replica a{{}, {}, QStringLiteral("aa")}, b{{}, {}, QStringLiteral("bb")};
    b.receive(a.edit(QStringLiteral("status"), QStringLiteral("planned"), 1));
    const Write del = a.remove(10);
    const Write ed = b.edit(QStringLiteral("status"), QStringLiteral("done"), 5); // older clock, unseen by delete
    a.receive(ed);
    b.receive(del);
    QCOMPARE(exported(a.state), exported(b.state));
    QVERIFY(a.state.isDeleted());
    const auto cs = a.state.conflicts();
    QCOMPARE(cs.size(), 1);
    QCOMPARE(cs.first().field, QStringLiteral("status"));
    QCOMPARE(cs.first().deleteClock, del.hlc);
    QCOMPARE(cs.first().heads.first().value.toString(), QStringLiteral("done"));

    // Keep the record: a `_deleted` = false resolution; the edit survives.
    Write keep;
    keep.device = QStringLiteral("aa");
    keep.seq = 99;
    keep.hlc = Hlc{50, 0, QStringLiteral("aa")}.toString();
    keep.recordId = kRecord;
    keep.type = QStringLiteral("care_action");
    keep.personId = kRecord;
    keep.values.insert(DeletedField, false);
    keep.parents.insert(DeletedField, a.state.resolveParents(DeletedField));
    a.receive(keep);
    QVERIFY(!a.state.isDeleted());
    QVERIFY(a.state.conflicts().isEmpty());
    QCOMPARE(a.state.value(QStringLiteral("status")).toString(), QStringLiteral("done"));
    // Fields the delete had seen come back with the record, untouched.
    QCOMPARE(a.state.fields.value(QStringLiteral("status")).heads.size(), 1);
}

void TestMerge::restoreKeepsEveryField()
{
    Replica a{{}, {}, QStringLiteral("aa")};
    a.edit(QStringLiteral("status"), QStringLiteral("planned"), 1);
    a.edit(QStringLiteral("owner"), QStringLiteral("gp"), 2);
    a.remove(3);
    QVERIFY(a.state.isDeleted());
    QVERIFY(a.state.conflicts().isEmpty());
    a.edit(DeletedField, false, 4, true);
    QVERIFY(!a.state.isDeleted());
    QCOMPARE(a.state.value(QStringLiteral("status")).toString(), QStringLiteral("planned"));
    QCOMPARE(a.state.value(QStringLiteral("owner")).toString(), QStringLiteral("gp"));
}

void TestMerge::deleteAfterSeenEditIsClean()
{
    Replica a{{}, {}, QStringLiteral("aa")}, b{{}, {}, QStringLiteral("bb")};
    const Write e1 = a.edit(QStringLiteral("status"), QStringLiteral("planned"), 1);
    b.receive(e1);
    const Write e2 = b.edit(QStringLiteral("status"), QStringLiteral("done"), 2);
    a.receive(e2);
    const Write del = a.remove(3);
    b.receive(del);
    QVERIFY(a.state.isDeleted());
    QVERIFY(a.state.conflicts().isEmpty());
    QCOMPARE(exported(a.state), exported(b.state));
}

void TestMerge::lateAncestorNeverBecomesHead()
{
    Replica a{{}, {}, QStringLiteral("aa")};
    const Write w1 = a.edit(QStringLiteral("status"), QStringLiteral("planned"), 1);
    const Write w2 = a.edit(QStringLiteral("status"), QStringLiteral("in_progress"), 2);
    const Write w3 = a.edit(QStringLiteral("status"), QStringLiteral("done"), 3);
    Replica r{{}, {}, QStringLiteral("rr")};
    r.receive(w3);
    r.receive(w1); // its child w2 has not arrived yet: transiently two heads
    r.receive(w2);
    QCOMPARE(full(r.state), full(a.state));
    Replica s{{}, {}, QStringLiteral("ss")};
    s.receive(w3);
    s.receive(w2);
    s.receive(w1);
    QCOMPARE(full(s.state), full(a.state));
    QVERIFY(s.state.fields.value(QStringLiteral("status")).pending.isEmpty());
}

void TestMerge::reapplyIsNoOp()
{
    Replica a{{}, {}, QStringLiteral("aa")};
    const Write w1 = a.edit(QStringLiteral("status"), QStringLiteral("planned"), 1);
    const Write w2 = a.edit(QStringLiteral("status"), QStringLiteral("done"), 2);
    const QByteArray before = full(a.state);
    a.receive(w1);
    a.receive(w2);
    QCOMPARE(full(a.state), before);
}

void TestMerge::stateRoundTrips()
{
    Replica a{{}, {}, QStringLiteral("aa")}, b{{}, {}, QStringLiteral("bb")};
    b.receive(a.edit(QStringLiteral("status"), QStringLiteral("planned"), 1));
    a.receive(b.edit(QStringLiteral("status"), QStringLiteral("done"), 2));
    a.edit(QStringLiteral("amount"), 12.5, 3);
    auto back = RecordState::fromJson(a.state.toJson());
    QVERIFY(back.ok());
    QCOMPARE(full(back.value()), full(a.state));
    QVERIFY(!RecordState::fromJson(QJsonObject{}).ok());
}

// K devices edit and delete at random, exchange subsets of writes, and finally everything in
// shuffled order with duplicates: every replica must end identical, and every write must be
// the value, an ancestor of a head, or a surfaced conflict.
void TestMerge::randomHistoriesConvergeInAnyOrder()
{
    const QStringList fields = {QStringLiteral("status"), QStringLiteral("owner"), QStringLiteral("due_date")};
    for (quint32 seed = 1; seed <= 500; ++seed) {
        QRandomGenerator rng(seed);
        const int k = 2 + int(rng.bounded(4));
        QList<Replica> reps;
        for (int i = 0; i < k; ++i)
            reps.append(Replica{{}, {}, QStringLiteral("d%1").arg(i)});
        QList<Write> all;
        qint64 wall = 1;
        for (int step = 0; step < 40; ++step) {
            Replica &r = reps[int(rng.bounded(k))];
            const int action = int(rng.bounded(10));
            if (action < 6) {
                all << r.edit(fields[int(rng.bounded(fields.size()))], int(rng.bounded(4)),
                              wall + qint64(rng.bounded(3)));
            } else if (action < 7 && !r.state.isDeleted()) {
                all << r.remove(wall);
            } else if (action < 8 && !r.state.conflicts().isEmpty()) {
                all << r.edit(r.state.conflicts().first().field, 9, wall, true);
            } else if (!all.isEmpty()) { // partial sync: receive a random earlier write
                r.receive(all[int(rng.bounded(all.size()))]);
            }
            wall += qint64(rng.bounded(2));
        }
        QList<QByteArray> results;
        for (Replica &r : reps) {
            QList<Write> order = all + all.mid(0, all.size() / 3);
            std::shuffle(order.begin(), order.end(), rng);
            for (const Write &w : order)
                r.receive(w);
            results << full(r.state);
        }
        for (const QByteArray &res : results)
            QVERIFY2(res == results.first(), qPrintable(QStringLiteral("seed %1 diverged").arg(seed)));

        // No write lost: each is a head or named as a parent by another write.
        QSet<QString> ancestors;
        for (const Write &w : all)
            for (auto it = w.parents.begin(); it != w.parents.end(); ++it)
                for (const QJsonValue &p : it.value().toArray())
                    ancestors.insert(p.toString());
        QSet<QString> heads;
        for (const FieldState &f : reps.first().state.fields)
            for (const Head &h : f.heads)
                heads.insert(h.hlc);
        for (const Write &w : all)
            QVERIFY2(heads.contains(w.hlc) || ancestors.contains(w.hlc),
                     qPrintable(QStringLiteral("seed %1 lost write %2").arg(seed).arg(w.hlc)));
    }
}

// RecordState::encode() writes its CBOR by hand for speed: the bytes must stay those
// QCborStreamWriter gives for the same structure (stores hold states written either way), and
// decode() must give the state back.
void TestMerge::encodeMatchesStreamWriter()
{
    RecordState r;
    r.id = QStringLiteral("0c7b2f52-4c3a-4d7e-9e7a-1f6b2c3d4e5f");
    r.type = QStringLiteral("care_action");
    r.personId = QStringLiteral("1c7b2f52-4c3a-4d7e-9e7a-1f6b2c3d4e5f");
    const QList<QJsonValue> values = {QStringLiteral("caf\u00e9"), true, false, QJsonValue(QJsonValue::Null), 0, -1, 23,
                                      24, 255, 256, 65536, -4294967297.0, 12.5, -0.1, 1e300, 9007199254740993.0,
                                      QJsonArray{1, QStringLiteral("x")}, QJsonObject{{QStringLiteral("k"), 2}}};
    for (int i = 0; i < values.size(); ++i) {
        FieldState &f = r.fields[QStringLiteral("f%1").arg(i, 2, 10, QLatin1Char('0'))];
        f.heads.append(Head{QStringLiteral("1700000000000-%1-aa").arg(i, 8, 16, QLatin1Char('0')), values[i], {}});
        if (i % 3 == 0)
            f.pending << QStringLiteral("1700000000001-00000000-bb");
    }
    r.fields[DeletedField].heads.append(
        Head{QStringLiteral("1700000000002-00000000-aa"), true,
             QJsonObject{{QStringLiteral("f01"), QJsonArray{QStringLiteral("1700000000000-00000001-aa")}}}});

    QByteArray expected;
    {
        QCborStreamWriter w(&expected);
        w.startArray(4);
        w.append(r.id);
        w.append(r.type);
        w.append(r.personId);
        w.startMap(r.fields.size());
        for (auto it = r.fields.cbegin(); it != r.fields.cend(); ++it) {
            w.append(it.key());
            w.startArray(2);
            w.startArray(it->heads.size());
            for (const Head &h : it->heads) {
                w.startArray(h.seen.isEmpty() ? 2 : 3);
                w.append(h.hlc);
                const double d = h.value.toDouble();
                if (h.value.isString())
                    w.append(h.value.toString());
                else if (h.value.isBool())
                    w.append(h.value.toBool());
                else if (h.value.isNull())
                    w.append(QCborSimpleType::Null);
                else if (h.value.isDouble() && d == double(qint64(d)) && qAbs(d) < 9007199254740992.0)
                    w.append(qint64(d));
                else if (h.value.isDouble())
                    w.append(d);
                else
                    QCborValue::fromJsonValue(h.value).toCbor(w);
                if (!h.seen.isEmpty())
                    QCborValue::fromJsonValue(h.seen).toCbor(w);
                w.endArray();
            }
            w.endArray();
            w.startArray(it->pending.size());
            for (const QString &p : it->pending)
                w.append(p);
            w.endArray();
            w.endArray();
        }
        w.endMap();
        w.endArray();
    }
    QCOMPARE(r.encode().toHex(), expected.toHex());
    auto back = RecordState::decode(r.encode());
    QVERIFY(back.ok());
    QCOMPARE(back.value().encode(), r.encode());
    QCOMPARE(full(back.value()), full(r));
}

QTEST_GUILESS_MAIN(TestMerge)
#include "tst_merge.moc"
