package dev.kiln.stats;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.simple.RandomSource;
import org.apache.commons.statistics.distribution.BetaDistribution;
import org.apache.commons.statistics.distribution.BinomialDistribution;
import org.apache.commons.statistics.distribution.ContinuousDistribution;
import org.apache.commons.statistics.distribution.NormalDistribution;
import org.apache.commons.statistics.distribution.TDistribution;
import org.apache.commons.statistics.inference.ChiSquareTest;
import org.apache.commons.statistics.inference.ContinuityCorrection;
import org.apache.commons.statistics.inference.DataDispersion;
import org.apache.commons.statistics.inference.MannWhitneyUTest;
import org.apache.commons.statistics.inference.PValueMethod;
import org.apache.commons.statistics.inference.SignificanceResult;
import org.apache.commons.statistics.inference.TTest;

/**
 * The statistics of an A/B test, each comparing variant B (the treatment) with variant A (the
 * control): differences are always B - A, p-values two-sided. The tests a maintained library has
 * (Welch's t, chi-square, Mann-Whitney U, the distributions) come from Apache Commons Statistics;
 * the rest is written here from its formula, with the source named at each method. Each method
 * returns a {@link TestResult} whose status says "not enough data" (with the counts) when the
 * sample cannot support the test, instead of throwing.
 */
public final class AbStats {
  private static final NormalDistribution STD_NORMAL = NormalDistribution.of(0, 1);

  private AbStats() {}

  /** The (1 - alpha/2) quantile of the standard normal. */
  static double z(double alpha) {
    return STD_NORMAL.inverseSurvivalProbability(alpha / 2);
  }

  // ---------------------------------------------------------------------------------------------
  // means

  /**
   * Welch's unequal-variances t-test of the means (Commons Statistics {@code TTest},
   * heteroscedastic), with the Welch-Satterthwaite interval for the difference of means.
   */
  public static TestResult welch(double[] a, double[] b, double alpha) {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("n-a", (double) a.length);
    m.put("n-b", (double) b.length);
    if (a.length < 2 || b.length < 2) {
      return TestResult.notEnoughData("welch", "Welch's t-test needs at least 2 rows in each variant, found " + a.length + " in A and " + b.length + " in B", m);
    }
    double ma = mean(a);
    double mb = mean(b);
    double va = variance(a, ma);
    double vb = variance(b, mb);
    m.put("mean-a", ma);
    m.put("mean-b", mb);
    m.put("difference", mb - ma);
    double se = Math.sqrt(va / a.length + vb / b.length);
    if (!(se > 0)) return TestResult.notEnoughData("welch", "every value is the same within each variant: no variance to test against", m);
    TTest.Result r = TTest.withDefaults().with(DataDispersion.HETEROSCEDASTIC).test(b, a);
    double df = r.getDegreesOfFreedom();
    double q = TDistribution.of(df).inverseSurvivalProbability(alpha / 2);
    m.put("t", r.getStatistic());
    m.put("df", df);
    m.put("se", se);
    return new TestResult("welch", TestResult.OK, null, r.getPValue(), mb - ma - q * se, mb - ma + q * se, m);
  }

