#include "statistics.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace hearth::server::reports::stats {

std::optional<double> quantile(std::vector<double> values, double p)
{
    if (values.empty())
        return std::nullopt;
    std::sort(values.begin(), values.end());
    const double h = (double(values.size()) - 1) * std::clamp(p, 0.0, 1.0);
    const auto lo = std::size_t(std::floor(h));
    const std::size_t hi = std::min(lo + 1, values.size() - 1);
    return values[lo] + (h - double(lo)) * (values[hi] - values[lo]);
}

std::optional<double> median(std::vector<double> values)
{
    return quantile(std::move(values), 0.5);
}

std::optional<double> mean(const std::vector<double> &values)
{
    if (values.empty())
        return std::nullopt;
    return std::accumulate(values.begin(), values.end(), 0.0) / double(values.size());
}

double normalCdf(double z)
{
    return 0.5 * std::erfc(-z / std::sqrt(2.0));
}

namespace {

// Continued fraction of the regularised incomplete beta function (modified Lentz's method),
// valid for x < (a + 1) / (a + b + 2).
double betaContinuedFraction(double a, double b, double x)
{
    constexpr double tiny = 1e-300;
    constexpr double eps = 1e-15;
    double c = 1.0;
    double d = 1.0 - (a + b) * x / (a + 1.0);
    if (std::abs(d) < tiny)
        d = tiny;
    d = 1.0 / d;
    double h = d;
    for (int m = 1; m <= 10000; ++m) {
        const double m2 = 2.0 * m;
        double aa = m * (b - m) * x / ((a + m2 - 1.0) * (a + m2));
        d = 1.0 + aa * d;
        d = std::abs(d) < tiny ? tiny : d;
        c = 1.0 + aa / c;
        c = std::abs(c) < tiny ? tiny : c;
        d = 1.0 / d;
        h *= d * c;
        aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0));
        d = 1.0 + aa * d;
        d = std::abs(d) < tiny ? tiny : d;
        c = 1.0 + aa / c;
        c = std::abs(c) < tiny ? tiny : c;
        d = 1.0 / d;
        const double delta = d * c;
        h *= delta;
        if (std::abs(delta - 1.0) < eps)
            break;
    }
    return h;
}

// The regularised incomplete beta function I_x(a, b).
double incompleteBeta(double a, double b, double x)
{
    if (x <= 0)
        return 0;
    if (x >= 1)
        return 1;
    const double logFront = std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x);
    if (x < (a + 1.0) / (a + b + 2.0))
        return std::exp(logFront) * betaContinuedFraction(a, b, x) / a;
    return 1.0 - std::exp(logFront) * betaContinuedFraction(b, a, 1.0 - x) / b;
}

} // namespace

double studentTCdf(double t, double df)
{
    const double tail = 0.5 * incompleteBeta(df / 2.0, 0.5, df / (df + t * t));
    return t >= 0 ? 1.0 - tail : tail;
}

double studentTQuantile(double p, double df)
{
    if (p == 0.5)
        return 0;
    // The CDF is monotonic: bisection is slow but certain, and a report needs a handful.
    double lo = -1e6, hi = 1e6;
    for (int i = 0; i < 200 && hi - lo > 1e-13 * std::max(1.0, std::abs(lo)); ++i) {
        const double mid = 0.5 * (lo + hi);
        (studentTCdf(mid, df) < p ? lo : hi) = mid;
    }
    return 0.5 * (lo + hi);
}

std::optional<MeanInterval> meanInterval(const std::vector<double> &values, double level)
{
    if (values.size() < 2)
        return std::nullopt;
    MeanInterval out;
    out.n = int(values.size());
    out.mean = *mean(values);
    double ss = 0;
    for (double v : values)
        ss += (v - out.mean) * (v - out.mean);
    out.sd = std::sqrt(ss / double(out.n - 1));
    const double half = studentTQuantile(0.5 + level / 2.0, out.n - 1) * out.sd / std::sqrt(double(out.n));
    out.lower = out.mean - half;
    out.upper = out.mean + half;
    return out;
}

