#include "testsupport.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QTemporaryDir>

#include <sqlite3.h>

using namespace hearth;

namespace {

using test::rawSql;

QJsonObject contact(const QString &person)
{
    return QJsonObject{{QStringLiteral("person_id"), person},
                       {QStringLiteral("date"), QStringLiteral("2025-01-01")},
                       {QStringLiteral("method"), QStringLiteral("phone")},
                       {QStringLiteral("outcome"), QStringLiteral("reached")}};
}

} // namespace

// Concurrency, tampering with plaintext columns, half-made stores, derived fields and references.
class TestStoreRobustness : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void concurrentProcessesAllWrite();
    void twoConnectionsInOneProcess();
    void walStaysBounded();
    void concurrentWrongGuessesAreAllCounted();
    void encryptionFlagCannotBeSwitchedOff();
    void deletionFlagTamperIsDetected();
    void failedInitLeavesNothingBehind();
    void derivedFieldsFollowTheirSource();
    void deletingAPersonDeletesTheirRecords();
    void referencedRecordsCannotBeDeleted();
    void resolvingAPostcodeSettlesItsDeprivation();
    void textAndMoneyAreCleaned();

private:
    QString dir(const QString &n = QStringLiteral("s")) const { return m_tmp->filePath(n); }
    std::unique_ptr<QTemporaryDir> m_tmp;
};

void TestStoreRobustness::init()
{
    m_tmp = std::make_unique<QTemporaryDir>();
}

void TestStoreRobustness::concurrentProcessesAllWrite()
{
    QCOMPARE(test::ctl(dir(), {QStringLiteral("init"), QStringLiteral("--kdf-n"), QStringLiteral("1024")}).code, 0);
    QList<QProcess *> procs;
    const QByteArray json = QJsonDocument(test::person()).toJson(QJsonDocument::Compact);
    for (int i = 0; i < 12; ++i) {
        auto *p = new QProcess(this);
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("HEARTH_PASSCODE"), QStringLiteral("correct horse"));
        p->setProcessEnvironment(env);
        p->start(test::hearthctl(),
                 {QStringLiteral("--store"), dir(), QStringLiteral("put"), QStringLiteral("person"),
                  QStringLiteral("--json"), QString::fromUtf8(json)});
        procs << p;
    }
    for (QProcess *p : procs) {
        QVERIFY(p->waitForFinished(60000));
        QVERIFY2(p->exitCode() == 0, p->readAllStandardError().constData());
    }
    auto s = Store::open(dir(), "correct horse", test::fastOptions());
    QCOMPARE(s.value()->count(QStringLiteral("person")).value(), 12);
    QVERIFY(s.value()->verifyAgainstLog().value().isEmpty());
}

void TestStoreRobustness::twoConnectionsInOneProcess()
{
    QVERIFY(Store::create(dir(), "correct horse", test::fastOptions()).ok());
    auto a = Store::open(dir(), "correct horse", test::fastOptions());
    auto b = Store::open(dir(), "correct horse", test::fastOptions());
    QVERIFY(a.ok() && b.ok());
    for (int i = 0; i < 5; ++i) {
        QVERIFY(a.value()->put(QStringLiteral("person"), test::person(QStringLiteral("A%1").arg(i))).ok());
        auto r = b.value()->put(QStringLiteral("person"), test::person(QStringLiteral("B%1").arg(i)));
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().toString()));
    }
    QCOMPARE(a.value()->count().value(), 10);
    QCOMPARE(a.value()->writeCount().value(), 10);
    QVERIFY(a.value()->verifyAgainstLog().value().isEmpty());
}

void TestStoreRobustness::walStaysBounded()
{
    auto s = Store::create(dir(), "correct horse", test::fastOptions());
    auto reader = s.value()->reader(); // a second connection open the whole time
    QVERIFY(reader.ok());
    QVERIFY(reader.value()->caseload(QDate(2025, 1, 1)).ok());
    const QString id = s.value()->put(QStringLiteral("person"), test::person()).value();
    for (int i = 0; i < 3000; ++i)
        QVERIFY(s.value()->edit(id, QJsonObject{{QStringLiteral("phone"), QString::number(i)}}).ok());
    const qint64 wal = QFileInfo(dir() + QStringLiteral("/hearth.db-wal")).size();
    qInfo("WAL after 3000 single edits: %lld bytes", wal);
    QVERIFY2(wal < 16 * 1024 * 1024, "the WAL is not being checkpointed: some read transaction is left open");
}