  /**
   * The Mann-Whitney U test (Commons Statistics {@code MannWhitneyUTest}, continuity correction on).
   * The p-value is exact when a variant has at most 8 rows and no value is tied, else the normal
   * approximation with the tie correction (SciPy's {@code method='auto'} rule). {@code u} is B's
   * statistic; {@code prob-b-greater} = U / (nA nB), the chance a B value beats an A value (ties
   * half).
   */
  public static TestResult mannWhitney(double[] a, double[] b) {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("n-a", (double) a.length);
    m.put("n-b", (double) b.length);
    if (a.length < 1 || b.length < 1) {
      return TestResult.notEnoughData("mann-whitney", "the Mann-Whitney U test needs at least 1 row in each variant, found " + a.length + " in A and " + b.length + " in B", m);
    }
    double[] all = new double[a.length + b.length];
    System.arraycopy(a, 0, all, 0, a.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    Arrays.sort(all);
    if (all[0] == all[all.length - 1]) return TestResult.notEnoughData("mann-whitney", "every value is the same: nothing to rank", m);
    boolean ties = false;
    for (int i = 1; i < all.length && !ties; i++) ties = all[i] == all[i - 1];
    boolean exact = (a.length <= 8 || b.length <= 8) && !ties;
    MannWhitneyUTest.Result r = MannWhitneyUTest.withDefaults()
        .with(exact ? PValueMethod.EXACT : PValueMethod.ASYMPTOTIC)
        .with(ContinuityCorrection.ENABLED)
        .test(b, a);
    double u = r.getStatistic();
    double pairs = (double) a.length * b.length;
    m.put("u", u);
    m.put("u-a", pairs - u);
    m.put("prob-b-greater", u / pairs);
    return new TestResult("mann-whitney", TestResult.OK, exact ? "exact p-value" : "normal approximation with tie and continuity correction", r.getPValue(), Double.NaN, Double.NaN, m);
  }

  // ---------------------------------------------------------------------------------------------
  // proportions

  /**
   * The z-test for two proportions: pooled standard error for the statistic (statsmodels'
   * {@code proportions_ztest}), the unpooled (Wald) interval for the difference (statsmodels'
   * {@code confint_proportions_2indep(method='wald')}).
   */
  public static TestResult zTest(long xa, long na, long xb, long nb, double alpha) {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("n-a", (double) na);
    m.put("n-b", (double) nb);
    if (na < 1 || nb < 1) return TestResult.notEnoughData("z-test", "the z-test needs at least 1 row in each variant, found " + na + " in A and " + nb + " in B", m);
    double pa = (double) xa / na;
    double pb = (double) xb / nb;
    m.put("rate-a", pa);
    m.put("rate-b", pb);
    m.put("difference", pb - pa);
    double p = (double) (xa + xb) / (na + nb);
    double se0 = Math.sqrt(p * (1 - p) * (1.0 / na + 1.0 / nb));
    if (!(se0 > 0)) {
      return TestResult.notEnoughData("z-test", "every outcome is " + (p == 0 ? "0" : "1") + " in both variants: no variance to test against", m);
    }
    double z = (pb - pa) / se0;
    double se = Math.sqrt(pa * (1 - pa) / na + pb * (1 - pb) / nb);
    double q = z(alpha);
    m.put("z", z);
    m.put("se", se);
    String note = Math.min(Math.min(xa, na - xa), Math.min(xb, nb - xb)) < 5 ? "fewer than 5 successes or failures in a variant: the normal approximation is rough" : null;
    return new TestResult("z-test", TestResult.OK, note, 2 * STD_NORMAL.survivalProbability(Math.abs(z)), pb - pa - q * se, pb - pa + q * se, m);
  }

  /**
   * Pearson's chi-square test of independence of variant and outcome (Commons Statistics {@code
   * ChiSquareTest}, no continuity correction: SciPy's {@code chi2_contingency(correction=False)}).
   * {@code table[i][j]} counts the rows of variant i with outcome j.
   */
  public static TestResult chiSquare(long[][] table) {
    Map<String, Double> m = new LinkedHashMap<>();
    int rows = table.length;
    int cols = table[0].length;
    long[] rs = new long[rows];
    long[] cs = new long[cols];
    long total = 0;
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        rs[i] += table[i][j];
        cs[j] += table[i][j];
        total += table[i][j];
      }
    }
    for (int i = 0; i < rows; i++) m.put("n-" + (char) ('a' + i), (double) rs[i]);
    for (int i = 0; i < rows; i++) {
      if (rs[i] == 0) return TestResult.notEnoughData("chi-square", "variant " + (char) ('A' + i) + " has no rows", m);
    }
    for (int j = 0; j < cols; j++) {
      if (cs[j] == 0) return TestResult.notEnoughData("chi-square", "every outcome is the same: a column of the table is empty", m);
    }
    double minExpected = Double.POSITIVE_INFINITY;
    for (long r : rs) for (long c : cs) minExpected = Math.min(minExpected, (double) r * c / total);
    SignificanceResult r = ChiSquareTest.withDefaults().test(table);
    double df = (rows - 1) * (cols - 1);
    m.put("chi2", r.getStatistic());
    m.put("df", df);
    m.put("cramers-v", Math.sqrt(r.getStatistic() / (total * (Math.min(rows, cols) - 1))));
    m.put("min-expected", minExpected);
    String note = minExpected < 5 ? "an expected count is below 5: the chi-square approximation is rough" : null;
    return new TestResult("chi-square", TestResult.OK, note, r.getPValue(), Double.NaN, Double.NaN, m);
  }

  /**
   * Bayesian beta-binomial analysis: each variant's rate has the prior Beta(a0, b0) and the
   * posterior Beta(a0 + successes, b0 + failures). Computed by numerical integration (Gauss-Legendre
   * over both posteriors' ranges): {@code prob-b-greater} = P(rate B > rate A) = the integral of
   * f_B F_A; {@code expected-loss-b} = E[max(rate A - rate B, 0)], what choosing B costs when A is
   * in fact better (and {@code expected-loss-a} the other way). The interval is the central
   * (1 - alpha) credible interval of rate B - rate A, from {@code draws} seeded Monte Carlo draws of
   * the posteriors.
   */
  public static TestResult bayes(long xa, long na, long xb, long nb, double a0, double b0, double alpha, int draws, long seed) {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("n-a", (double) na);
    m.put("n-b", (double) nb);
    if (na < 1 || nb < 1) return TestResult.notEnoughData("bayes", "the beta-binomial analysis needs at least 1 row in each variant, found " + na + " in A and " + nb + " in B", m);
    double aa = a0 + xa;
    double ba = b0 + na - xa;
    double ab = a0 + xb;
    double bb = b0 + nb - xb;
    BetaDistribution pa = BetaDistribution.of(aa, ba);
    BetaDistribution pb = BetaDistribution.of(ab, bb);
    BetaDistribution paUp = BetaDistribution.of(aa + 1, ba);
    BetaDistribution pbUp = BetaDistribution.of(ab + 1, bb);
    double ma = pa.getMean();
    double mb = pb.getMean();
    double[] grid = breakpoints(pa, pb);
    double probBGreater = integrate(grid, x -> pb.density(x) * pa.cumulativeProbability(x));
    double lossB = integrate(grid, x -> pa.density(x) * (x * pb.cumulativeProbability(x) - mb * pbUp.cumulativeProbability(x)));
    double lossA = integrate(grid, x -> pb.density(x) * (x * pa.cumulativeProbability(x) - ma * paUp.cumulativeProbability(x)));
    UniformRandomProvider rng = RandomSource.XO_RO_SHI_RO_128_PP.create(seed);
    ContinuousDistribution.Sampler sa = pa.createSampler(rng);
    ContinuousDistribution.Sampler sb = pb.createSampler(rng);
    double[] d = new double[draws];
    for (int i = 0; i < draws; i++) d[i] = sb.sample() - sa.sample();
    Arrays.sort(d);
    m.put("posterior-mean-a", ma);
    m.put("posterior-mean-b", mb);
    m.put("prob-b-greater", clamp01(probBGreater));
    m.put("expected-loss-b", Math.max(0, lossB));
    m.put("expected-loss-a", Math.max(0, lossA));
    m.put("credible-a-low", pa.inverseCumulativeProbability(alpha / 2));
    m.put("credible-a-high", pa.inverseSurvivalProbability(alpha / 2));
    m.put("credible-b-low", pb.inverseCumulativeProbability(alpha / 2));
    m.put("credible-b-high", pb.inverseSurvivalProbability(alpha / 2));
    m.put("prior-a", a0);
    m.put("prior-b", b0);
    m.put("draws", (double) draws);
    return new TestResult("bayes", TestResult.OK, null, Double.NaN, percentile(d, alpha / 2), percentile(d, 1 - alpha / 2), m);
  }

  // ---------------------------------------------------------------------------------------------
  // either kind

  /**
   * The percentile bootstrap interval of the difference of means (or rates) B - A: each of {@code
   * resamples} rounds draws each variant's rows again with replacement (a 0/1 outcome as a binomial
   * count, the same distribution), each resample from its own generator seeded from {@code seed}, so
   * the same data and seed give the same interval on any number of threads (resamples run in
   * parallel; the cost is resamples x rows). Percentiles interpolate linearly (NumPy's default). {@code
   * values == null} means a 0/1 outcome given as counts.
   */
  public static TestResult bootstrap(double[] a, double[] b, long xa, long na, long xb, long nb, int resamples, double alpha, long seed) {
    boolean binary = a == null;
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("n-a", (double) na);
    m.put("n-b", (double) nb);
    if (na < 2 || nb < 2) return TestResult.notEnoughData("bootstrap", "the bootstrap needs at least 2 rows in each variant, found " + na + " in A and " + nb + " in B", m);
    if (na > Integer.MAX_VALUE || nb > Integer.MAX_VALUE) return TestResult.notApplicable("bootstrap", "more than 2^31 rows in a variant");
    // one generator per resample, seeded from a SplitMix64 stream of seed: the same result whatever
    // the number of threads the resamples run on
    UniformRandomProvider seeds = RandomSource.SPLIT_MIX_64.create(seed);
    long[] streams = new long[resamples];
    for (int r = 0; r < resamples; r++) streams[r] = seeds.nextLong();
    double[] d = new double[resamples];
    double observed;
    if (binary) {
      double pa = (double) xa / na;
      double pb = (double) xb / nb;
      observed = pb - pa;
      BinomialDistribution ba = BinomialDistribution.of((int) na, pa);
      BinomialDistribution bb = BinomialDistribution.of((int) nb, pb);
      IntStream.range(0, resamples).parallel().forEach(r -> {
        UniformRandomProvider rng = RandomSource.XO_RO_SHI_RO_128_PP.create(streams[r]);
        d[r] = (double) bb.createSampler(rng).sample() / nb - (double) ba.createSampler(rng).sample() / na;
      });
    } else {
      observed = mean(b) - mean(a);
      IntStream.range(0, resamples).parallel().forEach(r -> {
        UniformRandomProvider rng = RandomSource.XO_RO_SHI_RO_128_PP.create(streams[r]);
        d[r] = resampledMean(b, rng) - resampledMean(a, rng);
      });
    }
    double se = Math.sqrt(variance(d, mean(d)));
    Arrays.sort(d);
    m.put("difference", observed);
    m.put("se", se);
    m.put("resamples", (double) resamples);
    return new TestResult("bootstrap", TestResult.OK, "percentile interval", Double.NaN, percentile(d, alpha / 2), percentile(d, 1 - alpha / 2), m);
  }

  private static double resampledMean(double[] x, UniformRandomProvider rng) {
    double s = 0;
    for (int i = 0; i < x.length; i++) s += x[rng.nextInt(x.length)];
    return s / x.length;
  }

  /** The rows each variant needs before the sequential test takes its first look. */
  static final int SEQUENTIAL_MIN_ROWS = 10;

  /**
   * The mixture sequential probability ratio test (mSPRT) of Johari, Pekelis and Walsh ("Always
   * valid inference: continuous monitoring of A/B tests", Operations Research 2022; Optimizely's
   * Stats Engine): a p-value and a confidence sequence that stay valid however often the result is
   * looked at. The rows are taken in the order given; after each row (once each variant has {@link
   * #SEQUENTIAL_MIN_ROWS} rows and some variance) the difference of means d has the estimated
   * variance V = sA^2/nA + sB^2/nB and, under a normal mixture N(0, tau^2) over the true difference,
   * the likelihood ratio Lambda = sqrt(V / (V + tau^2)) exp(d^2 tau^2 / (2 V (V + tau^2))). The
   * always-valid p-value is the running minimum of 1 / Lambda; the interval is the running
   * intersection of d +- sqrt(2 V (V + tau^2) / tau^2 (log(1/alpha) + log((V + tau^2)/V) / 2)).
   * Variances are plug-in estimates (for a 0/1 outcome p(1-p)), so the guarantee is asymptotic, as
   * in the paper.
   *
   * @param values the outcome of each row in order (0/1 for proportions)
   * @param inB whether each row belongs to B (else A)
   * @param tau the mixing standard deviation, in the outcome's units
   * @param binary variances as p(1 - p) rather than the sample variance
   */
  public static TestResult sequential(double[] values, boolean[] inB, double tau, double alpha, boolean binary) {
    Map<String, Double> m = new LinkedHashMap<>();
    long na = 0;
    long nb = 0;
    double meanA = 0;
    double meanB = 0;
    double m2A = 0;
    double m2B = 0;
    double p = 1;
    double low = Double.NEGATIVE_INFINITY;
    double high = Double.POSITIVE_INFINITY;
    double lastLow = Double.NaN;
    double lastHigh = Double.NaN;
    long looks = 0;
    double tau2 = tau * tau;
    double logInvAlpha = Math.log(1 / alpha);
    for (int i = 0; i < values.length; i++) {
      double x = values[i];
      if (inB[i]) {
        nb++;
        double dlt = x - meanB;
        meanB += dlt / nb;
        m2B += dlt * (x - meanB);
      } else {
        na++;
        double dlt = x - meanA;
        meanA += dlt / na;
        m2A += dlt * (x - meanA);
      }
      if (na < SEQUENTIAL_MIN_ROWS || nb < SEQUENTIAL_MIN_ROWS) continue;
      double va = binary ? meanA * (1 - meanA) : m2A / (na - 1);
      double vb = binary ? meanB * (1 - meanB) : m2B / (nb - 1);
      double v = va / na + vb / nb;
      if (!(v > 0)) continue;
      double d = meanB - meanA;
      double logLambda = 0.5 * Math.log(v / (v + tau2)) + d * d * tau2 / (2 * v * (v + tau2));
      p = Math.min(p, Math.exp(-logLambda));
      double r = Math.sqrt(2 * v * (v + tau2) / tau2 * (logInvAlpha + 0.5 * Math.log((v + tau2) / v)));
      lastLow = d - r;
      lastHigh = d + r;
      low = Math.max(low, lastLow);
      high = Math.min(high, lastHigh);
      looks++;
    }
    m.put("n-a", (double) na);
    m.put("n-b", (double) nb);
    m.put("mixing-sd", tau);
    if (looks == 0) {
      return TestResult.notEnoughData("sequential", "the sequential test looks once each variant has " + SEQUENTIAL_MIN_ROWS + " rows and some variance, found " + na + " in A and " + nb + " in B", m);
    }
    m.put("difference", meanB - meanA);
    m.put("looks", (double) looks);
    String note = null;
    if (low > high) {
      // possible only by chance (probability <= alpha) or a variance estimate that moved a lot: show the last look's interval
      note = "the running intersection of the intervals is empty; shown: the last look's interval";
      low = lastLow;
      high = lastHigh;
    }
    return new TestResult("sequential", TestResult.OK, note, Math.min(1, p), low, high, m);
  }

  /**
   * The sample-ratio-mismatch check: Pearson's chi-square goodness of fit of the rows per variant
   * against the planned shares (Commons Statistics {@code ChiSquareTest}; SciPy's {@code
   * chisquare}). A p-value below {@code srmAlpha} (conventionally 0.001) means the assignment is
   * broken and the test's result cannot be trusted.
   */
  public static TestResult srm(long[] observed, double[] shares) {
    Map<String, Double> m = new LinkedHashMap<>();
    long total = 0;
    for (long o : observed) total += o;
    double shareSum = 0;
    for (double s : shares) shareSum += s;
    for (int i = 0; i < observed.length; i++) {
      m.put("observed-" + (char) ('a' + i), (double) observed[i]);
      m.put("expected-" + (char) ('a' + i), total * shares[i] / shareSum);
    }
    for (int i = 0; i < observed.length; i++) {
      // an arm with no rows at all is a test not started (or not logged) rather than a ratio to judge
      if (observed[i] == 0) return TestResult.notEnoughData("srm", "variant " + (char) ('A' + i) + " has no rows", m);
    }
    double[] expected = new double[shares.length];
    for (int i = 0; i < shares.length; i++) expected[i] = total * shares[i] / shareSum;
    SignificanceResult r = ChiSquareTest.withDefaults().test(expected, observed);
    m.put("chi2", r.getStatistic());
    m.put("df", (double) (observed.length - 1));
    return new TestResult("srm", TestResult.OK, null, r.getPValue(), Double.NaN, Double.NaN, m);
  }

  // ---------------------------------------------------------------------------------------------
  // helpers

  static double mean(double[] x) {
    double s = 0;
    for (double v : x) s += v;
    double mu = s / x.length;
    double c = 0; // one correction pass (as NumPy's mean is not, but closer to the exact mean)
    for (double v : x) c += v - mu;
    return mu + c / x.length;
  }

  /** The sample variance (n - 1 in the denominator), two-pass. */
  static double variance(double[] x, double mean) {
    double ss = 0;
    double c = 0;
    for (double v : x) {
      ss += (v - mean) * (v - mean);
      c += v - mean;
    }
    return (ss - c * c / x.length) / (x.length - 1);
  }

  /** The q-quantile of sorted {@code x}, interpolating linearly between order statistics (NumPy's default). */
  static double percentile(double[] sorted, double q) {
    double h = (sorted.length - 1) * q;
    int lo = (int) Math.floor(h);
    if (lo >= sorted.length - 1) return sorted[sorted.length - 1];
    return sorted[lo] + (h - lo) * (sorted[lo + 1] - sorted[lo]);
  }

  private static double clamp01(double p) {
    return Math.max(0, Math.min(1, p));
  }

  // ---------------------------------------------------------------------------------------------
  // integration over two beta posteriors

  private static final int PANELS = 64;
  private static final double[] GL_X;
  private static final double[] GL_W;

  static {
    // 20-point Gauss-Legendre nodes and weights on [-1, 1], by Newton's method on P_20
    int n = 20;
    GL_X = new double[n];
    GL_W = new double[n];
    for (int i = 0; i < n; i++) {
      double x = Math.cos(Math.PI * (i + 0.75) / (n + 0.5));
      double dp = 0;
      for (int it = 0; it < 100; it++) {
        double p0 = 1;
        double p1 = x;
        for (int k = 2; k <= n; k++) {
          double p2 = ((2 * k - 1) * x * p1 - (k - 1) * p0) / k;
          p0 = p1;
          p1 = p2;
        }
        dp = n * (x * p1 - p0) / (x * x - 1);
        double dx = p1 / dp;
        x -= dx;
        if (Math.abs(dx) < 1e-16) break;
      }
      GL_X[i] = x;
      GL_W[i] = 2 / ((1 - x * x) * dp * dp);
    }
  }

  /** Panel edges covering both posteriors' mass (all but 1e-15 in each tail), dense where each has its mass. */
  private static double[] breakpoints(BetaDistribution a, BetaDistribution b) {
    double[] out = new double[2 * (PANELS + 1) + 2];
    int k = 0;
    for (BetaDistribution d : new BetaDistribution[] {a, b}) {
      double lo = d.inverseCumulativeProbability(1e-15);
      double hi = d.inverseSurvivalProbability(1e-15);
      for (int i = 0; i <= PANELS; i++) out[k++] = lo + (hi - lo) * i / PANELS;
    }
    out[k++] = 0;
    out[k] = 1;
    Arrays.sort(out);
    return Arrays.stream(out).distinct().toArray();
  }

  private static double integrate(double[] edges, java.util.function.DoubleUnaryOperator f) {
    double sum = 0;
    for (int p = 0; p + 1 < edges.length; p++) {
      double lo = edges[p];
      double hi = edges[p + 1];
      double half = (hi - lo) / 2;
      double mid = (hi + lo) / 2;
      double s = 0;
      for (int i = 0; i < GL_X.length; i++) s += GL_W[i] * f.applyAsDouble(mid + half * GL_X[i]);
      sum += s * half;
    }
    return sum;
  }

  /** Four significant digits, trailing zeros dropped: 0.05, 0.04964, 7.603e-05. */
  static String fmt(double v) {
    String s = String.format(Locale.ROOT, "%.4g", v);
    int e = s.indexOf('e');
    String mant = e < 0 ? s : s.substring(0, e);
    if (mant.contains(".")) mant = mant.replaceAll("0+$", "").replaceAll("\\.$", "");
    return e < 0 ? mant : mant + s.substring(e);
  }
}
