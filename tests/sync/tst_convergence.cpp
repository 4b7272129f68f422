// The convergence property, in process and fast: K real encrypted device stores and one real
// server (ServerStore on SQLite behind SyncService), joined by a synchronous "wire" that turns each
// device's push and pull into the ServiceRequests SyncEngine would send. Devices edit offline at
// random (several record types, deletes, conflict resolutions), sync in random orders with random
// partitions and lost replies, then all sync twice. Then every replica must hold the same state,
// byte for byte, and no write the server ever acknowledged may be lost.
//
// HEARTH_CONVERGENCE_SEEDS sets the number of seeds (the soak entry runs many more);
// HEARTH_CONVERGENCE_FIRST_SEED the first one, to replay a failure alone.
#include "crypto.h"
#include "protocol.h"
#include "serverstore.h"
#include "syncservice.h"
#include "testsupport.h"

#include <QCborArray>
#include <QCborMap>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QRandomGenerator>
#include <QStandardPaths>
#include <QTemporaryDir>

#include <algorithm>
#include <limits>
#include <numeric>

using namespace hearth;

namespace {

const QByteArray kPasscode = "correct horse";
const QByteArray kPassword = "convergence-password";
const QString kUser = QStringLiteral("lw-converge");
const QString kCaseload = QStringLiteral("north-east");
constexpr int kMaxDevices = 5;

QByteArray compact(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

QString listJson(const QStringList &l)
{
    return QString::fromUtf8(QJsonDocument(QJsonArray::fromStringList(l)).toJson(QJsonDocument::Compact));
}

QStringList listSetting(const Store &store, const QString &key)
{
    QStringList out;
    for (const QJsonValue &x : QJsonDocument::fromJson(store.syncValue(key).value().toUtf8()).array())
        out << x.toString();
    return out;
}

QString idOf(const QString &device, qint64 seq)
{
    return device + QLatin1Char('/') + QString::number(seq);
}

QString idOf(const Write &w)
{
    return idOf(w.device, w.seq);
}

// The server's merged state in exactly the form Store::exportCanonical() gives a device's.
QByteArray serverExport(server::ServerStore &s)
{
    QByteArray out("{\"format\":\"hearth.export\",\"records\":[");
    bool first = true;
    const Status st = s.forEachRecord([&](const RecordState &r) {
        if (!first)
            out += ',';
        first = false;
        out += compact(r.exportJson());
    });
    if (!st)
        return QByteArray("error: ") + st.error().toString().toUtf8();
    out += "],\"version\":1}\n";
    return out;
}

// Where seeds keep their stores: RAM when the machine has a tmpfs, since this test is about merge
// and protocol, not durability (tst_faults and tst_crashsafety prove that on real disks), and a
// thousand seeds of fsyncs would take far longer than the property needs.
QString scratchTemplate()
{
    const QFileInfo shm(QStringLiteral("/dev/shm"));
    const QString root = shm.isDir() && shm.isWritable() ? shm.absoluteFilePath() : QDir::tempPath();
    return root + QStringLiteral("/tst_convergence-XXXXXX");
}

void copyTree(const QString &from, const QString &to)
{
    QDirIterator it(from, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString src = it.next();
        const QString dst = to + src.mid(from.size());
        QDir().mkpath(QFileInfo(dst).absolutePath());
        if (!QFile::copy(src, dst))
            qFatal("cannot copy %s", qPrintable(src));
    }
}

// One replica's view for the no-loss check: every write it holds and the merged state of every
// record. For a device the state is rebuilt from its log, which verifyAgainstLog() has already
// proven equal to what the store holds.
struct Replica {
    QString name;
    QHash<QString, Write> writes;        // by (device, seq)
    QHash<QString, RecordState> records; // by record id
    QSet<QString> namedAsParent;         // "record\nfield\nclock" named in some write's parents
};

void indexParents(Replica &r)
{
    for (const Write &w : std::as_const(r.writes))
        for (auto it = w.parents.begin(); it != w.parents.end(); ++it)
            for (const QJsonValue &p : it.value().toArray())
                r.namedAsParent.insert(w.recordId + QLatin1Char('\n') + it.key() + QLatin1Char('\n') + p.toString());
}

Replica deviceReplica(const QString &name, const Store &s)
{
    Replica r;
    r.name = name;
    QList<Write> log;
    (void)s.forEachWrite([&](const Write &w, bool) { log << w; });
    // Clock order: the state is a function of the set, so any order would do.
    std::sort(log.begin(), log.end(), [](const Write &a, const Write &b) { return a.hlc < b.hlc; });
    QSet<QString> seen;
    for (const Write &w : std::as_const(log)) {
        r.writes.insert(idOf(w), w);
        r.records[w.recordId].apply(w, [&](const QString &h) { return seen.contains(h); });
        seen.insert(w.hlc);
    }
    indexParents(r);
    return r;
}

Replica serverReplica(server::ServerStore &s, const QSet<QString> &persons)
{
    Replica r;
    r.name = QStringLiteral("server");
    auto all = s.writesAfter(0, persons, 1 << 30);
    if (all)
        for (const server::StoredWrite &sw : all.value())
            r.writes.insert(idOf(sw.write), sw.write);
    (void)s.forEachRecord([&](const RecordState &st) { r.records.insert(st.id, st); });
    indexParents(r);
    return r;
}

// Why an acknowledged write is not accounted for on a replica, or empty when it is: for each field
// it set, it is the value (a head agreeing with the winner), a head of a conflict shown to a
// person, or an ancestor named in the parents of some write the replica holds.
QString unaccounted(const Replica &r, const Write &w)
{
    if (!r.writes.contains(idOf(w)))
        return QStringLiteral("%1 does not hold write %2").arg(r.name, idOf(w));
    if (r.writes.value(idOf(w)).hlc != w.hlc)
        return QStringLiteral("%1 holds another write under %2").arg(r.name, idOf(w));
    const RecordState state = r.records.value(w.recordId);
    const QList<Conflict> conflicts = state.conflicts();
    for (auto it = w.values.begin(); it != w.values.end(); ++it) {
        const QString &field = it.key();
        if (r.namedAsParent.contains(w.recordId + QLatin1Char('\n') + field + QLatin1Char('\n') + w.hlc))
            continue; // an ancestor: a later write was made with it in view
        const FieldState f = state.fields.value(field);
        const bool isHead = f.headClocks().contains(w.hlc);
        if (isHead && f.heads.first().value == it.value())
            continue; // the value (or agrees with it)
        bool surfaced = false;
        for (const Conflict &c : conflicts)
            for (const Head &h : c.heads)
                surfaced |= c.field == field && h.hlc == w.hlc;
        if (isHead && surfaced)
            continue;
        return QStringLiteral("%1: write %2 to %3.%4 is neither the value, an ancestor nor a conflict shown")
            .arg(r.name, idOf(w), w.recordId, field);
    }
    return {};
}

// A device of the test: a real encrypted store with its own (skewed, advancing) wall clock.
struct Device {
    QString name;
    std::unique_ptr<Store> store;
    std::shared_ptr<qint64> clock;
};

// Sync counters across every seed, for the summary line.
struct Tally {
    qint64 syncs = 0;
    qint64 lostPushReplies = 0;
    qint64 lostPullReplies = 0;
    qint64 pushedWrites = 0;
    qint64 pulledWrites = 0;
    qint64 rejected = 0;
};

// The in-process wire: SyncEngine's push and pull steps, made synchronous, over SyncService::handle.
class Wire
{
public:
    explicit Wire(server::SyncService &service) : m_service(service) {}

    // Every write the server ever acknowledged, by id (replies lost on the way included).
    QHash<QString, Write> acked;
    Tally tally;

    server::ServiceResponse post(const Store &store, const QString &path, const QByteArray &body)
    {
        server::ServiceRequest r;
        r.method = "POST";
        r.path = path;
        r.body = body;
        r.authorization = "Bearer " + store.syncValue(QStringLiteral("token")).value().toUtf8();
        r.protocolVersion = QByteArray::number(sync::ProtocolVersion);
        r.contentType = sync::CborType;
        r.peer = QStringLiteral("wire");
        return m_service.handle(r);
    }

    // One sync run as SyncEngine::syncNow() makes it: push every pending write in batches, then pull
    // and apply pages until caught up. With probability `lose`, a reply is lost after the server
    // handled the request (a connection cut after the commit): the run stops there, as the
    // engine's does. Returns an error for anything unexpected, "lost" for a lost reply, or empty.
    QString sync(Store &store, int pushBatch, int pullLimit, QRandomGenerator &rng, double lose)
    {
        ++tally.syncs;
        for (;;) { // push
            auto pending = store.pendingWrites(pushBatch);
            if (!pending)
                return pending.error().toString();
            if (pending.value().isEmpty())
                break;
            const auto resp = post(store, QStringLiteral("/v1/push"), sync::PushRequest{pending.value()}.encode());
            if (resp.status != 200)
                return QStringLiteral("push answered %1: %2").arg(resp.status).arg(QString::fromUtf8(resp.body));
            auto decoded = sync::PushResponse::decode(resp.body);
            if (!decoded)
                return decoded.error().toString();
            QHash<QString, Write> sent;
            for (const Write &w : pending.value())
                sent.insert(idOf(w), w);
            for (const Store::WriteId &id : decoded.value().acked)
                acked.insert(idOf(id.device, id.seq), sent.value(idOf(id.device, id.seq)));
            if (decoded.value().acked.size() + decoded.value().rejected.size() != pending.value().size())
                return QStringLiteral("the server answered for %1 of %2 writes")
                    .arg(decoded.value().acked.size() + decoded.value().rejected.size())
                    .arg(pending.value().size());
            if (rng.bounded(1000) < int(lose * 1000)) {
                ++tally.lostPushReplies;
                return QStringLiteral("lost");
            }
            if (auto st = store.markSent(decoded.value().acked); !st)
                return st.error().toString();
            if (auto st = store.markRejected(decoded.value().rejected); !st)
                return st.error().toString();
            tally.pushedWrites += decoded.value().acked.size();
            tally.rejected += decoded.value().rejected.size();
        }
        for (;;) { // pull
            sync::PullRequest req;
            req.cursor = store.syncValue(QStringLiteral("cursor")).value().toLongLong();
            req.limit = pullLimit;
            req.confirmDelivered = listSetting(store, QStringLiteral("confirm_delivered"));
            req.confirmPurged = listSetting(store, QStringLiteral("confirm_purged"));
            const auto resp = post(store, QStringLiteral("/v1/pull"), req.encode());
            if (resp.status != 200)
                return QStringLiteral("pull answered %1: %2").arg(resp.status).arg(QString::fromUtf8(resp.body));
            auto decoded = sync::PullResponse::decode(resp.body);
            if (!decoded)
                return decoded.error().toString();
            if (rng.bounded(1000) < int(lose * 1000)) {
                ++tally.lostPullReplies;
                return QStringLiteral("lost");
            }
            const sync::PullResponse &page = decoded.value();
            auto applied = store.applyRemote(page.writes,
                                             {{QStringLiteral("cursor"), QString::number(page.cursor)},
                                              {QStringLiteral("confirm_delivered"), listJson(page.delivered)},
                                              {QStringLiteral("confirm_purged"), QStringLiteral("[]")}});
            if (!applied)
                return applied.error().toString();
            tally.pulledWrites += applied.value();
            QStringList purged;
            for (const QString &person : page.purge) {
                auto st = store.purgePerson(person);
                if (st)
                    purged << person;
                else if (st.error().code != ErrorCode::Conflict)
                    return st.error().toString();
            }
            if (!purged.isEmpty())
                if (auto st = store.setSyncValue(QStringLiteral("confirm_purged"), listJson(purged)); !st)
                    return st.error().toString();
            if (!page.more)
                return {};
        }
    }

private:
    server::SyncService &m_service;
};

// ---- random valid edits ----

const QStringList kPhones = {QStringLiteral("07700 900111"), QStringLiteral("07700 900222"),
                             QStringLiteral("07700 900333"), QStringLiteral("0141 496 0000")};
const QStringList kPostcodes = {QStringLiteral("G3 3RX"), QStringLiteral("G3 3UY"), QStringLiteral("G3 4EB")};
const QStringList kStages = {QStringLiteral("newly_diagnosed"), QStringLiteral("in_treatment"),
                             QStringLiteral("post_treatment"), QStringLiteral("palliative")};
const QStringList kStatuses = {QStringLiteral("planned"), QStringLiteral("in_progress"), QStringLiteral("done"),
                               QStringLiteral("not_needed")};
const QStringList kSources = {QStringLiteral("self"), QStringLiteral("gp"), QStringLiteral("hospital_ward"),
                              QStringLiteral("family_or_carer")};
const QList<std::pair<QString, QString>> kItems = {{QStringLiteral("physical"), QStringLiteral("pain")},
                                                   {QStringLiteral("physical"), QStringLiteral("getting_around")},
                                                   {QStringLiteral("practical"), QStringLiteral("money_or_housing")}};

template<typename T>
const T &pick(QRandomGenerator &rng, const QList<T> &l)
{
    return l.at(int(rng.bounded(int(l.size()))));
}

QString day(QRandomGenerator &rng)
{
    return QDate(2025, 6, 1).addDays(rng.bounded(150)).toString(Qt::ISODate);
}

// Record ids from the seed's own generator (as an import presets them), so a seed replays the same
// edits: the store would otherwise pick random ids, and ids order what the edits choose from.
QString newId(QRandomGenerator &rng)
{
    QByteArray b(16, Qt::Uninitialized);
    for (int i = 0; i < 16; i += 4) {
        const quint32 v = rng.generate();
        memcpy(b.data() + i, &v, 4);
    }
    b[6] = char((b[6] & 0x0f) | 0x40);
    b[8] = char((b[8] & 0x3f) | 0x80);
    const QString h = QString::fromLatin1(b.toHex());
    return h.mid(0, 8) + QLatin1Char('-') + h.mid(8, 4) + QLatin1Char('-') + h.mid(12, 4) + QLatin1Char('-')
        + h.mid(16, 4) + QLatin1Char('-') + h.mid(20, 12);
}

Result<QString> putNew(Store &store, const QString &type, const QJsonObject &fields, QRandomGenerator &rng)
{
    auto r = store.commit({Mutation::put(type, fields, newId(rng))});
    if (!r)
        return r.error();
    return r.value().first();
}

// What one random step did.
enum class Outcome { Done, Refused, Skipped };

struct EditStats {
    qint64 made = 0;
    qint64 refused = 0; // refused by validation (a reference to a deleted record...): correct behaviour
    qint64 resolutions = 0;
    qint64 deletes = 0;
    qint64 personDeletes = 0;
};

QJsonObject careAction(const QString &person, QRandomGenerator &rng)
{
    return QJsonObject{{QStringLiteral("person_id"), person},
                       {QStringLiteral("action"), QStringLiteral("Action %1").arg(rng.bounded(100))},
                       {QStringLiteral("owner"), QStringLiteral("link_worker")},
                       {QStringLiteral("status"), pick(rng, kStatuses)}};
}

QJsonObject concern(const QString &person, const QString &assessment, QRandomGenerator &rng)
{
    const auto &[domain, item] = pick(rng, kItems);
    return QJsonObject{{QStringLiteral("person_id"), person},
                       {QStringLiteral("assessment_id"), assessment},
                       {QStringLiteral("domain"), domain},
                       {QStringLiteral("item"), item},
                       {QStringLiteral("score"), int(rng.bounded(11))}};
}

QJsonObject referral(const QString &person, QRandomGenerator &rng)
{
    return QJsonObject{{QStringLiteral("person_id"), person},
                       {QStringLiteral("source"), pick(rng, kSources)},
                       {QStringLiteral("date_received"), day(rng)}};
}

QJsonObject gain(const QString &person, QRandomGenerator &rng)
{
    return QJsonObject{{QStringLiteral("person_id"), person},
                       {QStringLiteral("kind"), QStringLiteral("benefit_award")},
                       {QStringLiteral("description"), QStringLiteral("Attendance Allowance")},
                       {QStringLiteral("amount"), double(100 + rng.bounded(500000)) / 100.0},
                       {QStringLiteral("period"), QStringLiteral("annual")},
                       {QStringLiteral("date_awarded"), day(rng)}};
}

QJsonObject assessment(const QString &person, QRandomGenerator &rng)
{
    return QJsonObject{{QStringLiteral("person_id"), person},
                       {QStringLiteral("kind"), QStringLiteral("initial")},
                       {QStringLiteral("date"), day(rng)},
                       {QStringLiteral("checklist_version"), QStringLiteral("hna-2024.1")},
                       {QStringLiteral("overall_distress"), int(rng.bounded(11))},
                       {QStringLiteral("status"), QStringLiteral("complete")}};
}

// A shared starting point: one or two people, each with an assessment, a concern, care actions,
// a referral and a financial gain, so later offline edits collide on the same records.
Status seedCaseload(Store &store, QRandomGenerator &rng)
{
    const int people = 1 + int(rng.bounded(2));
    for (int i = 0; i < people; ++i) {
        QJsonObject p = test::person(QStringLiteral("Person%1").arg(i));
        p.insert(QStringLiteral("phone"), pick(rng, kPhones));
        auto person = putNew(store, QStringLiteral("person"), p, rng);
        if (!person)
            return person.error();
        auto a = putNew(store, QStringLiteral("assessment"), assessment(person.value(), rng), rng);
        if (!a)
            return a.error();
        auto c = putNew(store, QStringLiteral("concern"), concern(person.value(), a.value(), rng), rng);
        if (!c)
            return c.error();
        QJsonObject linked = careAction(person.value(), rng);
        linked.insert(QStringLiteral("concern_id"), c.value());
        QList<Mutation> rest = {
            Mutation::put(QStringLiteral("care_action"), linked, newId(rng)),
            Mutation::put(QStringLiteral("care_action"), careAction(person.value(), rng), newId(rng)),
            Mutation::put(QStringLiteral("referral"), referral(person.value(), rng), newId(rng)),
            Mutation::put(QStringLiteral("financial_gain"), gain(person.value(), rng), newId(rng))};
        if (auto r = store.commit(rest); !r)
            return r.error();
    }
    return {};
}

// One random valid change on `store`, through the public Store API only. Refusals a person would
// also get (validation, a record deleted meanwhile) are counted, not failures; anything else is.
// Edits of a few fields of a few shared records dominate, so offline edits collide often.
Result<Outcome> randomEdit(Store &store, QRandomGenerator &rng, EditStats &stats)
{
    auto live = store.list();
    if (!live)
        return live.error();
    QHash<QString, QList<Record>> byType;
    for (const Record &r : live.value())
        byType[r.type] << r;
    auto conflicted = store.conflicted();
    if (!conflicted)
        return conflicted.error();

    auto done = [&](const Status &st) -> Result<Outcome> {
        if (st) {
            ++stats.made;
            return Outcome::Done;
        }
        if (st.error().code == ErrorCode::Validation || st.error().code == ErrorCode::NotFound) {
            ++stats.refused;
            return Outcome::Refused;
        }
        return st.error();
    };
    auto put = [&](const QString &type, const QJsonObject &fields) {
        auto r = putNew(store, type, fields, rng);
        return done(r ? Status() : Status(r.error()));
    };

    int op = int(rng.bounded(100));
    if (op < 25) { // settle a conflict
        if (conflicted.value().isEmpty()) {
            op = 25 + int(rng.bounded(75));
        } else {
            const Record &r = pick(rng, conflicted.value());
            const Conflict &c = pick(rng, r.conflicts);
            ++stats.resolutions;
            if (!c.deleteClock.isEmpty())
                return done(store.resolve(r.id, DeletedField, rng.bounded(2) == 0));
            const Head &h = pick(rng, c.heads);
            return done(store.resolve(r.id, c.field, h.value.isUndefined() ? QJsonValue() : h.value));
        }
    }
    const QList<Record> people = byType.value(QStringLiteral("person"));
    if (people.isEmpty() || (op < 27 && people.size() < 3)) {
        QJsonObject p = test::person(QStringLiteral("Person%1").arg(rng.bounded(1000)));
        p.insert(QStringLiteral("phone"), pick(rng, kPhones));
        return put(QStringLiteral("person"), p);
    }
    const Record &person = pick(rng, people);
    auto mine = [&](const QString &type) {
        QList<Record> out;
        for (const Record &r : byType.value(type))
            if (r.personId == person.id)
                out << r;
        return out;
    };
    const QList<Record> assessments = mine(QStringLiteral("assessment"));
    const QList<Record> concerns = mine(QStringLiteral("concern"));
    const QList<Record> actions = mine(QStringLiteral("care_action"));
    const QList<Record> referrals = mine(QStringLiteral("referral"));
    const QList<Record> gains = mine(QStringLiteral("financial_gain"));

    if (op < 40) {
        QJsonObject f;
        switch (rng.bounded(4)) {
        case 0:
            f.insert(QStringLiteral("phone"), pick(rng, kPhones));
            break;
        case 1:
            f.insert(QStringLiteral("postcode"), pick(rng, kPostcodes)); // derived deprivation fields follow
            break;
        case 2:
            f.insert(QStringLiteral("stage_of_care"), pick(rng, kStages));
            break;
        default:
            f.insert(QStringLiteral("preferred_name"),
                     rng.bounded(3) == 0 ? QJsonValue() : QJsonValue(QStringLiteral("P%1").arg(rng.bounded(50))));
        }
        return done(store.edit(person.id, f));
    }
    if (op < 42 && assessments.isEmpty())
        return put(QStringLiteral("assessment"), assessment(person.id, rng));
    if (op < 62 && !actions.isEmpty()) {
        const Record &a = pick(rng, actions);
        QJsonObject f;
        switch (rng.bounded(4)) {
        case 0:
            f.insert(QStringLiteral("status"), pick(rng, kStatuses));
            break;
        case 1:
            f.insert(QStringLiteral("outcome"),
                     rng.bounded(4) == 0 ? QJsonValue()
                                         : QJsonValue(QStringLiteral("Outcome %1").arg(rng.bounded(30))));
            break;
        case 2:
            f.insert(QStringLiteral("due_date"), day(rng));
            break;
        default:
            f.insert(QStringLiteral("status"), pick(rng, kStatuses));
            f.insert(QStringLiteral("owner_name"), QStringLiteral("Owner %1").arg(rng.bounded(9)));
        }
        return done(store.edit(a.id, f));
    }
    if (op < 69 && !concerns.isEmpty()) {
        const Record &c = pick(rng, concerns);
        QJsonObject f{{QStringLiteral("score"), int(rng.bounded(11))}};
        if (rng.bounded(2))
            f.insert(QStringLiteral("rank"), 1 + int(rng.bounded(5)));
        return done(store.edit(c.id, f));
    }
    if (op < 75 && !referrals.isEmpty()) {
        const Record &r = pick(rng, referrals);
        QJsonObject f;
        if (rng.bounded(2))
            f.insert(QStringLiteral("source"), pick(rng, kSources));
        else
            f.insert(QStringLiteral("notes"), QStringLiteral("Note %1").arg(rng.bounded(40)));
        return done(store.edit(r.id, f));
    }
    if (op < 81 && !gains.isEmpty()) {
        const Record &g = pick(rng, gains);
        QJsonObject f;
        if (rng.bounded(2))
            f.insert(QStringLiteral("amount"), double(100 + rng.bounded(500000)) / 100.0);
        else
            f.insert(QStringLiteral("description"), QStringLiteral("Grant %1").arg(rng.bounded(20)));
        return done(store.edit(g.id, f));
    }
    if (op < 93) { // a new child record
        switch (rng.bounded(4)) {
        case 0: {
            QJsonObject f = careAction(person.id, rng);
            if (!concerns.isEmpty() && rng.bounded(2))
                f.insert(QStringLiteral("concern_id"), pick(rng, concerns).id);
            return put(QStringLiteral("care_action"), f);
        }
        case 1:
            if (assessments.isEmpty())
                return put(QStringLiteral("assessment"), assessment(person.id, rng));
            return put(QStringLiteral("concern"), concern(person.id, assessments.first().id, rng));
        case 2:
            return put(QStringLiteral("referral"), referral(person.id, rng));
        default:
            return put(QStringLiteral("financial_gain"), gain(person.id, rng));
        }
    }
    // A delete: now and then the person (with all their records), else one of their records.
    ++stats.deletes;
    const QList<Record> deletable = actions + gains + referrals + concerns;
    if (deletable.isEmpty() || rng.bounded(5) == 0) {
        ++stats.personDeletes;
        return done(store.remove(person.id));
    }
    return done(store.remove(pick(rng, deletable).id));
}

} // namespace

class TestConvergence : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void randomEditingConverges();
    void personDeletedWhileEditedOffline();
    void personMovedAwayIsPurgedEverywhere();
    void pullPagesPassStoredWritesThrough();
    void streamDecoderMatchesTreeDecoder();

private:
    // A fresh universe for one seed: copies of the enrolled template stores and server.
    struct World {
        std::unique_ptr<QTemporaryDir> dir;
        std::unique_ptr<server::ServerStore> server;
        std::unique_ptr<server::SyncService> service;
        std::vector<Device> devices;
    };
    World makeWorld(int devices, QRandomGenerator &rng);

