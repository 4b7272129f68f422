#include "testsupport.h"

#include <QDirIterator>
#include <QFile>
#include <QJsonDocument>
#include <QTemporaryDir>

#include <sqlite3.h>

using namespace hearth;

namespace {

int schemaVersionOf(const QString &dir)
{
    sqlite3 *db = nullptr;
    sqlite3_open_v2((dir + QStringLiteral("/hearth.db")).toUtf8().constData(), &db, SQLITE_OPEN_READONLY, nullptr);
    sqlite3_stmt *st = nullptr;
    sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = 'schema_version'", -1, &st, nullptr);
    int v = -1;
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

QString copyFixture(const QString &name, const QTemporaryDir &tmp)
{
    const QString src = QStringLiteral(HEARTH_TEST_FIXTURES) + QLatin1Char('/') + name;
    const QString dst = tmp.filePath(name);
    QDir().mkpath(dst);
    QDirIterator it(src, QDir::Files);
    while (it.hasNext()) {
        it.next();
        QFile::copy(it.filePath(), dst + QLatin1Char('/') + it.fileName());
        QFile::setPermissions(dst + QLatin1Char('/') + it.fileName(), QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    }
    return dst;
}

} // namespace

// Every schema Hearth ever shipped has a fixture store written by that version, with data in it.
// Each must open with today's code, upgrade, and keep exactly the same records.
class TestMigrations : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void upgradesEveryEarlierSchema_data();
    void upgradesEveryEarlierSchema();
    void noUpgradeBeforeUnlock();
};

void TestMigrations::upgradesEveryEarlierSchema_data()
{
    QTest::addColumn<QString>("fixture");
    for (int v = 1; v < Store::SchemaVersion; ++v)
        QTest::newRow(qPrintable(QStringLiteral("schema %1").arg(v))) << QStringLiteral("store-v%1").arg(v);
}

void TestMigrations::upgradesEveryEarlierSchema()
{
    QFETCH(QString, fixture);
    QTemporaryDir tmp;
    const QString dir = copyFixture(fixture, tmp);
    QFile f(dir + QStringLiteral("/expected.json"));
    QVERIFY2(f.open(QIODevice::ReadOnly), "every earlier schema needs a fixture with expected.json");
    const QJsonObject expected = QJsonDocument::fromJson(f.readAll()).object();
    QCOMPARE(schemaVersionOf(dir), expected.value(QStringLiteral("schema_version")).toInt());

    auto s = Store::open(dir, expected.value(QStringLiteral("passcode")).toString().toUtf8(), test::fastOptions());
    QVERIFY2(s.ok(), qPrintable(s.ok() ? QString() : s.error().toString()));
    QCOMPARE(schemaVersionOf(dir), Store::SchemaVersion);
    // The canonical export is a cross-version contract: replicas on different versions must agree.
    QCOMPARE(s.value()->hash().value(), expected.value(QStringLiteral("hash")).toString());
    QCOMPARE(s.value()->count().value(), expected.value(QStringLiteral("live_records")).toInt());
    QCOMPARE(s.value()->writeCount().value(), qint64(expected.value(QStringLiteral("writes")).toInt()));
    QVERIFY(s.value()->verifyAgainstLog().value().isEmpty());
    // Schema 4 indexed the pending writes: the same ones are still pending, and refused ones stay refused.
    if (expected.contains(QStringLiteral("pending"))) {
        QCOMPARE(s.value()->pendingCount().value(), qint64(expected.value(QStringLiteral("pending")).toInt()));
        QCOMPARE(s.value()->pendingWrites(100000).value().size(), expected.value(QStringLiteral("pending")).toInt());
        QCOMPARE(s.value()->rejectedWrites().value().size(), expected.value(QStringLiteral("rejected")).toInt());
    }

    // Schema 2 backfilled the caseload summaries from the old records.
    auto reader = s.value()->reader();
    QVERIFY(reader.ok());
    const auto caseload = reader.value()->caseload(QDate(2026, 1, 1));
    QVERIFY(caseload.ok());
    QCOMPARE(caseload.value().size(), s.value()->count(QStringLiteral("person")).value());

    // The upgraded store keeps working: new writes continue the old device's sequence.
    const qint64 before = s.value()->writeCount().value();
    QVERIFY(s.value()
                ->put(QStringLiteral("person"), test::person(QStringLiteral("After"), QStringLiteral("Upgrade")))
                .ok());
    QCOMPARE(s.value()->writeCount().value(), before + 1);
    s.value().reset();
    auto again = Store::open(dir, expected.value(QStringLiteral("passcode")).toString().toUtf8(), test::fastOptions());
    QVERIFY(again.ok());
    QCOMPARE(again.value()->reader().value()->caseload(QDate(2026, 1, 1)).value().size(), caseload.value().size() + 1);
}

void TestMigrations::noUpgradeBeforeUnlock()
{
    QTemporaryDir tmp;
    const QString dir = copyFixture(QStringLiteral("store-v1"), tmp);
    QCOMPARE(Store::open(dir, "not the passcode", test::fastOptions()).error().code, ErrorCode::WrongPasscode);
    QCOMPARE(schemaVersionOf(dir), 1);
}

QTEST_GUILESS_MAIN(TestMigrations)
#include "tst_migrations.moc"
