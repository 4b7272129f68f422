#include "hlc.h"
#include "serverstore.h"
#include "testsupport.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTimeZone>
#include <QUrl>

#include <libpq-fe.h>

#include <algorithm>
#include <latch>
#include <mutex>
#include <thread>

using namespace hearth;
using namespace hearth::server;

#define QVERIFY_OK(expr)                                                                                               \
    do {                                                                                                               \
        const auto &r_ = (expr);                                                                                       \
        QVERIFY2(r_.ok(), qPrintable(r_.ok() ? QString() : r_.error().toString()));                                    \
    } while (false)

namespace {

// Runs one statement as the PostgreSQL role of HEARTH_TEST_PG_URL; returns the error, empty on success.
QString adminExec(const QString &url, const QByteArray &sql)
{
    PGconn *c = PQconnectdb(url.toUtf8().constData());
    QString err;
    if (PQstatus(c) != CONNECTION_OK) {
        err = QString::fromUtf8(PQerrorMessage(c));
    } else {
        PGresult *r = PQexec(c, sql.constData());
        if (PQresultStatus(r) != PGRES_COMMAND_OK)
            err = QString::fromUtf8(PQresultErrorMessage(r));
        PQclear(r);
    }
    PQfinish(c);
    return err;
}

// A synthetic write: a note (or any type) with one field, no parents.
Write makeWrite(const QString &device, qint64 seq, const QString &person, const QString &text,
                const QString &record = {}, const QString &type = QStringLiteral("note"))
{
    Write w;
    w.device = device;
    w.seq = seq;
    w.hlc = Hlc{1763900000000 + seq, 0, device}.toString();
    w.recordId = record.isEmpty() ? ids::newUuid() : record;
    w.type = type;
    w.personId = person;
    w.values = QJsonObject{{QStringLiteral("text"), text}};
    return w;
}

// A person record's write that sets its caseload.
Write personWrite(const QString &device, qint64 seq, const QString &person, const QString &caseload)
{
    Write w = makeWrite(device, seq, person, QString(), person, QStringLiteral("person"));
    w.values = QJsonObject{{QStringLiteral("caseload"), caseload}};
    return w;
}

QString key(const Write &w)
{
    return QStringLiteral("%1/%2").arg(w.device).arg(w.seq);
}

bool sameWrite(const Write &a, const Write &b)
{
    return a.device == b.device && a.seq == b.seq && a.hlc == b.hlc && a.recordId == b.recordId && a.type == b.type
        && a.personId == b.personId && a.values == b.values && a.parents == b.parents;
}

bool sameUser(const User &a, const User &b)
{
    return a.id == b.id && a.displayName == b.displayName && a.role == b.role && a.team == b.team
        && a.caseloads == b.caseloads && a.disabled == b.disabled && a.passwordHash == b.passwordHash;
}

bool sameDevice(const Device &a, const Device &b)
{
    return a.id == b.id && a.userId == b.userId && a.tokenHash == b.tokenHash && a.enrolledAt == b.enrolledAt
        && a.revoked == b.revoked;
}

QList<Write> logOf(const Store &s)
{
    QList<Write> out;
    (void)s.forEachWrite([&](const Write &w, bool) { out << w; });
    return out;
}

std::unique_ptr<Store> makeDevice(QTemporaryDir &tmp, const QString &name)
{
    auto s = Store::create(tmp.filePath(name), "correct horse", test::fastOptions());
    if (!s)
        qFatal("%s", qPrintable(s.error().toString()));
    return std::move(s).value();
}

// Three people on a device: Morag in north, Ewan with no caseload, Isla in east.
struct ThreePeople {
    QString morag, ewan, isla;
};

ThreePeople putThreePeople(Store &dev)
{
    auto personWith = [&](const QString &given, const QString &caseload) {
        QJsonObject f = test::person(given);
        if (!caseload.isEmpty())
            f.insert(QStringLiteral("caseload"), caseload);
        return dev.put(QStringLiteral("person"), f).value();
    };
    return ThreePeople{personWith(QStringLiteral("Morag"), QStringLiteral("north")),
                       personWith(QStringLiteral("Ewan"), QString()),
                       personWith(QStringLiteral("Isla"), QStringLiteral("east"))};
}

// What several writers racing a polling reader saw and stored.
struct RaceOutcome {
    QStringList errors;
    QList<StoredWrite> polled; // everything the reader saw through its cursor, in order
    qint64 ms = 0;
};

} // namespace

// One storage suite, run against every backend (global data rows "sqlite" and "postgresql").
class TestServerStore : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase_data();
    void init();
    void cleanup();

    void openChoosesBackend();
    void usersAddUpdateList();
    void devicesAndTokens();
    void reportSessions();
    void appendIsIdempotent();
    void appendRefusesConflicts();
    void mergedStateMatchesDevice();
    void writesAfterOrderLimitAndScope();
    void writesInCaseloadsPagesByScope();
    void writesOfPersons();
    void personCaseloadsFollowEdits();
    void deliveredTracksDevices();
    void undeliveredAndOutsideFollowScope();
    void persistsAcrossReopen();
    void concurrentAppendsAreDenseAndUnique();
    void twoStoresOnOneDatabase();

private:
    [[nodiscard]] Result<std::unique_ptr<ServerStore>> openStore() const
    {
        return ServerStore::open(m_url, m_tmp->path());
    }
    // Writers on `writers` (round robin) append batches while a reader polls `reader` with a cursor.
    static RaceOutcome race(const QList<ServerStore *> &writers, ServerStore &reader, int threads, int batches,
                            int batchSize, const QString &shared, const QStringList &persons);
    void checkRace(ServerStore &store, const RaceOutcome &out, int threads, int batches, int batchSize,
                   const QString &shared, const QStringList &persons);

    QString m_url;
    QString m_dbName;
    std::unique_ptr<QTemporaryDir> m_tmp;
};