void TestStoreRobustness::concurrentWrongGuessesAreAllCounted()
{
    QCOMPARE(test::ctl(dir(),
                       {QStringLiteral("init"), QStringLiteral("--kdf-n"), QStringLiteral("1024"),
                        QStringLiteral("--max-attempts"), QStringLiteral("3")})
                 .code,
             0);
    QList<QProcess *> procs;
    for (int i = 0; i < 10; ++i) {
        auto *p = new QProcess(this);
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("HEARTH_PASSCODE"), QStringLiteral("guess %1").arg(i));
        p->setProcessEnvironment(env);
        p->start(test::hearthctl(), {QStringLiteral("--store"), dir(), QStringLiteral("hash")});
        procs << p;
    }
    int wrong = 0, locked = 0;
    for (QProcess *p : procs) {
        QVERIFY(p->waitForFinished(60000));
        wrong += p->exitCode() == int(ErrorCode::WrongPasscode);
        locked += p->exitCode() == int(ErrorCode::LockedOut);
    }
    QVERIFY2(wrong <= 2, "more guesses were checked than the limit allows");
    QCOMPARE(test::ctl(dir(), {QStringLiteral("hash")}).code, int(ErrorCode::LockedOut));
    QVERIFY(locked >= 1);
}

void TestStoreRobustness::encryptionFlagCannotBeSwitchedOff()
{
    QVERIFY(Store::create(dir(), "correct horse", test::fastOptions()).ok());
    rawSql(dir(), "UPDATE meta SET value = '0' WHERE key = 'encrypted'");
    auto r = Store::open(dir(), "any passcode at all", test::fastOptions());
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, ErrorCode::Corrupt);
}

void TestStoreRobustness::deletionFlagTamperIsDetected()
{
    QString id;
    {
        auto s = Store::create(dir(), "correct horse", test::fastOptions());
        id = s.value()->put(QStringLiteral("person"), test::person()).value();
    }
    rawSql(dir(), "UPDATE records SET deleted = 1");
    auto s = Store::open(dir(), "correct horse", test::fastOptions());
    auto l = s.value()->list(QStringLiteral("person"));
    QVERIFY(!l.ok());
    QCOMPARE(l.error().code, ErrorCode::Corrupt);
}

void TestStoreRobustness::failedInitLeavesNothingBehind()
{
    StoreOptions o = test::fastOptions();
    o.kdf.n = 1u << 21; // more memory than OpenSSL's scrypt cap here allows
    o.kdf.r = 64;
    auto r = Store::create(dir(), "correct horse", o);
    QVERIFY(!r.ok());
    QVERIFY(!Store::exists(dir()));
    QVERIFY(Store::create(dir(), "correct horse", test::fastOptions()).ok());
}

void TestStoreRobustness::derivedFieldsFollowTheirSource()
{
    auto s = Store::create(dir(), "correct horse", test::fastOptions());
    const QString id = s.value()->put(QStringLiteral("person"), test::person()).value();
    QCOMPARE(s.value()->get(id).value().values.value(QStringLiteral("deprivation_decile")).toInt(), 9);
    QVERIFY(s.value()->edit(id, QJsonObject{{QStringLiteral("postcode"), QJsonValue()}}).ok());
    const QJsonObject v = s.value()->get(id).value().values;
    for (const char *f : {"deprivation_decile", "deprivation_rank", "deprivation_index"})
        QVERIFY2(v.value(QLatin1String(f)).isNull() || v.value(QLatin1String(f)).isUndefined(), f);
}

void TestStoreRobustness::deletingAPersonDeletesTheirRecords()
{
    auto s = Store::create(dir(), "correct horse", test::fastOptions());
    const QString id = s.value()->put(QStringLiteral("person"), test::person()).value();
    QVERIFY(s.value()->put(QStringLiteral("contact"), contact(id)).ok());
    QVERIFY(s.value()
                ->put(QStringLiteral("note"),
                      QJsonObject{{QStringLiteral("person_id"), id},
                                  {QStringLiteral("date"), QStringLiteral("2025-01-01")},
                                  {QStringLiteral("text"), QStringLiteral("Visit.")}})
                .ok());
    QVERIFY(s.value()->remove(id).ok());
    QCOMPARE(s.value()->count().value(), 0);
    QCOMPARE(s.value()->listForPerson(id).value().size(), 0);
    QVERIFY(s.value()->verifyAgainstLog().value().isEmpty());
}

