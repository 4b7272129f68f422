#include "testsupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>

using namespace hearth;
using test::ctl;

class TestHearthctl : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void fullCycle();
    void exitCodes();
    void badInputLeavesStoreUnchanged();
    void passcodeChangeAndFile();
    void conflictsCommandOnCleanStore();

private:
    QString store() const { return m_tmp->filePath(QStringLiteral("device")); }
    QStringList initArgs() const { return {QStringLiteral("init"), QStringLiteral("--kdf-n"), QStringLiteral("1024")}; }
    std::unique_ptr<QTemporaryDir> m_tmp;
};

void TestHearthctl::init()
{
    m_tmp = std::make_unique<QTemporaryDir>();
    QVERIFY(m_tmp->isValid());
}

void TestHearthctl::fullCycle()
{
    auto r = ctl(store(), initArgs());
    QCOMPARE(r.code, 0);
    QVERIFY(QJsonDocument::fromJson(r.out).object().contains(QStringLiteral("device")));

    const QByteArray personJson = QJsonDocument(test::person()).toJson(QJsonDocument::Compact);
    r = ctl(store(),
            {QStringLiteral("put"), QStringLiteral("person"), QStringLiteral("--json"), QString::fromUtf8(personJson)});
    QCOMPARE(r.code, 0);
    const QString id = QString::fromUtf8(r.out.trimmed());
    QVERIFY(ids::isUuid(id));

    r = ctl(store(),
            {QStringLiteral("edit"), id, QStringLiteral("--json"), QStringLiteral(R"({"phone":"07700 900001"})")});
    QCOMPARE(r.code, 0);
    r = ctl(store(), {QStringLiteral("get"), id});
    QCOMPARE(r.code, 0);
    const QJsonObject got = QJsonDocument::fromJson(r.out).object();
    QCOMPARE(got.value(QStringLiteral("values")).toObject().value(QStringLiteral("phone")).toString(),
             QStringLiteral("07700 900001"));
    QCOMPARE(got.value(QStringLiteral("version")).toInt(), 2);

    r = ctl(store(), {QStringLiteral("list"), QStringLiteral("person")});
    QCOMPARE(r.code, 0);
    QCOMPARE(r.out.trimmed().split('\n').size(), 1);

    r = ctl(store(), {QStringLiteral("log")});
    QCOMPARE(r.code, 0);
    const QList<QByteArray> log = r.out.trimmed().split('\n');
    QCOMPARE(log.size(), 2);
    const QJsonObject second = QJsonDocument::fromJson(log.at(1)).object();
    QCOMPARE(second.value(QStringLiteral("seq")).toInt(), 2);
    QVERIFY(second.value(QStringLiteral("parents")).toObject().contains(QStringLiteral("phone")) == false);
    QCOMPARE(second.value(QStringLiteral("sent")).toBool(), false);

    auto ex = ctl(store(), {QStringLiteral("export")});
    auto h = ctl(store(), {QStringLiteral("hash")});
    QCOMPARE(ex.code, 0);
    QCOMPARE(h.code, 0);
    QCOMPARE(QString::fromUtf8(h.out.trimmed()), QString::fromLatin1(crypto::sha256(ex.out).toHex()));

    r = ctl(store(), {QStringLiteral("verify")});
    QCOMPARE(r.code, 0);
    QVERIFY(QJsonDocument::fromJson(r.out).object().value(QStringLiteral("consistent")).toBool());

    r = ctl(store(), {QStringLiteral("delete"), id});
    QCOMPARE(r.code, 0);
    r = ctl(store(), {QStringLiteral("list"), QStringLiteral("person")});
    QVERIFY(r.out.trimmed().isEmpty());
}

void TestHearthctl::exitCodes()
{
    QCOMPARE(ctl(store(), {QStringLiteral("get"), ids::newUuid()}).code, int(ErrorCode::NotFound)); // no store yet
    QCOMPARE(ctl(store(), initArgs() + QStringList{QStringLiteral("--max-attempts"), QStringLiteral("2")}).code, 0);
    QCOMPARE(ctl(store(), {}).code, int(ErrorCode::Usage));
    QCOMPARE(ctl(store(), {QStringLiteral("frobnicate")}).code, int(ErrorCode::Usage));
    QCOMPARE(ctl(store(), {QStringLiteral("put"), QStringLiteral("person")}).code, int(ErrorCode::Usage));
    QCOMPARE(ctl(store(),
                 {QStringLiteral("put"), QStringLiteral("person"), QStringLiteral("--json"), QStringLiteral("{nope")})
                 .code,
             int(ErrorCode::Usage));
    auto v = ctl(store(),
                 {QStringLiteral("put"), QStringLiteral("person"), QStringLiteral("--json"),
                  QStringLiteral(R"({"given_name":"A"})")});
    QCOMPARE(v.code, int(ErrorCode::Validation));
    QVERIFY(v.err.contains("family_name: is required"));
    QVERIFY(v.err.contains("date_of_birth: is required"));
    QCOMPARE(ctl(store(), {QStringLiteral("get"), ids::newUuid()}).code, int(ErrorCode::NotFound));
    auto w = ctl(store(), {QStringLiteral("hash")}, "wrong passcode");
    QCOMPARE(w.code, int(ErrorCode::WrongPasscode));
    QVERIFY(w.err.contains("1 attempt left"));
    QCOMPARE(ctl(store(), {QStringLiteral("hash")}, "wrong again").code, int(ErrorCode::LockedOut));
    QCOMPARE(ctl(store(), {QStringLiteral("hash")}).code, int(ErrorCode::LockedOut));
    QCOMPARE(ctl(store(), {QStringLiteral("hash")}, "").code, int(ErrorCode::Usage)); // no passcode at all
}

