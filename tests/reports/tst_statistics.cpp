// The report's statistics against reference values computed elsewhere: published worked examples
// (R's wilcox.test help page, Darwin's data in SciPy's documentation, printed t tables) and
// tests/fixtures/reports/wilcoxon_reference.py, an independent brute-force implementation whose
// output is committed beside it.
#include "statistics.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <cmath>

using namespace hearth::server::reports;

class TestStatistics : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void quantiles();
    void tDistribution_data();
    void tDistribution();
    void meanInterval();
    void wilcoxonPublishedExamples();
    void wilcoxonAgainstReference_data();
    void wilcoxonAgainstReference();
    void wilcoxonEdgeCases();
    void exactAndNormalAgreeForModerateN();
};

void TestStatistics::quantiles()
{
    QVERIFY(!stats::quantile({}, 0.5));
    QCOMPARE(*stats::median({3}), 3.0);
    QCOMPARE(*stats::median({5, 1, 3}), 3.0);
    QCOMPARE(*stats::median({4, 1, 3, 2}), 2.5);
    // R: quantile(1:10, 0.9) = 9.1 (type 7); quantile(c(2, 4, 4, 5, 7, 9, 30), 0.9) = 17.4.
    QVERIFY(std::abs(*stats::quantile({10, 9, 8, 7, 6, 5, 4, 3, 2, 1}, 0.9) - 9.1) < 1e-12);
    QVERIFY(std::abs(*stats::quantile({2, 4, 4, 5, 7, 9, 30}, 0.9) - 17.4) < 1e-12);
    QCOMPARE(*stats::quantile({1, 2, 3}, 0.0), 1.0);
    QCOMPARE(*stats::quantile({1, 2, 3}, 1.0), 3.0);
    QCOMPARE(*stats::mean({1, 2, 3, 4}), 2.5);
}

void TestStatistics::tDistribution_data()
{
    QTest::addColumn<double>("p");
    QTest::addColumn<double>("df");
    QTest::addColumn<double>("expected");
    // Printed t tables (and R's qt()).
    QTest::newRow("0.975, 1") << 0.975 << 1.0 << 12.7062047361747;
    QTest::newRow("0.975, 4") << 0.975 << 4.0 << 2.77644510519779;
    QTest::newRow("0.975, 9") << 0.975 << 9.0 << 2.26215716279820;
    QTest::newRow("0.975, 30") << 0.975 << 30.0 << 2.04227245630124;
    // df = 436 (the outcome study's n - 1) from the Cornish-Fisher expansion to 1/df^4.
    QTest::newRow("0.975, 436") << 0.975 << 436.0 << 1.96541985223547;
    QTest::newRow("0.95, 10") << 0.95 << 10.0 << 1.81246112281168;
    QTest::newRow("0.025, 9") << 0.025 << 9.0 << -2.26215716279820;
}

void TestStatistics::tDistribution()
{
    QFETCH(double, p);
    QFETCH(double, df);
    QFETCH(double, expected);
    const double q = stats::studentTQuantile(p, df);
    QVERIFY2(std::abs(q - expected) < 1e-8, qPrintable(QString::number(q, 'g', 15)));
    QVERIFY(std::abs(stats::studentTCdf(expected, df) - p) < 1e-10);
    QVERIFY(std::abs(stats::normalCdf(1.959963984540054) - 0.975) < 1e-12);
}

void TestStatistics::meanInterval()
{
    QVERIFY(!stats::meanInterval({}));
    QVERIFY(!stats::meanInterval({1}));
    // R: t.test(1:5): mean 3, 95% CI 1.036757 to 4.963243.
    const auto ci = *stats::meanInterval({1, 2, 3, 4, 5});
    QCOMPARE(ci.n, 5);
    QCOMPARE(ci.mean, 3.0);
    QVERIFY(std::abs(ci.sd - std::sqrt(2.5)) < 1e-12);
    QVERIFY(std::abs(ci.lower - 1.036757) < 1e-6);
    QVERIFY(std::abs(ci.upper - 4.963243) < 1e-6);
    // R: t.test(c(0.12, 0.05, 0.30, -0.02, 0.18, 0.09)): CI -0.0001948 to 0.2401948... computed as
    // mean 0.12, sd 0.1142804, t(0.975, 5) = 2.570582.
    const auto ci2 = *stats::meanInterval({0.12, 0.05, 0.30, -0.02, 0.18, 0.09});
    const double half = 2.57058183563631 * ci2.sd / std::sqrt(6.0);
    QVERIFY(std::abs(ci2.mean - 0.12) < 1e-12);
    QVERIFY(std::abs(ci2.lower - (0.12 - half)) < 1e-9);
    QVERIFY(std::abs(ci2.upper - (0.12 + half)) < 1e-9);
}