#define OPEN_STORE(var)                                                                                                \
    auto var##Opened = openStore();                                                                                    \
    QVERIFY2(var##Opened.ok(), qPrintable(var##Opened.ok() ? QString() : var##Opened.error().toString()));             \
    std::unique_ptr<ServerStore> var = std::move(var##Opened).value()

void TestServerStore::initTestCase_data()
{
    QTest::addColumn<QString>("backend");
    QTest::newRow("sqlite") << QStringLiteral("sqlite");
    QTest::newRow("postgresql") << QStringLiteral("postgresql");
}

void TestServerStore::init()
{
    QFETCH_GLOBAL(QString, backend);
    m_tmp = std::make_unique<QTemporaryDir>();
    QVERIFY(m_tmp->isValid());
    m_url.clear();
    m_dbName.clear();
    if (backend != QLatin1String("postgresql"))
        return;
    const QString admin = qEnvironmentVariable("HEARTH_TEST_PG_URL");
    if (admin.isEmpty())
        QSKIP("HEARTH_TEST_PG_URL is not set, so the PostgreSQL store is not tested in this run (CI sets it; "
              "locally: export HEARTH_TEST_PG_URL=$(bash .ci/postgres))");
    // A fresh database per test case, dropped in cleanup().
    static int counter = 0;
    m_dbName = QStringLiteral("hearth_test_%1_%2_%3")
                   .arg(QCoreApplication::applicationPid())
                   .arg(++counter)
                   .arg(QRandomGenerator::global()->generate(), 8, 16, QLatin1Char('0'));
    const QString err = adminExec(admin, "CREATE DATABASE " + m_dbName.toLatin1());
    QVERIFY2(err.isEmpty(), qPrintable(err));
    QUrl url(admin);
    url.setPath(QLatin1Char('/') + m_dbName);
    m_url = url.toString(QUrl::FullyEncoded);
}

void TestServerStore::cleanup()
{
    m_tmp.reset();
    if (m_dbName.isEmpty())
        return;
    const QString admin = qEnvironmentVariable("HEARTH_TEST_PG_URL");
    const QByteArray drop = "DROP DATABASE IF EXISTS " + m_dbName.toLatin1();
    m_dbName.clear();
    // Without FORCE first: a store must have closed every connection, its threads' included.
    const QString err = adminExec(admin, drop);
    if (!err.isEmpty()) {
        (void)adminExec(admin, drop + " WITH (FORCE)");
        QFAIL(qPrintable(QStringLiteral("The test database could not be dropped (a connection left open?): ") + err));
    }
}

void TestServerStore::openChoosesBackend()
{
    QFETCH_GLOBAL(QString, backend);
    OPEN_STORE(s);
    QCOMPARE(s->kind(), backend);
    if (backend == QLatin1String("sqlite")) {
        QTemporaryDir other;
        auto explicitSqlite = ServerStore::open(QStringLiteral("sqlite:"), other.path());
        QVERIFY_OK(explicitSqlite);
        QCOMPARE(explicitSqlite.value()->kind(), QStringLiteral("sqlite"));
        QVERIFY(QFileInfo::exists(other.filePath(QStringLiteral("server.db"))));
        // An unknown scheme is a usage error that does not echo the rest of the URL (a password).
        auto unknown = ServerStore::open(QStringLiteral("mysql://u:sekrit-pw@db/hearth"), other.path());
        QVERIFY(!unknown.ok());
        QCOMPARE(unknown.error().code, ErrorCode::Usage);
        QVERIFY(unknown.error().message.contains(QLatin1String("mysql")));
        QVERIFY(!unknown.error().message.contains(QLatin1String("sekrit-pw")));
    } else {
        QUrl alias(m_url);
        alias.setScheme(QStringLiteral("postgres"));
        auto viaAlias = ServerStore::open(alias.toString(QUrl::FullyEncoded), m_tmp->path());
        QVERIFY_OK(viaAlias);
        QCOMPARE(viaAlias.value()->kind(), QStringLiteral("postgresql"));
        // A failed connection is an I/O error that names the server but never the password.
        QUrl wrong(m_url);
        wrong.setPassword(QStringLiteral("sekrit-wrong-pw"));
        auto refused = ServerStore::open(wrong.toString(QUrl::FullyEncoded), m_tmp->path());
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().code, ErrorCode::Io);
        QVERIFY(!refused.error().message.contains(QLatin1String("sekrit-wrong-pw")));
    }
}

void TestServerStore::usersAddUpdateList()
{
    OPEN_STORE(s);
    User morag{QStringLiteral("morag"),
               QStringLiteral("Morag Link"),
               QStringLiteral("link_worker"),
               QStringLiteral("glasgow-north"),
               {QStringLiteral("north"), QStringLiteral("west")},
               false,
               QByteArrayLiteral("scrypt$\x00\xff\x01hash")}; // binary: a NUL and 0xff
    User alan{QStringLiteral("alan"),
              QStringLiteral("Alan Manager"),
              QStringLiteral("manager"),
              QStringLiteral("glasgow-north"),
              {},
              false,
              QByteArray()};
    QVERIFY_OK(s->addUser(morag));
    QVERIFY_OK(s->addUser(alan));
    auto dup = s->addUser(morag);
    QVERIFY(!dup.ok());
    QCOMPARE(dup.error().code, ErrorCode::Validation);

    auto got = s->user(QStringLiteral("morag"));
    QVERIFY_OK(got);
    QVERIFY(got.value().has_value());
    QVERIFY(sameUser(*got.value(), morag));
    QVERIFY(!s->user(QStringLiteral("nobody")).value().has_value());

    morag.displayName = QStringLiteral("Morag MacLink");
    morag.caseloads = {QStringLiteral("south")};
    morag.disabled = true;
    morag.passwordHash = "new-hash";
    QVERIFY_OK(s->updateUser(morag));
    QVERIFY(sameUser(*s->user(QStringLiteral("morag")).value(), morag));
    User ghost = alan;
    ghost.id = QStringLiteral("ghost");
    auto missing = s->updateUser(ghost);
    QVERIFY(!missing.ok());
    QCOMPARE(missing.error().code, ErrorCode::NotFound);

    auto all = s->users();
    QVERIFY_OK(all);
    QCOMPARE(all.value().size(), 2);
    QVERIFY(sameUser(all.value().at(0), alan)); // by id
    QVERIFY(sameUser(all.value().at(1), morag));
}

void TestServerStore::devicesAndTokens()
{
    OPEN_STORE(s);
    QVERIFY_OK(s->addUser(User{QStringLiteral("morag"),
                               QStringLiteral("Morag"),
                               QStringLiteral("link_worker"),
                               QStringLiteral("north"),
                               {QStringLiteral("north")},
                               false,
                               "h"}));
    const QByteArray token = QCryptographicHash::hash("device-token-1", QCryptographicHash::Sha256);
    const Device tablet{QStringLiteral("a1b2c3d4"), QStringLiteral("morag"), token,
                        QDateTime(QDate(2025, 11, 23), QTime(9, 30, 15, 250), QTimeZone::utc()), false};
    QVERIFY_OK(s->addDevice(tablet));

    auto again = s->addDevice(tablet);
    QCOMPARE(again.error().code, ErrorCode::Validation);
    Device sameToken = tablet;
    sameToken.id = QStringLiteral("ffff0000");
    QCOMPARE(s->addDevice(sameToken).error().code, ErrorCode::Validation);
    Device orphan{QStringLiteral("0badf00d"), QStringLiteral("nobody"),
                  QCryptographicHash::hash("t2", QCryptographicHash::Sha256), QDateTime(), false};
    QCOMPARE(s->addDevice(orphan).error().code, ErrorCode::Validation);
    orphan.userId = QStringLiteral("morag"); // no enrolment time: stored as none
    QVERIFY_OK(s->addDevice(orphan));
    QVERIFY(!s->device(orphan.id).value()->enrolledAt.isValid());

    auto byToken = s->deviceByTokenHash(token);
    QVERIFY_OK(byToken);
    QVERIFY(byToken.value().has_value());
    QVERIFY(sameDevice(*byToken.value(), tablet));
    QVERIFY(!s->deviceByTokenHash(QCryptographicHash::hash("unknown", QCryptographicHash::Sha256)).value().has_value());
    QVERIFY(sameDevice(*s->device(tablet.id).value(), tablet));
    QVERIFY(!s->device(QStringLiteral("nothere")).value().has_value());

    QVERIFY_OK(s->revokeDevice(tablet.id));
    QVERIFY(s->device(tablet.id).value()->revoked);
    QVERIFY(s->deviceByTokenHash(token).value()->revoked); // still found: the server must say "revoked"
    QVERIFY(!s->device(orphan.id).value()->revoked);
    QCOMPARE(s->revokeDevice(QStringLiteral("nothere")).error().code, ErrorCode::NotFound);
}

// Sessions of the reports API (sync/server/reports): stored by token hash, shared by every process
// on the store, removable, and expired ones dropped when a new one is added.
void TestServerStore::reportSessions()
{
    OPEN_STORE(s);
    QVERIFY_OK(
        s->addUser(User{QStringLiteral("mgr"), {}, QStringLiteral("manager"), QStringLiteral("t"), {}, false, {}}));
    const QDateTime now = QDateTime::fromMSecsSinceEpoch(QDateTime::currentMSecsSinceEpoch(), QTimeZone::utc());
    const Session live{QByteArray(32, 'a'), QStringLiteral("mgr"), now, now.addSecs(8 * 3600)};
    const Session old{QByteArray(32, 'b'), QStringLiteral("mgr"), now.addSecs(-9 * 3600), now.addSecs(-3600)};
    QVERIFY_OK(s->addSession(old));
    QVERIFY(s->sessionByTokenHash(old.tokenHash).value().has_value()); // the caller checks expiry
    QVERIFY_OK(s->addSession(live));
    auto got = s->sessionByTokenHash(live.tokenHash);
    QVERIFY_OK(got);
    QVERIFY(got.value().has_value());
    QCOMPARE(got.value()->userId, QStringLiteral("mgr"));
    QCOMPARE(got.value()->tokenHash, live.tokenHash);
    QCOMPARE(got.value()->createdAt, live.createdAt);
    QCOMPARE(got.value()->expiresAt, live.expiresAt);
    QVERIFY(!s->sessionByTokenHash(old.tokenHash).value().has_value()); // dropped when `live` was added
    QVERIFY(!s->sessionByTokenHash(QByteArray(32, 'c')).value().has_value());
    QCOMPARE(s->addSession(Session{QByteArray(32, 'd'), QStringLiteral("nobody"), now, now.addSecs(60)}).error().code,
             ErrorCode::Validation);
    {
        OPEN_STORE(other); // another process on the same store sees it
        QVERIFY(other->sessionByTokenHash(live.tokenHash).value().has_value());
        QVERIFY_OK(other->removeSession(live.tokenHash));
    }
    QVERIFY(!s->sessionByTokenHash(live.tokenHash).value().has_value());
    QVERIFY_OK(s->removeSession(live.tokenHash)); // signing out twice is fine
}

void TestServerStore::appendIsIdempotent()
{
    OPEN_STORE(s);
    const QString p1 = ids::newUuid(), p2 = ids::newUuid();
    QList<Write> batch;
    for (int i = 1; i <= 5; ++i)
        batch << makeWrite(QStringLiteral("dev1"), i, i % 2 ? p1 : p2, QStringLiteral("note %1").arg(i));
    QCOMPARE(s->append(batch).value(), 5);
    QCOMPARE(s->append(batch).value(), 0);
    QCOMPARE(s->lastSeq().value(), qint64(5));
    QCOMPARE(s->append({}).value(), 0);

    // Repeats inside one batch and a batch overlapping what is held count each new write once.
    const Write six = makeWrite(QStringLiteral("dev1"), 6, p1, QStringLiteral("six"));
    const Write seven = makeWrite(QStringLiteral("dev2"), 1, p2, QStringLiteral("seven"));
    QCOMPARE(s->append({six, six}).value(), 1);
    QCOMPARE(s->append(batch + QList<Write>{six, seven}).value(), 1);
    QCOMPARE(s->lastSeq().value(), qint64(7));
    const auto held = s->writesAfter(0, {p1, p2}, 100).value();
    QCOMPARE(held.size(), 7);
    QVERIFY(sameWrite(held.last().write, seven));
    QCOMPARE(held.last().serverSeq, 7);
}

void TestServerStore::appendRefusesConflicts()
{
    OPEN_STORE(s);
    const QString p = ids::newUuid();
    const Write a = makeWrite(QStringLiteral("dev1"), 1, p, QStringLiteral("a"));
    const Write b = makeWrite(QStringLiteral("dev1"), 2, p, QStringLiteral("b"));
    QCOMPARE(s->append({a, b}).value(), 2);

    auto nothingMore = [&] { return s->lastSeq().value() == 2 && s->writesAfter(0, {p}, 100).value().size() == 2; };
    // Same id, other clock: the whole batch is refused, including its new write.
    const Write fresh = makeWrite(QStringLiteral("dev1"), 3, p, QStringLiteral("fresh"));
    Write forged = b;
    forged.hlc = Hlc{1, 0, QStringLiteral("dev1")}.toString();
    auto r = s->append({fresh, forged});
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, ErrorCode::Corrupt);
    QVERIFY(!r.error().message.contains(QLatin1String("text"))); // names the write, not its contents
    QVERIFY(nothingMore());
    QVERIFY(!s->record(fresh.recordId).value().has_value());

    // A clock held under another id.
    Write clone = makeWrite(QStringLiteral("dev1"), 4, p, QStringLiteral("clone"));
    clone.hlc = a.hlc;
    QCOMPARE(s->append({fresh, clone}).error().code, ErrorCode::Corrupt);
    QVERIFY(nothingMore());

    // Two writes of one batch under one id with different clocks.
    Write twin = fresh;
    twin.hlc = Hlc{1763900009999, 0, QStringLiteral("dev1")}.toString();
    QCOMPARE(s->append({fresh, twin}).error().code, ErrorCode::Corrupt);
    QVERIFY(nothingMore());

    // A write whose record exists with another person or type.
    Write otherPerson = makeWrite(QStringLiteral("dev1"), 5, ids::newUuid(), QStringLiteral("x"), a.recordId);
    QCOMPARE(s->append({otherPerson}).error().code, ErrorCode::Corrupt);
    Write otherType =
        makeWrite(QStringLiteral("dev1"), 5, p, QStringLiteral("x"), a.recordId, QStringLiteral("contact"));
    QCOMPARE(s->append({otherType}).error().code, ErrorCode::Corrupt);
    QVERIFY(nothingMore());

    // After all that, the good write still goes in.
    QCOMPARE(s->append({fresh}).value(), 1);
    QCOMPARE(s->lastSeq().value(), qint64(3));
}