    std::unique_ptr<QTemporaryDir> m_template;
};

void TestConvergence::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    // The service logs one line per request: tens of thousands here, which would drown the result.
    QLoggingCategory::setFilterRules(QStringLiteral("hearth.server.info=false"));
    m_template = std::make_unique<QTemporaryDir>(scratchTemplate());
    QVERIFY(m_template->isValid());
    // The user and the devices' enrolments are made once, through the real service: the password
    // KDF is deliberately slow. Each seed starts from copies of these files.
    auto server = server::ServerStore::open(QString(), m_template->filePath(QStringLiteral("server")));
    QVERIFY2(server.ok(), qPrintable(server.ok() ? QString() : server.error().toString()));
    auto hash = server::SyncService::hashPassword(kPassword);
    QVERIFY(hash.ok());
    QVERIFY(server.value()
                ->addUser(server::User{kUser,
                                       QStringLiteral("Converging worker"),
                                       QStringLiteral("link_worker"),
                                       QStringLiteral("glasgow"),
                                       {kCaseload},
                                       false,
                                       hash.value()})
                .ok());
    server::SyncService service(*server.value(), QStringLiteral("convergence-test"));
    for (int i = 0; i < kMaxDevices; ++i) {
        auto store = Store::create(m_template->filePath(QStringLiteral("d%1").arg(i)), kPasscode, test::fastOptions());
        QVERIFY(store.ok());
        server::ServiceRequest r;
        r.method = "POST";
        r.path = QStringLiteral("/v1/enrol");
        r.protocolVersion = QByteArray::number(sync::ProtocolVersion);
        r.contentType = "application/json";
        r.body = compact(QJsonObject{{QStringLiteral("user"), kUser},
                                     {QStringLiteral("password"), QString::fromUtf8(kPassword)},
                                     {QStringLiteral("device"), store.value()->deviceId()},
                                     {QStringLiteral("name"), QStringLiteral("d%1").arg(i)}});
        const server::ServiceResponse resp = service.handle(r);
        QCOMPARE(resp.status, 200);
        const QJsonObject o = QJsonDocument::fromJson(resp.body).object();
        QStringList caseloads;
        for (const QJsonValue &c : o.value(QStringLiteral("caseloads")).toArray())
            caseloads << c.toString();
        QCOMPARE(caseloads, QStringList{kCaseload});
        // The settings SyncEngine::enrol() keeps.
        const QList<std::pair<QString, QString>> settings = {
            {QStringLiteral("server"), QStringLiteral("https://in-process.invalid")},
            {QStringLiteral("pin"), QString()},
            {QStringLiteral("token"), o.value(QStringLiteral("token")).toString()},
            {QStringLiteral("user"), kUser},
            {QStringLiteral("role"), o.value(QStringLiteral("role")).toString()},
            {QStringLiteral("caseloads"), listJson(caseloads)},
            {QStringLiteral("caseload"), caseloads.value(0)},
            {QStringLiteral("cursor"), QStringLiteral("0")},
            {QStringLiteral("confirm_delivered"), QStringLiteral("[]")},
            {QStringLiteral("confirm_purged"), QStringLiteral("[]")},
        };
        for (const auto &[k, v] : settings)
            QVERIFY(store.value()->setSyncValue(k, v).ok());
    }
}