WilcoxonResult wilcoxonSignedRank(const std::vector<double> &differences, int exactBelow)
{
    WilcoxonResult out;
    out.n = int(differences.size());
    struct Item {
        double magnitude;
        int sign;
        double rank = 0;
    };
    std::vector<Item> items;
    items.reserve(differences.size());
    for (double d : differences) {
        const double rounded = std::round(d * 1e9) / 1e9;
        items.push_back({std::abs(rounded), rounded > 0 ? 1 : (rounded < 0 ? -1 : 0)});
    }
    // Pratt: rank every |difference|, zeros included, with mid-ranks for ties.
    std::sort(items.begin(), items.end(), [](const Item &a, const Item &b) { return a.magnitude < b.magnitude; });
    for (std::size_t i = 0; i < items.size();) {
        std::size_t j = i;
        while (j < items.size() && items[j].magnitude == items[i].magnitude)
            ++j;
        const double midRank = (double(i + 1) + double(j)) / 2.0;
        for (std::size_t k = i; k < j; ++k)
            items[k].rank = midRank;
        i = j;
    }
    std::vector<double> ranks; // the ranks that carry a sign
    double sumRanks = 0, sumSquares = 0;
    for (const Item &it : items) {
        if (it.sign == 0) {
            ++out.nZero;
            continue;
        }
        ranks.push_back(it.rank);
        sumRanks += it.rank;
        sumSquares += it.rank * it.rank;
        (it.sign > 0 ? out.wPlus : out.wMinus) += it.rank;
    }
    out.nNonZero = int(ranks.size());
    if (out.nNonZero == 0) {
        out.method = WilcoxonMethod::Exact;
        return out; // no change at all: p = 1, no effect
    }
    out.rankBiserial = (out.wPlus - out.wMinus) / sumRanks;

    // Under H0 each signed rank is + or - with probability 1/2 independently, so
    // E[W+] = sum(r)/2 and Var[W+] = sum(r^2)/4 for the ranks actually held: this is the usual
    // n(n+1)(2n+1)/24 with the tie and Pratt zero corrections built in.
    const double expected = sumRanks / 2.0;
    const double sigma = std::sqrt(sumSquares / 4.0);
    const double deviation = out.wPlus - expected;
    const double correction = deviation > 0 ? 0.5 : (deviation < 0 ? -0.5 : 0.0);
    out.z = sigma > 0 ? (deviation - correction) / sigma : 0.0;
    out.r = out.z / std::sqrt(double(out.n));

    if (out.nNonZero < exactBelow) {
        out.method = WilcoxonMethod::Exact;
        // Mid-ranks are multiples of 1/2: count sign assignments by sums of doubled ranks.
        std::vector<int> doubled;
        int total = 0;
        for (double r : ranks) {
            doubled.push_back(int(std::lround(2 * r)));
            total += doubled.back();
        }
        std::vector<double> ways(std::size_t(total) + 1, 0.0);
        ways[0] = 1;
        int reach = 0;
        for (int r : doubled) {
            for (int s = reach; s >= 0; --s)
                if (ways[std::size_t(s)] != 0)
                    ways[std::size_t(s + r)] += ways[std::size_t(s)];
            reach += r;
        }
        const double all = std::ldexp(1.0, out.nNonZero);
        const int observed = int(std::lround(2 * out.wPlus));
        double atMost = 0, atLeast = 0;
        for (int s = 0; s <= total; ++s) {
            if (s <= observed)
                atMost += ways[std::size_t(s)];
            if (s >= observed)
                atLeast += ways[std::size_t(s)];
        }
        out.pValue = std::min(1.0, 2.0 * std::min(atMost, atLeast) / all);
    } else {
        out.method = WilcoxonMethod::Normal;
        out.pValue = std::min(1.0, 2.0 * normalCdf(-std::abs(out.z)));
    }
    return out;
}

} // namespace hearth::server::reports::stats