void TestServerStore::mergedStateMatchesDevice()
{
    QTemporaryDir tmp;
    auto a = makeDevice(tmp, QStringLiteral("a"));
    auto b = makeDevice(tmp, QStringLiteral("b"));
    QJsonObject fields = test::person();
    fields.insert(QStringLiteral("caseload"), QStringLiteral("north"));
    const QString person = a->put(QStringLiteral("person"), fields).value();
    auto action = [&](const QString &text) {
        return a
            ->put(QStringLiteral("care_action"),
                  QJsonObject{{QStringLiteral("person_id"), person},
                              {QStringLiteral("action"), text},
                              {QStringLiteral("owner"), QStringLiteral("link_worker")},
                              {QStringLiteral("status"), QStringLiteral("planned")}})
            .value();
    };
    const QString c1 = action(QStringLiteral("Blue badge application"));
    const QString c2 = action(QStringLiteral("Attendance allowance"));
    QVERIFY_OK(b->applyRemote(logOf(*a)));
    // Offline on both: a conflicting edit, an edit-vs-delete, and a caseload move.
    QVERIFY_OK(a->edit(c1, QJsonObject{{QStringLiteral("status"), QStringLiteral("done")}}));
    QVERIFY_OK(b->edit(c1, QJsonObject{{QStringLiteral("status"), QStringLiteral("in_progress")}}));
    QVERIFY_OK(a->remove(c2));
    QVERIFY_OK(b->edit(c2, QJsonObject{{QStringLiteral("outcome"), QStringLiteral("awarded")}}));
    QVERIFY_OK(b->edit(person, QJsonObject{{QStringLiteral("caseload"), QStringLiteral("south")}}));
    QVERIFY_OK(a->applyRemote(logOf(*b)));
    QVERIFY_OK(b->applyRemote(logOf(*a)));
    QCOMPARE(a->hash().value(), b->hash().value());
    QVERIFY(!a->conflicted().value().isEmpty());

    // The server gets every write in a shuffled order, in pieces, with repeats.
    QList<Write> all = logOf(*a);
    QRandomGenerator rng(7);
    std::shuffle(all.begin(), all.end(), rng);
    OPEN_STORE(s);
    int fresh = 0;
    for (qsizetype i = 0; i < all.size(); i += 3) {
        auto n = s->append(all.mid(i, 4)); // overlapping pieces
        QVERIFY_OK(n);
        fresh += n.value();
    }
    QCOMPARE(fresh, int(all.size()));

    // Same export as the device: values, deletions and every conflict.
    QJsonArray serverRecords;
    QHash<QString, QByteArray> encoded;
    QVERIFY_OK(s->forEachRecord([&](const RecordState &r) {
        serverRecords.append(r.exportJson());
        encoded.insert(r.id, r.encode());
    }));
    const QJsonArray deviceRecords =
        QJsonDocument::fromJson(a->exportCanonical().value()).object().value(QStringLiteral("records")).toArray();
    QCOMPARE(serverRecords.size(), 3);
    QCOMPARE(serverRecords, deviceRecords);

    // And byte for byte the state a replay of the log in clock order builds.
    std::sort(all.begin(), all.end(), [](const Write &x, const Write &y) { return x.hlc < y.hlc; });
    QHash<QString, RecordState> replay;
    QHash<QString, QSet<QString>> applied;
    for (const Write &w : std::as_const(all)) {
        QSet<QString> &seen = applied[w.recordId];
        replay[w.recordId].apply(w, [&](const QString &h) { return seen.contains(h); });
        seen.insert(w.hlc);
    }
    for (auto it = replay.cbegin(); it != replay.cend(); ++it) {
        QCOMPARE(encoded.value(it.key()), it.value().encode());
        QCOMPARE(s->record(it.key()).value()->encode(), it.value().encode());
    }
    QCOMPARE(s->personCaseloads().value(), (QHash<QString, QString>{{person, QStringLiteral("south")}}));
}

