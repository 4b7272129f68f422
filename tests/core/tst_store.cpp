#include "desktop/filekeyprotector.h"
#include "identifiers.h"
#include "testsupport.h"

#include <QDirIterator>
#include <QFile>
#include <QTemporaryDir>

#include <sqlite3.h>

using namespace hearth;

namespace {

using test::rawSql;

QByteArray kPass = "correct horse";

QByteArray allFileBytes(const QString &dir)
{
    QByteArray all;
    QDirIterator it(dir, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        QFile f(it.next());
        if (f.open(QIODevice::ReadOnly))
            all += f.readAll();
    }
    return all;
}

} // namespace

class TestStore : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void createOpenAndRoundTrip();
    void nothingIdentifyingIsStoredInPlaintext();
    void wrongPasscodeAndLockout();
    void lockoutCountsAttemptBeforeChecking();
    void passcodeChangeRewrapsKeyOnly();
    void tamperedRecordBlobIsDetected();
    void swappedBlobsAreDetected();
    void tamperedLogIsDetected();
    void corruptDatabaseFileGivesClearError();
    void batchIsAtomic();
    void exportIsCanonicalAndStable();
    void deleteKeepsTombstoneAndHidesRecord();
    void stateEqualsReplayOfLog();
    void platformKeyBindsStoreToDevice();
    void newerSchemaIsRefused();
    void unencryptedModeIsExplicit();

private:
    QString dir(const QString &name = QStringLiteral("s")) const { return m_tmp->filePath(name); }
    std::unique_ptr<QTemporaryDir> m_tmp;
};

void TestStore::init()
{
    m_tmp = std::make_unique<QTemporaryDir>();
    QVERIFY(m_tmp->isValid());
}

void TestStore::createOpenAndRoundTrip()
{
    QString id;
    {
        auto s = Store::create(dir(), kPass, test::fastOptions());
        QVERIFY(s.ok());
        QVERIFY(!Store::create(dir(), kPass, test::fastOptions()).ok()); // refuses to overwrite
        auto r = s.value()->put(QStringLiteral("person"), test::person());
        QVERIFY(r.ok());
        id = r.value();
    }
    auto s = Store::open(dir(), kPass, test::fastOptions());
    QVERIFY(s.ok());
    auto rec = s.value()->get(id);
    QVERIFY(rec.ok());
    QCOMPARE(rec.value().values.value(QStringLiteral("given_name")).toString(), QStringLiteral("Morag"));
    QCOMPARE(rec.value().personId, id);
    QCOMPARE(s.value()->count(QStringLiteral("person")).value(), 1);
    QVERIFY(!Store::open(dir(QStringLiteral("missing")), kPass, test::fastOptions()).ok());
    QCOMPARE(Store::create(dir(QStringLiteral("weak")), "12345", test::fastOptions()).error().code, ErrorCode::Usage);
}