TestConvergence::World TestConvergence::makeWorld(int devices, QRandomGenerator &rng)
{
    World w;
    w.dir = std::make_unique<QTemporaryDir>(scratchTemplate());
    copyTree(m_template->path(), w.dir->path());
    auto server = server::ServerStore::open(QString(), w.dir->filePath(QStringLiteral("server")));
    if (!server)
        qFatal("server store: %s", qPrintable(server.error().toString()));
    w.server = std::move(server).value();
    w.service = std::make_unique<server::SyncService>(*w.server, QStringLiteral("convergence-test"));
    for (int i = 0; i < devices; ++i) {
        Device d;
        d.name = QStringLiteral("d%1").arg(i);
        // Each device's wall clock is skewed (up to ten minutes either way) and advances as it works.
        d.clock = std::make_shared<qint64>(test::fastOptions().now() - 600000 + qint64(rng.bounded(1200000)));
        StoreOptions o = test::fastOptions();
        o.now = [c = d.clock] { return *c; };
        auto s = Store::open(w.dir->filePath(d.name), kPasscode, o);
        if (!s)
            qFatal("device store: %s", qPrintable(s.error().toString()));
        d.store = std::move(s).value();
        w.devices.push_back(std::move(d));
    }
    return w;
}

// A check inside the seed loop, naming the seed (and device count) to replay. The message is built
// only on failure: these checks run millions of times in a soak.
#define SEED_VERIFY(condition, what)                                                                                   \
    do {                                                                                                               \
        if (!(condition))                                                                                              \
            QFAIL(QStringLiteral("seed %1 (%2 devices): %3 [%4]")                                                      \
                      .arg(seed)                                                                                       \
                      .arg(k)                                                                                          \
                      .arg(what, QStringLiteral(#condition))                                                           \
                      .toUtf8()                                                                                        \
                      .constData());                                                                                   \
    } while (false)

void TestConvergence::randomEditingConverges()
{
    const int seeds = qEnvironmentVariableIntValue("HEARTH_CONVERGENCE_SEEDS") > 0
        ? qEnvironmentVariableIntValue("HEARTH_CONVERGENCE_SEEDS")
        : 1000;
    const int firstSeed = qEnvironmentVariableIntValue("HEARTH_CONVERGENCE_FIRST_SEED") > 0
        ? qEnvironmentVariableIntValue("HEARTH_CONVERGENCE_FIRST_SEED")
        : 1;
    QElapsedTimer timer;
    timer.start();
    EditStats stats;
    Tally tally;
    qint64 totalWrites = 0, surfacedConflicts = 0, ackedTotal = 0;
    int devicesTotal = 0;

    for (int seed = firstSeed; seed < firstSeed + seeds; ++seed) {
        QRandomGenerator rng{quint32(seed)};
        const int k = 2 + int(rng.bounded(kMaxDevices - 1));
        devicesTotal += k;
        World world = makeWorld(k, rng);
        Wire wire(*world.service);

        // A shared start, then offline editing and partial syncs: a few phases, each some edits
        // then a partitioned round.
        QVERIFY(seedCaseload(*world.devices[0].store, rng).ok());
        for (Device &d : world.devices)
            QCOMPARE(wire.sync(*d.store, 1000, 2000, rng, 0), QString());
        const int phases = 2 + int(rng.bounded(3));
        for (int phase = 0; phase < phases; ++phase) {
            const int edits = 3 + int(rng.bounded(8));
            for (int e = 0; e < edits; ++e) {
                Device &d = world.devices[size_t(rng.bounded(k))];
                *d.clock += 1 + rng.bounded(5000);
                auto r = randomEdit(*d.store, rng, stats);
                SEED_VERIFY(r.ok(),
                            d.name + QStringLiteral(" edit failed: ") + (r.ok() ? QString() : r.error().toString()));
            }
            std::vector<int> order(static_cast<size_t>(k));
            std::iota(order.begin(), order.end(), 0);
            std::shuffle(order.begin(), order.end(), rng);
            for (int i : order) {
                if (rng.bounded(10) < 4)
                    continue; // partitioned away this round
                Device &d = world.devices[size_t(i)];
                const int pushBatch = rng.bounded(2) ? 1000 : 1 + int(rng.bounded(4));
                const int pullLimit = rng.bounded(2) ? 2000 : 1 + int(rng.bounded(6));
                const QString err = wire.sync(*d.store, pushBatch, pullLimit, rng, 0.15);
                SEED_VERIFY(err.isEmpty() || err == QLatin1String("lost"), d.name + QStringLiteral(": ") + err);
            }
        }
        // The final full round: everyone syncs twice, in a random order each time, nothing lost.
        for (int round = 0; round < 2; ++round) {
            std::vector<int> order(static_cast<size_t>(k));
            std::iota(order.begin(), order.end(), 0);
            std::shuffle(order.begin(), order.end(), rng);
            for (int i : order) {
                const QString err = wire.sync(*world.devices[size_t(i)].store, rng.bounded(2) ? 1000 : 3,
                                              rng.bounded(2) ? 2000 : 5, rng, 0);
                SEED_VERIFY(err.isEmpty(), world.devices[size_t(i)].name + QStringLiteral(": ") + err);
            }
        }

        // Every replica holds the same state, byte for byte.
        SEED_VERIFY(wire.tally.rejected == 0, QStringLiteral("the server refused writes in a shared caseload"));
        const QString h0 = world.devices[0].store->hash().value();
        qint64 created = 0;
        for (const Device &d : world.devices) {
            QCOMPARE(d.store->pendingCount().value(), qint64(0));
            SEED_VERIFY(d.store->verifyAgainstLog().value().isEmpty(),
                        d.name + QStringLiteral(": state differs from its log"));
            SEED_VERIFY(d.store->hash().value() == h0, d.name + QStringLiteral(" hashes differently from d0"));
            qint64 own = 0;
            (void)d.store->forEachWrite([&](const Write &w, bool) { own += w.device == d.store->deviceId(); });
            created += own;
        }
        const QByteArray serverBytes = serverExport(*world.server);
        SEED_VERIFY(QString::fromLatin1(crypto::sha256(serverBytes).toHex()) == h0,
                    QStringLiteral("the server's merged state differs from the devices'"));
        // Nothing lost, nothing duplicated: every write made anywhere is held once everywhere.
        QCOMPARE(world.server->lastSeq().value(), created);
        for (const Device &d : world.devices)
            SEED_VERIFY(d.store->writeCount().value() == created, d.name + QStringLiteral(" misses writes"));

        // No acknowledged write is lost on any replica.
        QSet<QString> persons;
        for (const Write &w : std::as_const(wire.acked))
            persons.insert(w.personId);
        QList<Replica> replicas;
        replicas << serverReplica(*world.server, persons);
        for (const Device &d : world.devices)
            replicas << deviceReplica(d.name, *d.store);
        for (const Replica &r : std::as_const(replicas)) {
            SEED_VERIFY(r.writes.size() == created, r.name + QStringLiteral(" holds a different number of writes"));
            for (const Write &w : std::as_const(wire.acked)) {
                const QString why = unaccounted(r, w);
                SEED_VERIFY(why.isEmpty(), why);
            }
        }
        for (const RecordState &s : std::as_const(replicas.first().records))
            surfacedConflicts += s.conflicts().size();
        totalWrites += created;
        ackedTotal += wire.acked.size();
        tally.syncs += wire.tally.syncs;
        tally.lostPushReplies += wire.tally.lostPushReplies;
        tally.lostPullReplies += wire.tally.lostPullReplies;
        tally.pushedWrites += wire.tally.pushedWrites;
        tally.pulledWrites += wire.tally.pulledWrites;
    }
#undef SEED_VERIFY
    qInfo("%d seeds (%d..%d), %d devices in all: %lld writes (%lld acknowledged; %lld edits refused by validation, "
          "%lld deletes of which %lld of people, %lld resolutions), %lld conflicts left surfaced; %lld syncs with %lld "
          "lost push and %lld "
          "lost pull replies (%lld writes pushed, %lld pulled); every replica identical, nothing lost; %.1f s",
          seeds, firstSeed, firstSeed + seeds - 1, devicesTotal, totalWrites, ackedTotal, stats.refused, stats.deletes,
          stats.personDeletes, stats.resolutions, surfacedConflicts, tally.syncs, tally.lostPushReplies,
          tally.lostPullReplies, tally.pushedWrites, tally.pulledWrites, double(timer.elapsed()) / 1000.0);
}

// DESIGN.md §2: "an edit not in a delete's past is an edit-vs-delete conflict, surfaced, never
// dropped". Here the record deleted is a person: one worker deletes them while another, offline,
// updates their phone number; a third device only watches.
void TestConvergence::personDeletedWhileEditedOffline()
{
    QRandomGenerator rng{7};
    World world = makeWorld(3, rng);
    Wire wire(*world.service);
    Store &a = *world.devices[0].store;
    Store &b = *world.devices[1].store;
    auto created = a.put(QStringLiteral("person"), test::person());
    QVERIFY(created.ok());
    const QString person = created.value();
    QVERIFY(a.put(QStringLiteral("care_action"), careAction(person, rng)).ok());
    for (int round = 0; round < 2; ++round) // twice: every device has confirmed receiving the person
        for (Device &d : world.devices)
            QCOMPARE(wire.sync(*d.store, 1000, 2000, rng, 0), QString());
    QVERIFY(b.get(person).ok());

    *world.devices[0].clock += 1000;
    *world.devices[1].clock += 2000;
    QVERIFY(a.remove(person).ok());
    QVERIFY(b.edit(person, QJsonObject{{QStringLiteral("phone"), QStringLiteral("07700 900999")}}).ok());
    Write edit;
    (void)b.forEachWrite([&](const Write &w, bool) {
        if (w.values.contains(QStringLiteral("phone")) && w.device == b.deviceId())
            edit = w;
    });
    for (int round = 0; round < 2; ++round)
        for (Device &d : world.devices)
            QCOMPARE(wire.sync(*d.store, 1000, 2000, rng, 0), QString());
    for (const Device &d : world.devices) {
        auto r = d.store->get(person);
        qInfo("%s: person %s; %d change(s) in its could-not-sync list", qPrintable(d.name),
              !r.ok()                 ? "purged"
                  : r.value().deleted ? "deleted"
                                      : "live",
              int(d.store->rejectedWrites().value().size()));
    }

    // Once refused as unknown_person: deleted people had fallen out of every scope.
    QCOMPARE(wire.tally.rejected, qint64(0));
    QVERIFY2(wire.acked.contains(idOf(edit)), "the server refused the offline edit of a person deleted meanwhile");

    // Every replica shows the edit-vs-delete conflict, so a person can decide.
    auto surfaced = [&](const RecordState &s) {
        for (const Conflict &c : s.conflicts())
            if (c.field == QLatin1String("phone") && !c.deleteClock.isEmpty())
                return true;
        return false;
    };
    const auto onServer = world.server->record(person);
    QVERIFY(onServer.ok() && onServer.value().has_value());
    QVERIFY(onServer.value()->isDeleted());
    QVERIFY2(surfaced(*onServer.value()), "the server shows no edit-vs-delete conflict");
    for (const Device &d : world.devices) {
        const Replica r = deviceReplica(d.name, *d.store);
        QVERIFY2(r.records.contains(person) && surfaced(r.records.value(person)),
                 qPrintable(d.name + QStringLiteral(" shows no edit-vs-delete conflict for the person")));
    }
    const QString onServerHash = QString::fromLatin1(crypto::sha256(serverExport(*world.server)).toHex());
    for (const Device &d : world.devices) {
        QVERIFY2(d.store->hash().value() == onServerHash,
                 qPrintable(d.name + QStringLiteral(" differs from the server after a person was deleted")));
    }
}

// DESIGN.md §4: "When scope shrinks, the server tells the device which people to purge." Two
// people leave this worker's caseload (moved to another team's): one the devices had held for a
// while, one they had received in their latest pull only (whose delivery they confirm in the next
// pull, after the move: a confirmation the server once dropped, so it never sent the purge).
void TestConvergence::personMovedAwayIsPurgedEverywhere()
{
    QRandomGenerator rng{11};
    World world = makeWorld(2, rng);
    Wire wire(*world.service);
    Store &a = *world.devices[0].store;
    Store &b = *world.devices[1].store;
    auto addPerson = [&](const QString &name) {
        auto p = a.put(QStringLiteral("person"), test::person(name));
        if (p)
            (void)a.put(QStringLiteral("care_action"), careAction(p.value(), rng));
        return p ? p.value() : QString();
    };
    const QString settled = addPerson(QStringLiteral("Held"));
    QVERIFY(!settled.isEmpty());
    for (int round = 0; round < 2; ++round) {
        QCOMPARE(wire.sync(a, 1000, 2000, rng, 0), QString());
        QCOMPARE(wire.sync(b, 1000, 2000, rng, 0), QString());
    }
    const QString fresh = addPerson(QStringLiteral("Fresh"));
    QVERIFY(!fresh.isEmpty());
    QCOMPARE(wire.sync(a, 1000, 2000, rng, 0), QString());
    QCOMPARE(wire.sync(b, 1000, 2000, rng, 0), QString());
    QVERIFY(a.get(fresh).ok() && b.get(fresh).ok());

    // b moves both people to another caseload, then everyone syncs (more than enough) times.
    for (const QString &p : {settled, fresh})
        QVERIFY(b.edit(p, QJsonObject{{QStringLiteral("caseload"), QStringLiteral("south")}}).ok());
    for (int round = 0; round < 3; ++round) {
        QCOMPARE(wire.sync(b, 1000, 2000, rng, 0), QString());
        QCOMPARE(wire.sync(a, 1000, 2000, rng, 0), QString());
    }
    QCOMPARE(wire.tally.rejected, qint64(0));
    for (const Device &d : world.devices) {
        for (const QString &p : {settled, fresh}) {
            QVERIFY2(d.store->get(p).error().code == ErrorCode::NotFound,
                     qPrintable(QStringLiteral("%1 still holds a person moved out of its user's scope (%2)")
                                    .arg(d.name,
                                         p == settled ? QStringLiteral("held for a while")
                                                      : QStringLiteral("received in its latest pull"))));
            QVERIFY(d.store->listForPerson(p).value().isEmpty());
            QCOMPARE(d.store->pendingCountForPerson(p).value(), qint64(0));
        }
    }
}

// A pull sends each stored write as the server holds it, spliced into the page rather than decoded
// and encoded again: the bytes must be exactly what encoding the write would give, pages must
// cover every write once in order, and the backlog is counted only when the device asks.
void TestConvergence::pullPagesPassStoredWritesThrough()
{
    QRandomGenerator rng{11};
    World world = makeWorld(2, rng);
    Wire wire(*world.service);
    Store &a = *world.devices[0].store;
    auto person = a.put(QStringLiteral("person"), test::person());
    QVERIFY(person.ok());
    for (int i = 0; i < 4; ++i)
        QVERIFY(a.put(QStringLiteral("care_action"), careAction(person.value(), rng)).ok());
    QVERIFY(a.edit(person.value(), QJsonObject{{QStringLiteral("phone"), QStringLiteral("07700 900123")}}).ok());
    QCOMPARE(wire.sync(a, 1000, 2000, rng, 0), QString());
    QHash<QString, Write> held;
    (void)a.forEachWrite([&](const Write &w, bool) { held.insert(idOf(w), w); });
    QCOMPARE(held.size(), 6);
    for (const Write &w : std::as_const(held)) {
        const auto spliced = sync::encodeStoredWrite(w, w.encodePayload());
        QVERIFY(spliced.ok());
        QCOMPARE(spliced.value(), sync::encodeWrite(w).toCborValue().toCbor());
    }

    Store &b = *world.devices[1].store;
    auto pull = [&](qint64 cursor, int limit, bool count) {
        sync::PullRequest req;
        req.cursor = cursor;
        req.limit = limit;
        req.count = count;
        req.confirmDelivered = {person.value()}; // as if the first page had been applied
        const auto resp = wire.post(b, QStringLiteral("/v1/pull"), req.encode());
        if (resp.status != 200)
            qFatal("pull answered %d", resp.status);
        auto page = sync::PullResponse::decode(resp.body);
        if (!page)
            qFatal("%s", qPrintable(page.error().toString()));
        return page.value();
    };
    const sync::PullResponse all = pull(0, 1000, true);
    QCOMPARE(all.writes.size(), 6);
    QCOMPARE(all.remaining, qint64(0));
    QCOMPARE(all.remainingBytes, qint64(0));
    QVERIFY(!all.more);
    qint64 cursor = 0;
    QStringList seen;
    for (int i = 0; i < 6; ++i) {
        const sync::PullResponse page = pull(cursor, 1, i == 0);
        QCOMPARE(page.writes.size(), 1);
        const Write &w = page.writes.first();
        QVERIFY(held.contains(idOf(w)));
        const Write &original = held.value(idOf(w));
        QCOMPARE(w.values, original.values);
        QCOMPARE(w.parents, original.parents);
        QCOMPARE(w.hlc, original.hlc);
        QCOMPARE(idOf(w), idOf(all.writes[i]));
        QVERIFY(page.cursor > cursor);
        cursor = page.cursor;
        seen << idOf(w);
        QCOMPARE(page.more, i < 5); // known without counting: one write past the limit was read
        if (i == 0) {
            QCOMPARE(page.remaining, qint64(5));
            QVERIFY(page.remainingBytes > 0);
        } else {
            QCOMPARE(page.remaining, qint64(-1)); // not asked for, not counted
        }
    }
    QCOMPARE(QSet<QString>(seen.cbegin(), seen.cend()).size(), 6);
    QVERIFY(pull(cursor, 1000, true).writes.isEmpty());
}

// Push and pull bodies are read with a stream reader that turns common values straight into JSON
// and keeps each write's encoded values (Write::encoded): it must agree with the QCborValue
// decoder on every kind of value, and writes carrying `encoded` must encode to the same bytes.
void TestConvergence::streamDecoderMatchesTreeDecoder()
{
    Write w;
    w.device = QStringLiteral("dev1");
    w.seq = 7;
    w.hlc = QStringLiteral("1700000000000-00000001-dev1");
    w.recordId = QStringLiteral("0c7b2f52-4c3a-4d7e-9e7a-1f6b2c3d4e5f");
    w.type = QStringLiteral("note");
    w.personId = QStringLiteral("1c7b2f52-4c3a-4d7e-9e7a-1f6b2c3d4e5f");
    QCborMap values{{QStringLiteral("text"), QStringLiteral("caf\u00e9 \U0001F600")},
                    {QStringLiteral("n"), 42},
                    {QStringLiteral("neg"), -9007199254740993LL},
                    {QStringLiteral("big"), std::numeric_limits<qint64>::min()},
                    {QStringLiteral("d"), 2.5},
                    {QStringLiteral("whole"), 3.0},
                    {QStringLiteral("nan"), qQNaN()},
                    {QStringLiteral("t"), true},
                    {QStringLiteral("null"), QCborValue(nullptr)},
                    {QStringLiteral("undef"), QCborValue()},
                    {QStringLiteral("bytes"), QByteArray("\x01\x02")},
                    {QStringLiteral("list"), QCborArray{1, QStringLiteral("x"), QCborArray{false}, QCborMap{{1, 2}}}},
                    {QStringLiteral("map"), QCborMap{{QStringLiteral("k"), 1.5}}},
                    {QStringLiteral("f16"), QCborValue(QCborValue::fromCbor(QByteArray::fromHex("f93e00")))}};
    QCborMap parents{{QStringLiteral("text"), QCborArray{QStringLiteral("1700000000000-00000000-dev1")}}};
    for (const bool withParents : {true, false}) {
        QCborMap cw{{QStringLiteral("d"), w.device}, {QStringLiteral("s"), w.seq},       {QStringLiteral("h"), w.hlc},
                    {QStringLiteral("r"), w.recordId}, {QStringLiteral("t"), w.type},   {QStringLiteral("p"), w.personId},
                    {QStringLiteral("v"), values}};
        if (withParents)
            cw.insert(QStringLiteral("a"), parents);
        const QByteArray body = QCborMap{{QStringLiteral("writes"), QCborArray{cw}}}.toCborValue().toCbor();
        auto streamed = sync::PushRequest::decode(body);
        QVERIFY2(streamed.ok(), qPrintable(streamed.ok() ? QString() : streamed.error().toString()));
        auto tree = sync::decodeWrite(cw);
        QVERIFY(tree.ok());
        const Write &got = streamed.value().writes.first();
        QCOMPARE(got.values, tree.value().values);
        QCOMPARE(got.parents, tree.value().parents);
        // What would be stored: the payload as sent, which decodes to the same write.
        Write back = tree.value();
        QVERIFY(back.decodePayload(got.encoded).ok());
        QCOMPARE(back.values, tree.value().values);
        QCOMPARE(back.parents, tree.value().parents);
        // A write whose values came straight from JSON encodes alike with or without `encoded`.
        Write plain = tree.value();
        plain.encoded.clear();
        Write carried = plain;
        carried.encoded = plain.encodePayload();
        const QByteArray fresh = QCborMap{{QStringLiteral("writes"), QCborArray{sync::encodeWrite(plain)}}}
                                     .toCborValue()
                                     .toCbor();
        QCOMPARE(sync::PushRequest{QList<Write>{carried}}.encode(), fresh);
        QCOMPARE(sync::PushRequest{QList<Write>{plain}}.encode(), fresh);
    }
}

QTEST_GUILESS_MAIN(TestConvergence)
#include "tst_convergence.moc"