void TestServerStore::writesAfterOrderLimitAndScope()
{
    OPEN_STORE(s);
    const QStringList p = {ids::newUuid(), ids::newUuid(), ids::newUuid()};
    QList<Write> written;
    for (int i = 1; i <= 30; ++i)
        written << makeWrite(QStringLiteral("dev1"), i, p[i % 3], QStringLiteral("n%1").arg(i));
    for (int i = 0; i < 30; i += 10)
        QCOMPARE(s->append(written.mid(i, 10)).value(), 10);
    const QSet<QString> everyone(p.cbegin(), p.cend());

    const auto all = s->writesAfter(0, everyone, 1000).value();
    QCOMPARE(all.size(), 30);
    for (int i = 0; i < 30; ++i) {
        QCOMPARE(all[i].serverSeq, qint64(i + 1));
        QVERIFY(sameWrite(all[i].write, written[i]));
    }

    const auto one = s->writesAfter(0, {p[1]}, 1000).value();
    QCOMPARE(one.size(), 10);
    for (int i = 0; i < one.size(); ++i) {
        QCOMPARE(one[i].write.personId, p[1]);
        if (i)
            QVERIFY(one[i].serverSeq > one[i - 1].serverSeq);
    }

    // Paging with a cursor gives the same writes as one big read.
    QList<StoredWrite> paged;
    qint64 cursor = 0;
    for (;;) {
        const auto page = s->writesAfter(cursor, {p[0], p[2]}, 4).value();
        QVERIFY(page.size() <= 4);
        if (page.isEmpty())
            break;
        paged += page;
        cursor = page.last().serverSeq;
    }
    const auto twoAtOnce = s->writesAfter(0, {p[0], p[2]}, 1000).value();
    QCOMPARE(paged.size(), 20);
    QCOMPARE(twoAtOnce.size(), 20);
    for (int i = 0; i < 20; ++i) {
        QCOMPARE(paged[i].serverSeq, twoAtOnce[i].serverSeq);
        QVERIFY(paged[i].write.personId != p[1]);
    }

    QVERIFY(s->writesAfter(0, {}, 100).value().isEmpty()); // empty scope: nothing, not everything
    QVERIFY(s->writesAfter(0, {ids::newUuid()}, 100).value().isEmpty());
    QVERIFY(s->writesAfter(30, everyone, 100).value().isEmpty());
    QCOMPARE(s->writesAfter(25, everyone, 100).value().size(), 5);
    QCOMPARE(s->countAfter(0, everyone).value(), qint64(30));
    QCOMPARE(s->countAfter(0, {p[0], p[2]}).value(), qint64(20));
    QCOMPARE(s->countAfter(10, everyone).value(), qint64(20));
    QCOMPARE(s->countAfter(0, {}).value(), qint64(0));
}

