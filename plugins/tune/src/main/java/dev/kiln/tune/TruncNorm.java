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
    if (x > 6) return -0.5 * erfc(x / SQRT2); // log(1 - q) ~ -q for tiny q
    if (x > -20) return Math.log(0.5 * erfc(-x / SQRT2));
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
    return Math.log1p(-0.5 * erfc(-a / SQRT2) - 0.5 * erfc(b / SQRT2));
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
      double qa = 0.5 * erfc(a / SQRT2);
      double qb = 0.5 * erfc(b / SQRT2);
      double q = qa - u * (qa - qb);
      z = -ndtri(q);
    } else {
      double pa = 0.5 * erfc(-a / SQRT2);
      double pb = 0.5 * erfc(-b / SQRT2);
      double p = pa + u * (pb - pa);
      z = ndtri(p);
    }
    if (Double.isNaN(z)) z = (a + b) / 2;
    double x = mu + sigma * Math.max(a, Math.min(b, z));
    return Math.max(low, Math.min(high, x));
  }

  // erfc as fdlibm's s_erf.c computes it (Sun Microsystems, 1993: "Permission to use, copy, modify,
  // and distribute this software is freely granted, provided that this notice is preserved"): rational
  // approximations on [0, 0.84375), [0.84375, 1.25), [1.25, 1/0.35) and [1/0.35, 28), within 1 ulp or
  // so, about 20x faster than Hipparchus' incomplete-gamma erfc, which dominated a TPE proposal
  private static final double ERX = 8.45062911510467529297e-01;
  private static final double PP0 = 1.28379167095512558561e-01, PP1 = -3.25042107247001499370e-01, PP2 = -2.84817495755985104766e-02,
      PP3 = -5.77027029648944159157e-03, PP4 = -2.37630166566501626084e-05;
  private static final double QQ1 = 3.97917223959155352819e-01, QQ2 = 6.50222499887672944485e-02, QQ3 = 5.08130628187576562776e-03,
      QQ4 = 1.32494738004321644526e-04, QQ5 = -3.96022827877536812320e-06;
  private static final double PA0 = -2.36211856075265944077e-03, PA1 = 4.14856118683748331666e-01, PA2 = -3.72207876035701323847e-01,
      PA3 = 3.18346619901161753674e-01, PA4 = -1.10894694282396677476e-01, PA5 = 3.54783043256182359371e-02, PA6 = -2.16637559486879084300e-03;
  private static final double QA1 = 1.06420880400844228286e-01, QA2 = 5.40397917702171048937e-01, QA3 = 7.18286544141962662868e-02,
      QA4 = 1.26171219808761642112e-01, QA5 = 1.36370839120290507362e-02, QA6 = 1.19844998467991074170e-02;
  private static final double RA0 = -9.86494403484714822705e-03, RA1 = -6.93858572707181764372e-01, RA2 = -1.05586262253232909814e01,
      RA3 = -6.23753324503260060396e01, RA4 = -1.62396669462573470355e02, RA5 = -1.84605092906711035994e02, RA6 = -8.12874355063065934246e01,
      RA7 = -9.81432934416914548592e00;
  private static final double SA1 = 1.96512716674392571292e01, SA2 = 1.37657754143519042600e02, SA3 = 4.34565877475229228821e02,
      SA4 = 6.45387271733267880336e02, SA5 = 4.29008140027567833386e02, SA6 = 1.08635005541779435134e02, SA7 = 6.57024977031928170135e00,
      SA8 = -6.04244152148580987438e-02;
  private static final double RB0 = -9.86494292470009928597e-03, RB1 = -7.99283237680523006574e-01, RB2 = -1.77579549177547519889e01,
      RB3 = -1.60636384855821916062e02, RB4 = -6.37566443368389627722e02, RB5 = -1.02509513161107724954e03, RB6 = -4.83519191608651397019e02;
  private static final double SB1 = 3.03380607434824582924e01, SB2 = 3.25792512996573918826e02, SB3 = 1.53672958608443695994e03,
      SB4 = 3.19985821950859553908e03, SB5 = 2.55305040643316442583e03, SB6 = 4.74528541206955367215e02, SB7 = -2.24409524465858183362e01;

  /** The complementary error function, 1 - erf(x). */
  static double erfc(double x) {
    if (Double.isNaN(x)) return x;
    double ax = Math.abs(x);
    if (ax < 0.84375) {
      if (ax < 0x1p-56) return 1 - x;
      double z = x * x;
      double r = PP0 + z * (PP1 + z * (PP2 + z * (PP3 + z * PP4)));
      double s = 1 + z * (QQ1 + z * (QQ2 + z * (QQ3 + z * (QQ4 + z * QQ5))));
      double y = r / s;
      if (x < 0.25) return 1 - (x + x * y);
      return 0.5 - (x * y + (x - 0.5));
    }
    if (ax < 1.25) {
      double s = ax - 1;
      double p = PA0 + s * (PA1 + s * (PA2 + s * (PA3 + s * (PA4 + s * (PA5 + s * PA6)))));
      double q = 1 + s * (QA1 + s * (QA2 + s * (QA3 + s * (QA4 + s * (QA5 + s * QA6)))));
      return x >= 0 ? 1 - ERX - p / q : 1 + (ERX + p / q);
    }
    if (ax < 28) {
      if (x < -6) return 2;
      double s = 1 / (ax * ax);
      double r;
      double q;
      if (ax < 1 / 0.35) {
        r = RA0 + s * (RA1 + s * (RA2 + s * (RA3 + s * (RA4 + s * (RA5 + s * (RA6 + s * RA7))))));
        q = 1 + s * (SA1 + s * (SA2 + s * (SA3 + s * (SA4 + s * (SA5 + s * (SA6 + s * (SA7 + s * SA8)))))));
      } else {
        r = RB0 + s * (RB1 + s * (RB2 + s * (RB3 + s * (RB4 + s * (RB5 + s * RB6)))));
        q = 1 + s * (SB1 + s * (SB2 + s * (SB3 + s * (SB4 + s * (SB5 + s * (SB6 + s * SB7))))));
      }
      double z = Double.longBitsToDouble(Double.doubleToRawLongBits(ax) & 0xffffffff00000000L); // the high word only
      double e = Math.exp(-z * z - 0.5625) * Math.exp((z - ax) * (z + ax) + r / q);
      return x > 0 ? e / ax : 2 - e / ax;
    }
    return x > 0 ? 0 : 2;
  }

  /** The inverse of the standard normal CDF. */
  static double ndtri(double p) {
    if (p <= 0) return Double.NEGATIVE_INFINITY;
    if (p >= 1) return Double.POSITIVE_INFINITY;
    return -SQRT2 * Erf.erfcInv(2 * p);
  }
}