void TestHearthctl::badInputLeavesStoreUnchanged()
{
    QCOMPARE(ctl(store(), initArgs()).code, 0);
    const QByteArray personJson = QJsonDocument(test::person()).toJson(QJsonDocument::Compact);
    const QString id = QString::fromUtf8(
        ctl(store(),
            {QStringLiteral("put"), QStringLiteral("person"), QStringLiteral("--json"), QString::fromUtf8(personJson)})
            .out.trimmed());
    const QByteArray before = ctl(store(), {QStringLiteral("hash")}).out;
    QCOMPARE(before.trimmed().size(), 64);
    const QList<QStringList> bad = {
        {QStringLiteral("edit"), id, QStringLiteral("--json"), QStringLiteral(R"({"date_of_birth":"yesterday"})")},
        {QStringLiteral("edit"), id, QStringLiteral("--json"), QStringLiteral(R"({"deprivation_decile":1})")},
        {QStringLiteral("edit"), id, QStringLiteral("--json"), QStringLiteral("[1,2]")},
        {QStringLiteral("edit"), QStringLiteral("not-an-id"), QStringLiteral("--json"), QStringLiteral("{}")},
        {QStringLiteral("put"), QStringLiteral("spaceship"), QStringLiteral("--json"), QStringLiteral("{}")},
        {QStringLiteral("resolve"), id, QStringLiteral("phone"), QStringLiteral("--json"), QStringLiteral("\"x\"")},
        {QStringLiteral("batch"), QStringLiteral("--file"), m_tmp->filePath(QStringLiteral("missing.jsonl"))},
    };
    for (const QStringList &args : bad) {
        const auto r = ctl(store(), args);
        QVERIFY2(r.code != 0, qPrintable(args.join(QLatin1Char(' '))));
        QVERIFY2(!r.err.isEmpty(), "an error must say what is wrong");
        const auto h = ctl(store(), {QStringLiteral("hash")});
        QCOMPARE(h.code, 0);
        QCOMPARE(h.out, before);
    }
    // A batch with one bad line applies nothing.
    QFile f(m_tmp->filePath(QStringLiteral("b.jsonl")));
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(R"({"op":"edit","id":")" + id.toUtf8()
            + R"(","fields":{"phone":"1"}})"
              "\n");
    f.write(R"({"op":"put","type":"person","fields":{"given_name":"B"}})"
            "\n");
    f.close();
    const auto r = ctl(store(), {QStringLiteral("batch"), QStringLiteral("--file"), f.fileName()});
    QCOMPARE(r.code, int(ErrorCode::Validation));
    QVERIFY(r.err.contains("Change 2 of 2"));
    QCOMPARE(ctl(store(), {QStringLiteral("hash")}).out, before);
}

void TestHearthctl::passcodeChangeAndFile()
{
    QCOMPARE(ctl(store(), initArgs()).code, 0);
    QProcessEnvironment env;
    env.insert(QStringLiteral("HEARTH_NEW_PASSCODE"), QStringLiteral("a much better one"));
    QCOMPARE(ctl(store(), {QStringLiteral("passcode")}, "correct horse", env).code, 0);
    QCOMPARE(ctl(store(), {QStringLiteral("hash")}).code, int(ErrorCode::WrongPasscode));
    QFile f(m_tmp->filePath(QStringLiteral("pass")));
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("a much better one\n");
    f.close();
    QCOMPARE(ctl(store(), {QStringLiteral("hash"), QStringLiteral("--passcode-file"), f.fileName()}, "").code, 0);
}

void TestHearthctl::conflictsCommandOnCleanStore()
{
    QCOMPARE(ctl(store(), initArgs()).code, 0);
    const auto r = ctl(store(), {QStringLiteral("conflicts")});
    QCOMPARE(r.code, 0);
    QVERIFY(r.out.trimmed().isEmpty());
}

QTEST_GUILESS_MAIN(TestHearthctl)
#include "tst_hearthctl.moc"