void TestServerStore::writesInCaseloadsPagesByScope()
{
    OPEN_STORE(s);
    // Three people in caseloads north, south and (none); their notes interleaved in one log.
    const QStringList p = {ids::newUuid(), ids::newUuid(), ids::newUuid()};
    const QString dev = QStringLiteral("dev1");
    QList<Write> written{personWrite(dev, 1, p[0], QStringLiteral("north")),
                         personWrite(dev, 2, p[1], QStringLiteral("south"))};
    Write noCaseload = makeWrite(dev, 3, p[2], QString(), p[2], QStringLiteral("person"));
    noCaseload.values = QJsonObject{{QStringLiteral("given_name"), QStringLiteral("Nobody")}};
    written << noCaseload;
    for (int i = 4; i <= 33; ++i)
        written << makeWrite(dev, i, p[i % 3], QStringLiteral("n%1").arg(i));
    QCOMPARE(s->append(written).value(), 33);
    const QStringList both{QStringLiteral("north"), QStringLiteral("south")};

    // The same writes, in the same order, as the per-person read; payloads undecoded but intact.
    const auto expected = s->writesAfter(0, {p[0], p[1]}, 1000).value();
    const auto all = s->writesInCaseloads(0, both, 1000).value();
    QCOMPARE(all.size(), 22);
    QCOMPARE(all.size(), expected.size());
    for (int i = 0; i < all.size(); ++i) {
        QCOMPARE(all[i].serverSeq, expected[i].serverSeq);
        QVERIFY(all[i].write.values.isEmpty());
        Write w = all[i].write;
        QVERIFY(w.decodePayload(all[i].payload).ok());
        QVERIFY(sameWrite(w, expected[i].write));
        QCOMPARE(all[i].payload, expected[i].write.encodePayload());
    }
    // Pages of 4 with a cursor: every write once, in order, never more than the limit.
    QList<qint64> paged;
    qint64 cursor = 0;
    for (;;) {
        const auto page = s->writesInCaseloads(cursor, both, 4).value();
        QVERIFY(page.size() <= 4);
        if (page.isEmpty())
            break;
        for (const StoredWrite &w : page)
            paged << w.serverSeq;
        cursor = page.last().serverSeq;
    }
    QCOMPARE(paged.size(), 22);
    for (int i = 0; i < paged.size(); ++i)
        QCOMPARE(paged[i], all[i].serverSeq);
    QCOMPARE(s->writesInCaseloads(0, {QStringLiteral("south")}, 1000).value().size(), 11);
    QVERIFY(s->writesInCaseloads(0, {}, 100).value().isEmpty()); // empty scope: nothing, not everything
    QVERIFY(s->writesInCaseloads(0, {QStringLiteral("west")}, 100).value().isEmpty());
    QVERIFY(s->writesInCaseloads(33, both, 100).value().isEmpty());

    // The backlog counts what the pages would bring, and the stored bytes of it.
    qint64 bytes = 0;
    for (const StoredWrite &w : all)
        bytes += w.payload.size();
    QCOMPARE(s->backlogInCaseloads(0, both).value().writes, qint64(22));
    QCOMPARE(s->backlogInCaseloads(0, both).value().bytes, bytes);
    QCOMPARE(s->backlogInCaseloads(all[9].serverSeq, both).value().writes, qint64(12));
    QCOMPARE(s->backlogInCaseloads(0, {}).value().writes, qint64(0));

    // A person who moves caseload moves with all their writes, earlier ones included.
    QCOMPARE(s->append({personWrite(dev, 34, p[1], QStringLiteral("north"))}).value(), 1);
    QCOMPARE(s->writesInCaseloads(0, {QStringLiteral("north")}, 1000).value().size(), 23);
    QVERIFY(s->writesInCaseloads(0, {QStringLiteral("south")}, 1000).value().isEmpty());

    // The caseloads of some people: only those asked for, and only those known.
    const QString stranger = ids::newUuid();
    QCOMPARE(s->caseloadsOf({p[1], p[2], stranger}).value(),
             (QHash<QString, QString>{{p[1], QStringLiteral("north")}, {p[2], QString()}}));
    QVERIFY(s->caseloadsOf({}).value().isEmpty());
}