void TestStoreRobustness::referencedRecordsCannotBeDeleted()
{
    auto s = Store::create(dir(), "correct horse", test::fastOptions());
    const QString p = s.value()->put(QStringLiteral("person"), test::person()).value();
    const QString a = s.value()
                          ->put(QStringLiteral("assessment"),
                                QJsonObject{{QStringLiteral("person_id"), p},
                                            {QStringLiteral("kind"), QStringLiteral("initial")},
                                            {QStringLiteral("date"), QStringLiteral("2025-01-10")},
                                            {QStringLiteral("checklist_version"), QStringLiteral("hna-2024.1")},
                                            {QStringLiteral("status"), QStringLiteral("draft")}})
                          .value();
    const QString review = s.value()
                               ->put(QStringLiteral("assessment"),
                                     QJsonObject{{QStringLiteral("person_id"), p},
                                                 {QStringLiteral("kind"), QStringLiteral("review")},
                                                 {QStringLiteral("initial_assessment_id"), a},
                                                 {QStringLiteral("date"), QStringLiteral("2025-04-10")},
                                                 {QStringLiteral("checklist_version"), QStringLiteral("hna-2024.1")},
                                                 {QStringLiteral("status"), QStringLiteral("draft")}})
                               .value();
    auto st = s.value()->remove(a);
    QCOMPARE(st.error().code, ErrorCode::Validation);
    QVERIFY(st.error().message.contains(QStringLiteral("refer to this assessment")));
    st = s.value()->edit(a,
                         QJsonObject{{QStringLiteral("kind"), QStringLiteral("closing")},
                                     {QStringLiteral("initial_assessment_id"), review}});
    QVERIFY(!st.ok());
    QVERIFY(s.value()->remove(review).ok());
    QVERIFY(s.value()->remove(a).ok());
}

void TestStoreRobustness::resolvingAPostcodeSettlesItsDeprivation()
{
    auto a = Store::create(dir(QStringLiteral("a")), "correct horse", test::fastOptions());
    auto b = Store::create(dir(QStringLiteral("b")), "correct horse", test::fastOptions());
    const QString id = a.value()->put(QStringLiteral("person"), test::person()).value();
    QList<Write> log;
    (void)a.value()->forEachWrite([&](const Write &w, bool) { log << w; });
    QVERIFY(b.value()->applyRemote(log).ok());
    QVERIFY(a.value()->edit(id, QJsonObject{{QStringLiteral("postcode"), QStringLiteral("G40 6DJ")}}).ok());
    QVERIFY(b.value()->edit(id, QJsonObject{{QStringLiteral("postcode"), QStringLiteral("G41 6AQ")}}).ok());
    QList<Write> all;
    (void)a.value()->forEachWrite([&](const Write &w, bool) { all << w; });
    (void)b.value()->forEachWrite([&](const Write &w, bool) { all << w; });
    QVERIFY(a.value()->applyRemote(all).ok());
    QVERIFY(!a.value()->get(id).value().conflicts.isEmpty());
    QVERIFY(a.value()->resolve(id, QStringLiteral("postcode"), QStringLiteral("G40 6DJ")).ok());
    const Record r = a.value()->get(id).value();
    QVERIFY2(r.conflicts.isEmpty(), "the derived deprivation fields must be settled with their postcode");
    QCOMPARE(r.values.value(QStringLiteral("deprivation_decile")).toInt(), 1);
}

void TestStoreRobustness::textAndMoneyAreCleaned()
{
    auto s = Store::create(dir(), "correct horse", test::fastOptions());
    QJsonObject p = test::person(QStringLiteral("Evil\u202Eeman"));
    QCOMPARE(s.value()->put(QStringLiteral("person"), p).error().code, ErrorCode::Validation);
    p = test::person(QStringLiteral("Nul\u0001l"));
    QCOMPARE(s.value()->put(QStringLiteral("person"), p).error().code, ErrorCode::Validation);
    const QString id = s.value()->put(QStringLiteral("person"), test::person()).value();
    QJsonObject c = contact(id);
    c[QStringLiteral("date")] = QStringLiteral("9999-12-31");
    QCOMPARE(s.value()->put(QStringLiteral("contact"), c).error().code, ErrorCode::Validation);
    const QString g = s.value()
                          ->put(QStringLiteral("financial_gain"),
                                QJsonObject{{QStringLiteral("person_id"), id},
                                            {QStringLiteral("kind"), QStringLiteral("grant")},
                                            {QStringLiteral("amount"), 0.1 + 0.2},
                                            {QStringLiteral("period"), QStringLiteral("one_off")},
                                            {QStringLiteral("date_awarded"), QStringLiteral("2025-01-01")}})
                          .value();
    QCOMPARE(s.value()->get(g).value().values.value(QStringLiteral("amount")).toDouble(), 0.3);
}

QTEST_GUILESS_MAIN(TestStoreRobustness)
#include "tst_storerobustness.moc"