void TestStore::nothingIdentifyingIsStoredInPlaintext()
{
    const QStringList secrets = {QStringLiteral("Zebedee"),     QStringLiteral("Quarrington"),
                                 QStringLiteral("1947-11-29"),  QStringLiteral("G40 6DJ"),
                                 QStringLiteral("G40 6RS"),     QStringLiteral("Xanthippe"),
                                 QStringLiteral("Fotheringay"), QStringLiteral("worried about the rent arrears")};
    {
        auto s = Store::create(dir(), kPass, test::fastOptions());
        QVERIFY(s.ok());
        Store &st = *s.value();
        QJsonObject p = test::person(QStringLiteral("Zebedee"), QStringLiteral("Quarrington"));
        p[QStringLiteral("date_of_birth")] = QStringLiteral("1947-11-29");
        p[QStringLiteral("chi_number")] = test::chiFor(QDate(1947, 11, 29), 456);
        p[QStringLiteral("postcode")] = QStringLiteral("G40 6DJ");
        const QString id = st.put(QStringLiteral("person"), p).value();
        QVERIFY(st.edit(id, QJsonObject{{QStringLiteral("postcode"), QStringLiteral("G40 6RS")}}).ok());
        QJsonObject q = test::person(QStringLiteral("Xanthippe"), QStringLiteral("Fotheringay"));
        q[QStringLiteral("date_of_birth")] = QStringLiteral("1947-11-29");
        q.remove(QStringLiteral("chi_number"));
        const QString id2 = st.put(QStringLiteral("person"), q).value();
        QVERIFY(st.put(QStringLiteral("note"),
                       QJsonObject{{QStringLiteral("person_id"), id},
                                   {QStringLiteral("date"), QStringLiteral("2025-01-01")},
                                   {QStringLiteral("text"), QStringLiteral("worried about the rent arrears")}})
                    .ok());
        QVERIFY(st.remove(id2).ok());
        // Scan while open too: the WAL holds the newest pages before a checkpoint.
        const QByteArray bytes = allFileBytes(dir());
        for (const QString &secret : secrets)
            QVERIFY2(!bytes.contains(secret.toUtf8()),
                     qPrintable(QStringLiteral("found '%1' in plaintext (open)").arg(secret)));
    }
    const QByteArray bytes = allFileBytes(dir());
    QVERIFY(bytes.size() > 4096);
    for (const QString &s : secrets)
        QVERIFY2(!bytes.contains(s.toUtf8()), qPrintable(QStringLiteral("found '%1' in plaintext").arg(s)));
}

void TestStore::wrongPasscodeAndLockout()
{
    StoreOptions o = test::fastOptions();
    o.maxAttempts = 3;
    QVERIFY(Store::create(dir(), kPass, o).ok());
    auto r = Store::open(dir(), "wrong one", test::fastOptions());
    QCOMPARE(r.error().code, ErrorCode::WrongPasscode);
    QVERIFY(r.error().message.contains(QStringLiteral("2 attempts left")));
    // A right passcode resets the count.
    QVERIFY(Store::open(dir(), kPass, test::fastOptions()).ok());
    QCOMPARE(Store::open(dir(), "wrong 1", test::fastOptions()).error().code, ErrorCode::WrongPasscode);
    QCOMPARE(Store::open(dir(), "wrong 2", test::fastOptions()).error().code, ErrorCode::WrongPasscode);
    QCOMPARE(Store::open(dir(), "wrong 3", test::fastOptions()).error().code, ErrorCode::LockedOut);
    // Locked: even the right passcode is refused now.
    QCOMPARE(Store::open(dir(), kPass, test::fastOptions()).error().code, ErrorCode::LockedOut);
}

void TestStore::lockoutCountsAttemptBeforeChecking()
{
    QVERIFY(Store::create(dir(), kPass, test::fastOptions()).ok());
    (void)Store::open(dir(), "nope nope", test::fastOptions());
    sqlite3 *db = nullptr;
    sqlite3_open((dir() + QStringLiteral("/hearth.db")).toUtf8().constData(), &db);
    sqlite3_stmt *st = nullptr;
    sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key='failed_attempts'", -1, &st, nullptr);
    QCOMPARE(sqlite3_step(st), SQLITE_ROW);
    QCOMPARE(QByteArray(reinterpret_cast<const char *>(sqlite3_column_text(st, 0))), QByteArray("1"));
    sqlite3_finalize(st);
    sqlite3_close(db);
}