void TestServerStore::writesOfPersons()
{
    OPEN_STORE(s);
    const QStringList p = {ids::newUuid(), ids::newUuid(), ids::newUuid()};
    QList<Write> written;
    for (int i = 1; i <= 30; ++i)
        written << makeWrite(QStringLiteral("dev%1").arg(i % 2), i, p[i % 3], QStringLiteral("n%1").arg(i));
    QCOMPARE(s->append(written).value(), 30);

    const auto got = s->writesOfPersons({p[0], p[2]}, 20).value();
    QList<Write> expected;
    for (int i = 0; i < 20; ++i)
        if (written[i].personId != p[1])
            expected << written[i];
    QCOMPARE(got.size(), expected.size());
    for (int i = 0; i < got.size(); ++i) {
        QVERIFY(sameWrite(got[i].write, expected[i]));
        QVERIFY(got[i].serverSeq <= 20);
        if (i)
            QVERIFY(got[i].serverSeq > got[i - 1].serverSeq);
    }
    QCOMPARE(s->writesOfPersons({p[1]}, 1000).value().size(), 10);
    QVERIFY(s->writesOfPersons({}, 1000).value().isEmpty());
    QVERIFY(s->writesOfPersons({p[0]}, 0).value().isEmpty());
}

void TestServerStore::personCaseloadsFollowEdits()
{
    QTemporaryDir tmp;
    auto dev = makeDevice(tmp, QStringLiteral("dev"));
    const auto [morag, ewan, isla] = putThreePeople(*dev);
    (void)dev->put(
        QStringLiteral("note"),
        QJsonObject{{QStringLiteral("person_id"), morag}, {QStringLiteral("text"), QStringLiteral("Called")}});
    OPEN_STORE(s);
    QVERIFY_OK(s->append(logOf(*dev)));
    QCOMPARE(
        s->personCaseloads().value(),
        (QHash<QString, QString>{{morag, QStringLiteral("north")}, {ewan, QString()}, {isla, QStringLiteral("east")}}));

    QVERIFY_OK(dev->edit(morag, QJsonObject{{QStringLiteral("caseload"), QStringLiteral("south")}}));
    QVERIFY_OK(dev->edit(ewan, QJsonObject{{QStringLiteral("caseload"), QStringLiteral("west")}}));
    QVERIFY_OK(dev->remove(isla));
    QCOMPARE(s->append(logOf(*dev)).value(), 3);
    // A deleted person keeps their caseload: tombstones stay in scope (DESIGN §2: an edit the
    // delete had not seen must reach a person as a conflict; the id cannot be taken over).
    QCOMPARE(s->personCaseloads().value(),
             (QHash<QString, QString>{
                 {morag, QStringLiteral("south")}, {ewan, QStringLiteral("west")}, {isla, QStringLiteral("east")}}));
}

