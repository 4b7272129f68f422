#include "hlc.h"
#include "identifiers.h"

#include <QTest>

using namespace hearth;

class TestIdentifiers : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void nhsNumbers_data();
    void nhsNumbers();
    void chiNumbers();
    void uuids();
    void hlcOrderAndParse();
    void hlcMonotonicWhenWallClockStepsBack();
};

void TestIdentifiers::nhsNumbers_data()
{
    QTest::addColumn<QString>("number");
    QTest::addColumn<bool>("valid");
    QTest::newRow("classic example") << "9434765919" << true;
    QTest::newRow("check digit 0") << "4010238720" << true;
    QTest::newRow("wrong check") << "9434765918" << false;
    QTest::newRow("short") << "943476591" << false;
    QTest::newRow("letters") << "94347659a9" << false;
    QTest::newRow("arabic-indic digits") << QString::fromUtf8("٩٤٣٤٧٦٥٩١٩") << false;
    QTest::newRow("remainder 10 impossible") << "0000000060" << false;
}

void TestIdentifiers::nhsNumbers()
{
    QFETCH(QString, number);
    QFETCH(bool, valid);
    QCOMPARE(ids::checkNhsNumber(number).isEmpty(), valid);
}

void TestIdentifiers::chiNumbers()
{
    QVERIFY(ids::checkChiNumber(QStringLiteral("0101901232")).isEmpty());
    QVERIFY(ids::checkChiNumber(QStringLiteral("1506723454")).isEmpty());
    QVERIFY(!ids::checkChiNumber(QStringLiteral("1506723455")).isEmpty()); // check digit
    QVERIFY(ids::checkChiNumber(QStringLiteral("3103999992")).isEmpty());
    QVERIFY(!ids::checkChiNumber(QStringLiteral("3202901230")).isEmpty()); // 32 February: not a date
    QCOMPARE(ids::normaliseNumber(QStringLiteral(" 010 190 1232 ")), QStringLiteral("0101901232"));
    QVERIFY(ids::chiMatchesDateOfBirth(QStringLiteral("0101901232"), QDate(1990, 1, 1)));
    QVERIFY(!ids::chiMatchesDateOfBirth(QStringLiteral("0101901232"), QDate(1990, 1, 2)));
}

void TestIdentifiers::uuids()
{
    const QString u = ids::newUuid();
    QVERIFY(ids::isUuid(u));
    QVERIFY(!ids::isUuid(u.toUpper()));
    QVERIFY(!ids::isUuid(QStringLiteral("{") + u + QStringLiteral("}")));
    QVERIFY(!ids::isUuid(QStringLiteral("'; DROP TABLE records; --")));
}

void TestIdentifiers::hlcOrderAndParse()
{
    const Hlc a{1700000000000, 0, QStringLiteral("aaaa")};
    const Hlc b{1700000000000, 1, QStringLiteral("aaaa")};
    const Hlc c{1700000000001, 0, QStringLiteral("0000")};
    QVERIFY(a.toString() < b.toString());
    QVERIFY(b.toString() < c.toString());
    Hlc back;
    QVERIFY(Hlc::parse(b.toString(), &back));
    QCOMPARE(back.toString(), b.toString());
    QVERIFY(!Hlc::parse(QStringLiteral("garbage"), &back));
    QVERIFY(!Hlc::parse(QStringLiteral("1700000000000-0000000g-aaaa"), &back));
    QVERIFY(!Hlc::parse(QStringLiteral("1700000000000-00000000-"), &back));
}

void TestIdentifiers::hlcMonotonicWhenWallClockStepsBack()
{
    HlcClock clock(QStringLiteral("dev1"));
    const Hlc t1 = clock.tick(5000);
    const Hlc t2 = clock.tick(4000); // clock stepped back
    const Hlc t3 = clock.tick(4000);
    QVERIFY(t1.toString() < t2.toString());
    QVERIFY(t2.toString() < t3.toString());
    clock.observe(Hlc{9000, 7, QStringLiteral("dev2")});
    const Hlc after = clock.tick(100);
    QVERIFY(after.toString() > (Hlc{9000, 7, QStringLiteral("dev2")}).toString());
}

QTEST_GUILESS_MAIN(TestIdentifiers)
#include "tst_identifiers.moc"
