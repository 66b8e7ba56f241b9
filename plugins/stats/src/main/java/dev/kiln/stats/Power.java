package dev.kiln.stats;

import org.apache.commons.statistics.distribution.NormalDistribution;

/**
 * Sample size and power of a planned two-sided test, by the normal approximation of statsmodels'
 * {@code NormalIndPower} (both tails counted): for a standardised effect d, {@code n1} rows in A and
 * {@code ratio * n1} in B, power = Phi(d sqrt(n) - z) + Phi(-d sqrt(n) - z), with n = n1 ratio /
 * (1 + ratio) and z the (1 - alpha/2) normal quantile. For proportions d is Cohen's h = 2 asin(sqrt
 * p1) - 2 asin(sqrt p0) ({@code proportion_effectsize}); for means d = effect / sd (the t-test needs
 * one or two more rows per variant than this when n is small).
 */
public final class Power {
  private static final NormalDistribution STD_NORMAL = NormalDistribution.of(0, 1);

  private Power() {}

  /** Cohen's h for rates p0 -> p1. */
  public static double cohensH(double p0, double p1) {
    return 2 * Math.asin(Math.sqrt(p1)) - 2 * Math.asin(Math.sqrt(p0));
  }

  /** The power of the test with {@code n1} rows in A and {@code ratio * n1} in B. */
  public static double power(double d, double n1, double alpha, double ratio) {
    double n = n1 * ratio / (1 + ratio);
    double z = STD_NORMAL.inverseSurvivalProbability(alpha / 2);
    double s = Math.abs(d) * Math.sqrt(n);
    return STD_NORMAL.cumulativeProbability(s - z) + STD_NORMAL.cumulativeProbability(-s - z);
  }

  /** The rows A needs (not rounded) for {@code power}; B needs {@code ratio} times as many. */
  public static double rowsA(double d, double alpha, double power, double ratio) {
    if (d == 0) return Double.POSITIVE_INFINITY;
    double lo = 1e-9;
    double hi = 1;
    while (power(d, hi, alpha, ratio) < power) hi *= 2;
    for (int i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
      double mid = (lo + hi) / 2;
      if (power(d, mid, alpha, ratio) < power) lo = mid;
      else hi = mid;
    }
    return (lo + hi) / 2;
  }
}