void TestServerStore::deliveredTracksDevices()
{
    OPEN_STORE(s);
    const QString d1 = QStringLiteral("dev1"), d2 = QStringLiteral("dev2");
    const QString p1 = ids::newUuid(), p2 = ids::newUuid(), p3 = ids::newUuid(), p4 = ids::newUuid();
    QVERIFY(s->delivered(d1).value().isEmpty());
    QVERIFY_OK(s->markDelivered(d1, {p1, p2}, {}));
    QCOMPARE(s->delivered(d1).value(), (QSet<QString>{p1, p2}));
    QVERIFY_OK(s->markDelivered(d1, {p3, p2}, {p1}));
    QCOMPARE(s->delivered(d1).value(), (QSet<QString>{p2, p3}));
    QVERIFY(s->delivered(d2).value().isEmpty());
    QVERIFY_OK(s->markDelivered(d2, {p1}, {p2})); // removing what was never there is fine
    QCOMPARE(s->delivered(d2).value(), (QSet<QString>{p1}));
    QVERIFY_OK(s->markDelivered(d1, {p4}, {p4})); // in both lists: removed
    QCOMPARE(s->delivered(d1).value(), (QSet<QString>{p2, p3}));
    QVERIFY_OK(s->markDelivered(d1, {}, {}));
    QCOMPARE(s->delivered(d1).value(), (QSet<QString>{p2, p3}));
}

// What a pull back-fills and purges, worked out in the database from caseloads and deliveries.
void TestServerStore::undeliveredAndOutsideFollowScope()
{
    QTemporaryDir tmp;
    auto dev = makeDevice(tmp, QStringLiteral("dev"));
    const auto [morag, ewan, isla] = putThreePeople(*dev);
    const QString unknown = ids::newUuid(); // delivered once, not (or no longer) on the server
    OPEN_STORE(s);
    QVERIFY_OK(s->append(logOf(*dev)));
    const QString d1 = QStringLiteral("dev1");
    const QStringList scope{QStringLiteral("east"), QStringLiteral("north")};
    QStringList both{morag, isla};
    both.sort();
    QCOMPARE(s->undelivered(d1, scope, -1).value(), both);
    QCOMPARE(s->undelivered(d1, scope, 1).value(), both.mid(0, 1));
    QVERIFY(s->undelivered(d1, {}, -1).value().isEmpty());
    QVERIFY(s->deliveredOutside(d1, scope).value().isEmpty());

    QVERIFY_OK(s->markDelivered(d1, {morag, ewan, unknown}, {}));
    QCOMPARE(s->undelivered(d1, scope, -1).value(), QStringList{isla});
    QStringList outside{ewan, unknown};
    outside.sort();
    QCOMPARE(s->deliveredOutside(d1, scope).value(), outside);
    QVERIFY(s->undelivered(QStringLiteral("dev2"), scope, -1).value() == both); // per device

    // Morag moves away: she is to be purged; a device whose scope is the new caseload lacks her.
    QVERIFY_OK(dev->edit(morag, QJsonObject{{QStringLiteral("caseload"), QStringLiteral("south")}}));
    QVERIFY_OK(s->append(logOf(*dev)));
    outside << morag;
    outside.sort();
    QCOMPARE(s->deliveredOutside(d1, scope).value(), outside);
    QVERIFY(s->undelivered(d1, {QStringLiteral("south")}, -1).value().isEmpty()); // already delivered
    QCOMPARE(s->undelivered(QStringLiteral("dev2"), {QStringLiteral("south")}, 10).value(), QStringList{morag});
    QCOMPARE(s->deliveredOutside(d1, {}).value().size(), 3);
}

void TestServerStore::persistsAcrossReopen()
{
    const QString p = ids::newUuid();
    const User morag{QStringLiteral("morag"),
                     QStringLiteral("Morag"),
                     QStringLiteral("link_worker"),
                     QStringLiteral("north"),
                     {QStringLiteral("north")},
                     false,
                     "hash"};
    const Device tablet{QStringLiteral("tab1"), QStringLiteral("morag"), QByteArray(32, '\x07'),
                        QDateTime(QDate(2025, 1, 2), QTime(3, 4), QTimeZone::utc()), false};
    const QList<Write> writes = {personWrite(QStringLiteral("tab1"), 1, p, QStringLiteral("north")),
                                 makeWrite(QStringLiteral("tab1"), 2, p, QStringLiteral("first visit"))};
    {
        OPEN_STORE(s);
        QVERIFY_OK(s->addUser(morag));
        QVERIFY_OK(s->addDevice(tablet));
        QCOMPARE(s->append(writes).value(), 2);
        QVERIFY_OK(s->markDelivered(tablet.id, {p}, {}));
    }
    OPEN_STORE(s);
    QVERIFY(sameUser(*s->user(morag.id).value(), morag));
    QVERIFY(sameDevice(*s->deviceByTokenHash(tablet.tokenHash).value(), tablet));
    QCOMPARE(s->lastSeq().value(), qint64(2));
    const auto held = s->writesAfter(0, {p}, 10).value();
    QCOMPARE(held.size(), 2);
    QVERIFY(sameWrite(held[0].write, writes[0]));
    QVERIFY(sameWrite(held[1].write, writes[1]));
    QCOMPARE(s->record(p).value()->value(QStringLiteral("caseload")).toString(), QStringLiteral("north"));
    QCOMPARE(s->personCaseloads().value(), (QHash<QString, QString>{{p, QStringLiteral("north")}}));
    QCOMPARE(s->delivered(tablet.id).value(), (QSet<QString>{p}));
    // Re-sent after the restart: still idempotent; a new write continues the sequence.
    QCOMPARE(s->append(writes).value(), 0);
    QCOMPARE(s->append({makeWrite(QStringLiteral("tab1"), 3, p, QStringLiteral("second"))}).value(), 1);
    QCOMPARE(s->lastSeq().value(), qint64(3));
}

