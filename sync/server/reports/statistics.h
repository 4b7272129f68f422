#pragma once

#include <optional>
#include <vector>

// The statistics the evaluation report publishes (REPORTS.md, "Statistics"): quantiles, the paired
// Wilcoxon signed-rank test, and t-based confidence intervals for a mean. Pure functions, no Qt,
// so they can be checked against independently computed reference values.
namespace hearth::server::reports::stats {

// The p-quantile (0 <= p <= 1) by linear interpolation between order statistics (Hyndman & Fan
// type 7, R's default); nullopt for no values.
[[nodiscard]] std::optional<double> quantile(std::vector<double> values, double p);
// The median (quantile 0.5); nullopt for no values.
[[nodiscard]] std::optional<double> median(std::vector<double> values);
// Arithmetic mean; nullopt for no values.
[[nodiscard]] std::optional<double> mean(const std::vector<double> &values);

// Standard normal cumulative distribution.
[[nodiscard]] double normalCdf(double z);
// Student's t cumulative distribution with `df` > 0 degrees of freedom.
[[nodiscard]] double studentTCdf(double t, double df);
// The p-quantile (0 < p < 1) of Student's t with `df` > 0 degrees of freedom.
[[nodiscard]] double studentTQuantile(double p, double df);

// A mean with its two-sided confidence interval from the t distribution (n - 1 degrees of freedom).
struct MeanInterval {
    int n = 0;
    double mean = 0;
    double sd = 0; // sample standard deviation (n - 1 denominator)
    double lower = 0;
    double upper = 0;
};
// nullopt with fewer than two values (no spread to estimate).
[[nodiscard]] std::optional<MeanInterval> meanInterval(const std::vector<double> &values, double level = 0.95);

enum class WilcoxonMethod {
    Exact,  // the exact permutation distribution of the signed (mid)ranks
    Normal, // normal approximation with tie, zero and continuity corrections
};

// The Wilcoxon signed-rank test of paired differences (after - before), two-sided, with Pratt's
// handling of zero differences: zeros are ranked with the others and then contribute to neither
// W+ nor W-. Ties get mid-ranks.
struct WilcoxonResult {
    int n = 0;        // pairs, zeros included
    int nZero = 0;    // pairs with no change
    int nNonZero = 0; // pairs whose signed ranks make the statistic
    double wPlus = 0; // sum of the ranks of positive differences
    double wMinus = 0;
    WilcoxonMethod method = WilcoxonMethod::Exact;
    double z = 0;            // normal-approximation z of W+ (continuity-corrected), reported for both methods
    double pValue = 1;       // two-sided
    double rankBiserial = 0; // matched-pairs rank-biserial correlation (W+ - W-) / (W+ + W-)
    double r = 0;            // z / sqrt(n)
};

// Differences are compared after rounding to 1e-9 so that values computed in floating point
// (EQ-5D indices) tie when they should. The exact distribution is used while nNonZero is below
// `exactBelow`; it is computed by counting sign assignments of the actual mid-ranks, so it stays
// exact with ties and zeros.
[[nodiscard]] WilcoxonResult wilcoxonSignedRank(const std::vector<double> &differences, int exactBelow = 50);

} // namespace hearth::server::reports::stats