void TestStore::passcodeChangeRewrapsKeyOnly()
{
    QString id;
    {
        auto s = Store::create(dir(), kPass, test::fastOptions());
        id = s.value()->put(QStringLiteral("person"), test::person()).value();
        const QString hashBefore = s.value()->hash().value();
        QCOMPARE(s.value()->changePasscode("not the old one", "new passcode 1").error().code, ErrorCode::WrongPasscode);
        QCOMPARE(s.value()->changePasscode(kPass, "short").error().code, ErrorCode::Usage);
        QVERIFY(s.value()->changePasscode(kPass, "new passcode 1").ok());
        QCOMPARE(s.value()->hash().value(), hashBefore);
    }
    QCOMPARE(Store::open(dir(), kPass, test::fastOptions()).error().code, ErrorCode::WrongPasscode);
    auto s = Store::open(dir(), "new passcode 1", test::fastOptions());
    QVERIFY(s.ok());
    QVERIFY(s.value()->get(id).ok());
}

void TestStore::tamperedRecordBlobIsDetected()
{
    QString id;
    {
        auto s = Store::create(dir(), kPass, test::fastOptions());
        id = s.value()->put(QStringLiteral("person"), test::person()).value();
    }
    rawSql(dir(),
           "UPDATE records SET state = substr(state, 1, 20) || "
           "CASE WHEN substr(state, 21, 1) = X'00' THEN X'01' ELSE X'00' END || substr(state, 22)");
    auto s = Store::open(dir(), kPass, test::fastOptions());
    QVERIFY(s.ok());
    auto r = s.value()->get(id);
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, ErrorCode::Corrupt);
    QVERIFY(!s.value()->hash().ok());
}

void TestStore::swappedBlobsAreDetected()
{
    QString a, b;
    {
        auto s = Store::create(dir(), kPass, test::fastOptions());
        a = s.value()->put(QStringLiteral("person"), test::person(QStringLiteral("Ann"))).value();
        b = s.value()->put(QStringLiteral("person"), test::person(QStringLiteral("Bea"))).value();
        QVERIFY(s.value()->edit(a, QJsonObject{{QStringLiteral("phone"), QStringLiteral("01")}}).ok());
    }
    // Swap the two records' ciphertexts.
    rawSql(dir(),
           QStringLiteral("CREATE TEMP TABLE t AS SELECT id, state FROM records WHERE id IN ('%1','%2'); "
                          "UPDATE records SET state = (SELECT state FROM t WHERE t.id <> records.id) "
                          "WHERE id IN ('%1','%2');")
               .arg(a, b)
               .toUtf8());
    auto s = Store::open(dir(), kPass, test::fastOptions());
    QCOMPARE(s.value()->get(a).error().code, ErrorCode::Corrupt);
    QCOMPARE(s.value()->get(b).error().code, ErrorCode::Corrupt);
    // Rolling a record back to an older version's ciphertext (version column bumped) is caught too.
    rawSql(dir(), QStringLiteral("UPDATE records SET version = version + 1 WHERE id='%1'").arg(b).toUtf8());
    QCOMPARE(s.value()->get(b).error().code, ErrorCode::Corrupt);
}

void TestStore::tamperedLogIsDetected()
{
    {
        auto s = Store::create(dir(), kPass, test::fastOptions());
        QVERIFY(s.value()->put(QStringLiteral("person"), test::person()).ok());
    }
    rawSql(dir(),
           "UPDATE writes SET payload = substr(payload, 1, 30) || "
           "CASE WHEN substr(payload, 31, 1) = X'ff' THEN X'fe' ELSE X'ff' END || substr(payload, 32)");
    auto s = Store::open(dir(), kPass, test::fastOptions());
    bool sawError = false;
    auto st = s.value()->forEachWrite([](const Write &, bool) {});
    sawError = !st.ok() && st.error().code == ErrorCode::Corrupt;
    QVERIFY(sawError);
    QVERIFY(!s.value()->verifyAgainstLog().ok());
}

void TestStore::corruptDatabaseFileGivesClearError()
{
    QDir().mkpath(dir());
    QFile f(dir() + QStringLiteral("/hearth.db"));
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(QByteArray(8192, 'x'));
    f.close();
    auto s = Store::open(dir(), kPass, test::fastOptions());
    QVERIFY(!s.ok());
    QCOMPARE(s.error().code, ErrorCode::Corrupt);
    QVERIFY(s.error().message.contains(QStringLiteral("not a readable Hearth store")));
}

