package dev.kiln.tune;

import java.util.SplittableRandom;
import org.hipparchus.special.Erf;

/** Truncated normal distributions in log space, stable in the tails (what TPE's kernels need). */
final class TruncNorm {
  private static final double LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
  private static final double SQRT2 = Math.sqrt(2);

  private TruncNorm() {}

  /** log Phi(x), the log of the standard normal CDF. */
  static double logNdtr(double x) {
    if (x > 6) return -0.5 * Erf.erfc(x / SQRT2); // log(1 - q) ~ -q for tiny q
    if (x > -20) return Math.log(0.5 * Erf.erfc(-x / SQRT2));
    // asymptotic series for the far left tail
    double x2 = x * x;
    double s = 1 - 1 / x2 + 3 / (x2 * x2) - 15 / (x2 * x2 * x2);
    return -0.5 * x2 - Math.log(-x) - LOG_SQRT_2PI + Math.log(s);
  }

  /** log(exp(a) - exp(b)) for a > b. */
  private static double logDiff(double a, double b) {
    if (b == Double.NEGATIVE_INFINITY) return a;
    double d = b - a;
    return a + (d > -0.693 ? Math.log(-Math.expm1(d)) : Math.log1p(-Math.exp(d)));
  }

  /** log(Phi(b) - Phi(a)) for a < b, in whichever tail keeps precision. */
  static double logGaussMass(double a, double b) {
    if (a < -8.5 && b > 8.5) return 0; // the mass outside is below 1e-16: log(1 - eps) is 0 in doubles
    if (b <= 0) return logDiff(logNdtr(b), logNdtr(a));
    if (a > 0) return logDiff(logNdtr(-a), logNdtr(-b));
    // the mass straddles 0: 1 - Phi(a) - Phi(-b), both small terms
    return Math.log1p(-0.5 * Erf.erfc(-a / SQRT2) - 0.5 * Erf.erfc(b / SQRT2));
  }

  /** Log density at x of N(mu, sigma) truncated to [low, high]. */
  static double logPdf(double x, double mu, double sigma, double low, double high) {
    if (x < low || x > high) return Double.NEGATIVE_INFINITY;
    double z = (x - mu) / sigma;
    return -0.5 * z * z - LOG_SQRT_2PI - Math.log(sigma) - logGaussMass((low - mu) / sigma, (high - mu) / sigma);
  }

  /** A draw of N(mu, sigma) truncated to [low, high], by inverting the CDF in the tail that keeps precision. */
  static double sample(SplittableRandom rng, double mu, double sigma, double low, double high) {
    double a = (low - mu) / sigma;
    double b = (high - mu) / sigma;
    double u = rng.nextDouble();
    double z;
    if (a > 0) {
      // right tail: work with the survival function
      double qa = 0.5 * Erf.erfc(a / SQRT2);
      double qb = 0.5 * Erf.erfc(b / SQRT2);
      double q = qa - u * (qa - qb);
      z = -ndtri(q);
    } else {
      double pa = 0.5 * Erf.erfc(-a / SQRT2);
      double pb = 0.5 * Erf.erfc(-b / SQRT2);
      double p = pa + u * (pb - pa);
      z = ndtri(p);
    }
    if (Double.isNaN(z)) z = (a + b) / 2;
    double x = mu + sigma * Math.max(a, Math.min(b, z));
    return Math.max(low, Math.min(high, x));
  }

  /** The inverse of the standard normal CDF. */
  static double ndtri(double p) {
    if (p <= 0) return Double.NEGATIVE_INFINITY;
    if (p >= 1) return Double.POSITIVE_INFINITY;
    return -SQRT2 * Erf.erfcInv(2 * p);
  }
}