RaceOutcome TestServerStore::race(const QList<ServerStore *> &writers, ServerStore &reader, int threads, int batches,
                                  int batchSize, const QString &shared, const QStringList &persons)
{
    RaceOutcome out;
    std::mutex mutex;
    std::latch start(threads + 1);
    std::atomic<int> running{threads};
    const QSet<QString> scope(persons.cbegin(), persons.cend());
    QElapsedTimer timer;
    timer.start();
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&, t] {
            ServerStore &store = *writers[t % writers.size()];
            const QString device = QStringLiteral("writer%1").arg(t);
            qint64 dseq = 0;
            start.arrive_and_wait();
            for (int b = 0; b < batches; ++b) {
                QList<Write> batch;
                // One write per batch to a record every writer edits: no update of it may be lost.
                batch << makeWrite(device, ++dseq, persons[0], QStringLiteral("shared"), shared);
                while (batch.size() < batchSize) {
                    ++dseq;
                    batch << makeWrite(device, dseq, persons[int(dseq % persons.size())], QStringLiteral("w"));
                }
                auto n = store.append(batch);
                if (!n.ok() || n.value() != batchSize) {
                    std::lock_guard lock(mutex);
                    out.errors << (n.ok()
                                       ? QStringLiteral("%1 stored %2 of %3").arg(device).arg(n.value()).arg(batchSize)
                                       : n.error().toString());
                }
            }
            --running;
        });
    }
    // The reader polls through a cursor, as devices pull, while the writers commit.
    std::thread poller([&] {
        qint64 cursor = 0;
        start.arrive_and_wait();
        for (;;) {
            const bool last = running.load() == 0; // one more full drain after the writers finish
            for (;;) {
                auto page = reader.writesAfter(cursor, scope, 37);
                if (!page.ok()) {
                    std::lock_guard lock(mutex);
                    out.errors << page.error().toString();
                    return;
                }
                if (page.value().isEmpty())
                    break;
                cursor = page.value().last().serverSeq;
                out.polled += page.value();
            }
            if (last)
                return;
        }
    });
    for (std::thread &t : pool)
        t.join();
    poller.join();
    out.ms = timer.elapsed();
    return out;
}

void TestServerStore::checkRace(ServerStore &store, const RaceOutcome &out, int threads, int batches, int batchSize,
                                const QString &shared, const QStringList &persons)
{
    QVERIFY2(out.errors.isEmpty(), qPrintable(out.errors.join(QLatin1Char('\n'))));
    const int total = threads * batches * batchSize;
    QCOMPARE(store.lastSeq().value(), qint64(total));
    const QSet<QString> scope(persons.cbegin(), persons.cend());
    const auto final = store.writesAfter(0, scope, total + 10).value();
    QCOMPARE(final.size(), total);
    QSet<QString> ids;
    for (int i = 0; i < final.size(); ++i) {
        QCOMPARE(final[i].serverSeq, qint64(i + 1)); // unique and dense
        ids.insert(key(final[i].write));
    }
    for (int t = 0; t < threads; ++t)
        for (int dseq = 1; dseq <= batches * batchSize; ++dseq)
            QVERIFY2(ids.contains(QStringLiteral("writer%1/%2").arg(t).arg(dseq)), "a write is missing");
    // The reader's cursor skipped nothing and saw nothing twice.
    QCOMPARE(out.polled.size(), final.size());
    for (int i = 0; i < out.polled.size(); ++i) {
        QCOMPARE(out.polled[i].serverSeq, final[i].serverSeq);
        QCOMPARE(key(out.polled[i].write), key(final[i].write));
    }
    // Every writer's edit of the shared record survived (no parents, so each is a head).
    const auto state = store.record(shared).value();
    QVERIFY(state.has_value());
    QCOMPARE(state->fields.value(QStringLiteral("text")).heads.size(), threads * batches);
}

void TestServerStore::concurrentAppendsAreDenseAndUnique()
{
    QFETCH_GLOBAL(QString, backend);
    OPEN_STORE(s);
    const int threads = 4, batches = 40, batchSize = 10;
    const QStringList persons = {ids::newUuid(), ids::newUuid(), ids::newUuid(), ids::newUuid()};
    const QString shared = ids::newUuid();
    const RaceOutcome out = race({s.get()}, *s, threads, batches, batchSize, shared, persons);
    qInfo("%s: 4 threads, one store: %d writes in %d commits took %lld ms (reader saw %lld)", qPrintable(backend),
          threads * batches * batchSize, threads * batches, out.ms, qint64(out.polled.size()));
    checkRace(*s, out, threads, batches, batchSize, shared, persons);
}

void TestServerStore::twoStoresOnOneDatabase()
{
    QFETCH_GLOBAL(QString, backend);
    // Two store instances on one database, as two hearth-server processes would have.
    OPEN_STORE(first);
    OPEN_STORE(second);
    const int threads = 4, batches = 40, batchSize = 10;
    const QStringList persons = {ids::newUuid(), ids::newUuid(), ids::newUuid()};
    const QString shared = ids::newUuid();
    const RaceOutcome out = race({first.get(), second.get()}, *second, threads, batches, batchSize, shared, persons);
    qInfo("%s: 4 threads, two stores: %d writes in %d commits took %lld ms (reader saw %lld)", qPrintable(backend),
          threads * batches * batchSize, threads * batches, out.ms, qint64(out.polled.size()));
    checkRace(*first, out, threads, batches, batchSize, shared, persons);
    QCOMPARE(second->lastSeq().value(), first->lastSeq().value());
}

QTEST_GUILESS_MAIN(TestServerStore)
#include "tst_serverstore.moc"