void TestStore::batchIsAtomic()
{
    auto s = Store::create(dir(), kPass, test::fastOptions());
    Store &st = *s.value();
    const QString before = st.hash().value();
    const QString id = ids::newUuid();
    auto r = st.commit({Mutation::put(QStringLiteral("person"), test::person(QStringLiteral("One")), id),
                        Mutation::put(QStringLiteral("contact"),
                                      QJsonObject{{QStringLiteral("person_id"), id},
                                                  {QStringLiteral("date"), QStringLiteral("2025-01-01")},
                                                  {QStringLiteral("method"), QStringLiteral("phone")},
                                                  {QStringLiteral("outcome"), QStringLiteral("reached")}}),
                        Mutation::put(QStringLiteral("contact"), QJsonObject{{QStringLiteral("person_id"), id}})});
    QVERIFY(!r.ok());
    QVERIFY(r.error().message.startsWith(QStringLiteral("Change 3 of 3")));
    QCOMPARE(st.hash().value(), before);
    QCOMPARE(st.writeCount().value(), 0);
    // The same batch without the bad change lands whole, and a record made earlier in a batch is visible to
    // validation later in it.
    r = st.commit({Mutation::put(QStringLiteral("person"), test::person(QStringLiteral("One")), id),
                   Mutation::put(QStringLiteral("contact"),
                                 QJsonObject{{QStringLiteral("person_id"), id},
                                             {QStringLiteral("date"), QStringLiteral("2025-01-01")},
                                             {QStringLiteral("method"), QStringLiteral("phone")},
                                             {QStringLiteral("outcome"), QStringLiteral("reached")}})});
    QVERIFY(r.ok());
    QCOMPARE(st.writeCount().value(), 2);
    // Sequence numbers continue without a gap after the failed batch.
    QList<qint64> seqs;
    QVERIFY(st.forEachWrite([&](const Write &w, bool) { seqs << w.seq; }).ok());
    QCOMPARE(seqs, (QList<qint64>{1, 2}));
}

void TestStore::exportIsCanonicalAndStable()
{
    auto s = Store::create(dir(), kPass, test::fastOptions());
    Store &st = *s.value();
    const QString id = st.put(QStringLiteral("person"), test::person()).value();
    QVERIFY(st.edit(id, QJsonObject{{QStringLiteral("phone"), QStringLiteral("07700 900123")}}).ok());
    const QByteArray e1 = st.exportCanonical().value();
    const QByteArray e2 = st.exportCanonical().value();
    QCOMPARE(e1, e2);
    QVERIFY(e1.startsWith("{\"format\":\"hearth.export\",\"records\":[{\"deleted\":false,\"id\":"));
    QCOMPARE(st.hash().value(), QString::fromLatin1(crypto::sha256(e1).toHex()));
    // An edit that changes nothing writes nothing.
    const qint64 n = st.writeCount().value();
    QVERIFY(st.edit(id, QJsonObject{{QStringLiteral("phone"), QStringLiteral("07700 900123")}}).ok());
    QCOMPARE(st.writeCount().value(), n);
}

void TestStore::deleteKeepsTombstoneAndHidesRecord()
{
    auto s = Store::create(dir(), kPass, test::fastOptions());
    Store &st = *s.value();
    const QString id = st.put(QStringLiteral("person"), test::person()).value();
    QVERIFY(st.remove(id).ok());
    QCOMPARE(st.count(QStringLiteral("person")).value(), 0);
    QVERIFY(st.get(id).value().deleted);
    QCOMPARE(st.list(QStringLiteral("person")).value().size(), 0);
    QCOMPARE(st.list(QStringLiteral("person"), true).value().size(), 1);
    QCOMPARE(st.edit(id, QJsonObject{{QStringLiteral("phone"), QStringLiteral("1")}}).error().code,
             ErrorCode::NotFound);
    // A record pointing at a deleted person is refused.
    auto r = st.put(QStringLiteral("contact"),
                    QJsonObject{{QStringLiteral("person_id"), id},
                                {QStringLiteral("date"), QStringLiteral("2025-01-01")},
                                {QStringLiteral("method"), QStringLiteral("phone")},
                                {QStringLiteral("outcome"), QStringLiteral("reached")}});
    QCOMPARE(r.error().code, ErrorCode::Validation);
    QVERIFY(st.exportCanonical().value().contains("\"deleted\":true"));
}