void TestStatistics::wilcoxonPublishedExamples()
{
    // R, ?wilcox.test: x - y for the Hollander & Wolfe depression data; V = 40, one-sided p = 0.01953.
    const std::vector<double> x{1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30};
    const std::vector<double> y{0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29};
    std::vector<double> d;
    for (std::size_t i = 0; i < x.size(); ++i)
        d.push_back(x[i] - y[i]);
    auto w = stats::wilcoxonSignedRank(d);
    QCOMPARE(w.method, stats::WilcoxonMethod::Exact);
    QCOMPARE(w.wPlus, 40.0);
    QCOMPARE(w.wMinus, 5.0);
    QVERIFY(std::abs(w.pValue - 2 * 0.01953125) < 1e-12);
    QVERIFY(std::abs(w.rankBiserial - 35.0 / 45.0) < 1e-12);

    // SciPy's wilcoxon documentation, Darwin's Zea mays: statistic 24, p = 0.041259765625.
    w = stats::wilcoxonSignedRank({6, 8, 14, 16, 23, 24, 28, 29, 41, -48, 49, 56, 60, -67, 75});
    QCOMPARE(std::min(w.wPlus, w.wMinus), 24.0);
    QCOMPARE(w.pValue, 0.041259765625);
}

void TestStatistics::wilcoxonAgainstReference_data()
{
    QTest::addColumn<QJsonObject>("ref");
    QFile f(QStringLiteral(HEARTH_TEST_FIXTURES "/reports/wilcoxon_reference.json"));
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QJsonObject all = QJsonDocument::fromJson(f.readAll()).object();
    QVERIFY(all.size() >= 7);
    for (auto it = all.begin(); it != all.end(); ++it)
        QTest::newRow(qPrintable(it.key())) << it.value().toObject();
}

void TestStatistics::wilcoxonAgainstReference()
{
    QFETCH(QJsonObject, ref);
    std::vector<double> d;
    for (const QJsonValue &v : ref.value(QStringLiteral("differences")).toArray())
        d.push_back(v.toDouble());
    const bool exact = ref.contains(QStringLiteral("p_exact"));
    const auto w = stats::wilcoxonSignedRank(d);
    QCOMPARE(w.method, exact ? stats::WilcoxonMethod::Exact : stats::WilcoxonMethod::Normal);
    QCOMPARE(w.n, ref.value(QStringLiteral("n")).toInt());
    QCOMPARE(w.nZero, ref.value(QStringLiteral("n_zero")).toInt());
    QCOMPARE(w.wPlus, ref.value(QStringLiteral("w_plus")).toDouble());
    QCOMPARE(w.wMinus, ref.value(QStringLiteral("w_minus")).toDouble());
    QVERIFY2(std::abs(w.z - ref.value(QStringLiteral("z")).toDouble()) < 1e-9, qPrintable(QString::number(w.z)));
    QVERIFY(std::abs(w.rankBiserial - ref.value(QStringLiteral("rank_biserial")).toDouble()) < 1e-12);
    const double p = ref.value(exact ? QStringLiteral("p_exact") : QStringLiteral("p_normal")).toDouble();
    QVERIFY2(std::abs(w.pValue - p) < 1e-12 * std::max(1.0, p) + 1e-15,
             qPrintable(QStringLiteral("%1 vs %2").arg(w.pValue, 0, 'g', 17).arg(p, 0, 'g', 17)));
    // Forcing the normal approximation on a small case matches the reference's normal p too.
    const auto normal = stats::wilcoxonSignedRank(d, 0);
    QCOMPARE(normal.method, stats::WilcoxonMethod::Normal);
    QVERIFY(std::abs(normal.pValue - ref.value(QStringLiteral("p_normal")).toDouble()) < 1e-12);
    QVERIFY(std::abs(w.r - w.z / std::sqrt(double(w.n))) < 1e-15);
}

void TestStatistics::wilcoxonEdgeCases()
{
    auto w = stats::wilcoxonSignedRank({});
    QCOMPARE(w.n, 0);
    QCOMPARE(w.pValue, 1.0);
    w = stats::wilcoxonSignedRank({0, 0, 0, 0, 0});
    QCOMPARE(w.nZero, 5);
    QCOMPARE(w.nNonZero, 0);
    QCOMPARE(w.pValue, 1.0);
    QCOMPARE(w.rankBiserial, 0.0);
    // Floating-point differences that should tie do (EQ-5D indices): 0.942 - 1 and 0.884 - 0.942.
    w = stats::wilcoxonSignedRank({0.942 - 1.0, 0.884 - 0.942, 0.1, 0.2, 0.3});
    QCOMPARE(w.wMinus, 3.0); // two tied at ranks 1-2 (1.5 each)
    // Every change in one direction, n = 6: the smallest possible exact p is 2/64.
    w = stats::wilcoxonSignedRank({1, 2, 3, 4, 5, 6});
    QCOMPARE(w.pValue, 2.0 / 64.0);
    QCOMPARE(w.rankBiserial, 1.0);
}

void TestStatistics::exactAndNormalAgreeForModerateN()
{
    // With 40 non-zero differences the exact and approximate p-values are close: a sanity check
    // that the two methods describe the same statistic.
    std::vector<double> d;
    for (int i = 0; i < 44; ++i)
        d.push_back(double((i * 7) % 9) - 3.0);
    const auto exact = stats::wilcoxonSignedRank(d, 1000);
    const auto normal = stats::wilcoxonSignedRank(d, 0);
    QCOMPARE(exact.method, stats::WilcoxonMethod::Exact);
    QCOMPARE(normal.method, stats::WilcoxonMethod::Normal);
    QVERIFY2(std::abs(exact.pValue - normal.pValue) < 0.01,
             qPrintable(QStringLiteral("%1 vs %2").arg(exact.pValue).arg(normal.pValue)));
}

QTEST_GUILESS_MAIN(TestStatistics)
#include "tst_statistics.moc"