void TestStore::stateEqualsReplayOfLog()
{
    auto s = Store::create(dir(), kPass, test::fastOptions());
    Store &st = *s.value();
    for (int i = 0; i < 30; ++i) {
        const QString id = st.put(QStringLiteral("person"), test::person(QStringLiteral("P%1").arg(i))).value();
        QVERIFY(st.edit(id, QJsonObject{{QStringLiteral("phone"), QString::number(i)}}).ok());
        if (i % 5 == 0)
            QVERIFY(st.remove(id).ok());
    }
    auto diff = st.verifyAgainstLog();
    QVERIFY(diff.ok());
    QVERIFY(diff.value().isEmpty());
    // Break the state deliberately (re-sealed would need the key: drop a row instead).
    s.value().reset();
    rawSql(dir(), "DELETE FROM records WHERE rowid = (SELECT min(rowid) FROM records)");
    auto again = Store::open(dir(), kPass, test::fastOptions());
    QCOMPARE(again.value()->verifyAgainstLog().value().size(), 1);
}

void TestStore::platformKeyBindsStoreToDevice()
{
    FileKeyProtector keys(dir(QStringLiteral("keys")));
    StoreOptions o = test::fastOptions();
    o.keyProtector = &keys;
    QString storeId;
    {
        auto s = Store::create(dir(), kPass, o);
        QVERIFY(s.ok());
        storeId = s.value()->storeId();
    }
    QVERIFY(QFile::exists(dir(QStringLiteral("keys")) + QLatin1Char('/') + storeId + QStringLiteral(".key")));
    QCOMPARE(QFile::permissions(dir(QStringLiteral("keys")) + QLatin1Char('/') + storeId + QStringLiteral(".key"))
                 & (QFileDevice::ReadOther | QFileDevice::ReadGroup),
             QFileDevice::Permissions());
    QVERIFY(Store::open(dir(), kPass, o).ok());
    // Without the platform key the passcode alone is not enough.
    auto r = Store::open(dir(), kPass, test::fastOptions());
    QCOMPARE(r.error().code, ErrorCode::Unsupported);
    QVERIFY(keys.destroy(storeId).ok());
    r = Store::open(dir(), kPass, o);
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, ErrorCode::NotFound);
}

void TestStore::newerSchemaIsRefused()
{
    QVERIFY(Store::create(dir(), kPass, test::fastOptions()).ok());
    rawSql(dir(), "UPDATE meta SET value = '999' WHERE key = 'schema_version'");
    auto r = Store::open(dir(), kPass, test::fastOptions());
    QCOMPARE(r.error().code, ErrorCode::Unsupported);
    QVERIFY(r.error().message.contains(QStringLiteral("newer version")));
}

void TestStore::unencryptedModeIsExplicit()
{
    StoreOptions o = test::fastOptions();
    o.encrypted = false;
    auto s = Store::create(dir(), {}, o);
    QVERIFY(s.ok());
    QVERIFY(s.value()->put(QStringLiteral("person"), test::person(QStringLiteral("Plainname"))).ok());
    s.value().reset();
    QVERIFY(allFileBytes(dir()).contains("Plainname")); // proves the scan above would catch plaintext
}

QTEST_GUILESS_MAIN(TestStore)
#include "tst_store.moc"
