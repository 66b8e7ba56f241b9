package dev.kiln.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.simple.RandomSource;
import org.junit.jupiter.api.Test;

/**
 * Every test against reference values from SciPy 1.17.1 / statsmodels 0.15.0 / NumPy 2.4.6
 * (Python 3.11), computed with the calls quoted above each number. Inputs:
 *
 * <pre>
 * a = np.array([12.1, 14.3, 9.8, 11.0, 13.5, 10.2, 15.8, 12.9, 11.7, 13.3, 10.9, 14.0])
 * b = np.array([13.9, 15.2, 12.8, 16.1, 14.4, 13.0, 17.3, 15.9, 14.8, 12.5])
 * </pre>
 */
class AbStatsTest {
  static final double[] A = {12.1, 14.3, 9.8, 11.0, 13.5, 10.2, 15.8, 12.9, 11.7, 13.3, 10.9, 14.0};
  static final double[] B = {13.9, 15.2, 12.8, 16.1, 14.4, 13.0, 17.3, 15.9, 14.8, 12.5};

  @Test
  void welchMatchesScipy() {
    // r = stats.ttest_ind(b, a, equal_var=False); ci = r.confidence_interval(0.95)
    // -> statistic 2.945018872961052, pvalue 0.00801982928718731, df 19.952018599571353, ci 0.6215695981220586 .. 3.6417637352112733
    TestResult r = AbStats.welch(A, B, 0.05);
    assertThat(r.status()).isEqualTo(TestResult.OK);
    assertThat(r.numbers().get("t")).isCloseTo(2.945018872961052, within(1e-12));
    assertThat(r.pValue()).isCloseTo(0.00801982928718731, within(1e-12));
    assertThat(r.numbers().get("df")).isCloseTo(19.952018599571353, within(1e-9));
    assertThat(r.low()).isCloseTo(0.6215695981220586, within(1e-10));
    assertThat(r.high()).isCloseTo(3.6417637352112733, within(1e-10));
  }

  @Test
  void mannWhitneyMatchesScipyAsymptoticExactAndWithTies() {
    // stats.mannwhitneyu(b, a, alternative='two-sided', method='asymptotic') -> U 97.0, p 0.016095680379275525
    TestResult r = AbStats.mannWhitney(A, B);
    assertThat(r.numbers().get("u")).isEqualTo(97.0);
    assertThat(r.pValue()).isCloseTo(0.016095680379275525, within(1e-12));
    assertThat(r.numbers().get("prob-b-greater")).isCloseTo(97.0 / 120, within(1e-15));
    // a6 = [1.1, 2.3, 0.7, 3.9, 2.8, 1.6]; b5 = [2.9, 4.4, 3.1, 5.0, 3.6]
    // stats.mannwhitneyu(b5, a6, alternative='two-sided', method='exact') -> U 27.0, p 0.030303030303030304 (method='auto' picks exact here too)
    TestResult exact = AbStats.mannWhitney(new double[] {1.1, 2.3, 0.7, 3.9, 2.8, 1.6}, new double[] {2.9, 4.4, 3.1, 5.0, 3.6});
    assertThat(exact.numbers().get("u")).isEqualTo(27.0);
    assertThat(exact.pValue()).isCloseTo(0.030303030303030304, within(1e-12));
    assertThat(exact.note()).isEqualTo("exact p-value");
    // at = [1, 2, 2, 3, 3, 3, 4, 5, 5, 6]; bt = [2, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8]
    // stats.mannwhitneyu(bt, at, alternative='two-sided') -> U 84.5, p 0.03898393977226959 (asymptotic, tie-corrected)
    TestResult ties = AbStats.mannWhitney(new double[] {1, 2, 2, 3, 3, 3, 4, 5, 5, 6}, new double[] {2, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8});
    assertThat(ties.numbers().get("u")).isEqualTo(84.5);
    assertThat(ties.pValue()).isCloseTo(0.03898393977226959, within(1e-12));
  }

  @Test
  void zTestMatchesStatsmodels() {
    // z, p = proportions_ztest([150, 120], [1000, 1000]) -> 1.963049807622355, 0.04964038686536878
    // confint_proportions_2indep(150, 1000, 120, 1000, method='wald', compare='diff', alpha=0.05) -> 7.60288212977786e-05, 0.05992397117870222
    TestResult r = AbStats.zTest(120, 1000, 150, 1000, 0.05);
    assertThat(r.numbers().get("z")).isCloseTo(1.963049807622355, within(1e-12));
    assertThat(r.pValue()).isCloseTo(0.04964038686536878, within(1e-12));
    assertThat(r.low()).isCloseTo(7.60288212977786e-05, within(1e-12));
    assertThat(r.high()).isCloseTo(0.05992397117870222, within(1e-12));
    assertThat(r.note()).isNull();
  }

  @Test
  void chiSquareMatchesScipy() {
    // c = stats.chi2_contingency([[880, 120], [850, 150]], correction=False) -> 3.853564547206166, p 0.049640386865368806, dof 1
    TestResult r = AbStats.chiSquare(new long[][] {{880, 120}, {850, 150}});
    assertThat(r.numbers().get("chi2")).isCloseTo(3.853564547206166, within(1e-10));
    assertThat(r.pValue()).isCloseTo(0.049640386865368806, within(1e-12));
    assertThat(r.numbers().get("df")).isEqualTo(1.0);
    // c = stats.chi2_contingency([[10, 20, 30], [20, 15, 25]], correction=False) -> 4.502164502164502, p 0.10528521784009057, dof 2, min expected 15.0
    TestResult r3 = AbStats.chiSquare(new long[][] {{10, 20, 30}, {20, 15, 25}});
    assertThat(r3.numbers().get("chi2")).isCloseTo(4.502164502164502, within(1e-10));
    assertThat(r3.pValue()).isCloseTo(0.10528521784009057, within(1e-12));
    assertThat(r3.numbers().get("min-expected")).isEqualTo(15.0);
  }

  @Test
  void sampleRatioMismatchMatchesScipyChisquare() {
    // stats.chisquare([5100, 4900], [5000, 5000]) -> statistic 4.0, pvalue 0.04550026389635857
    TestResult even = AbStats.srm(new long[] {5100, 4900}, new double[] {50, 50});
    assertThat(even.numbers().get("chi2")).isCloseTo(4.0, within(1e-12));
    assertThat(even.pValue()).isCloseTo(0.04550026389635857, within(1e-12));
    // stats.chisquare([5000, 4800], [9800*0.6, 9800*0.4]) -> statistic 329.2517006802721, pvalue 1.3988414744861402e-73
    TestResult planned = AbStats.srm(new long[] {5000, 4800}, new double[] {60, 40});
    assertThat(planned.numbers().get("chi2")).isCloseTo(329.2517006802721, within(1e-9));
    assertThat(planned.pValue()).isCloseTo(1.3988414744861402e-73, withinPercentage(1e-6));
  }

  @Test
  void betaBinomialMatchesScipyIntegration() {
    // def bayes(xa, na, xb, nb, a0, b0):
    //     A = stats.beta(a0+xa, b0+na-xa); B = stats.beta(a0+xb, b0+nb-xb); A1 = stats.beta(a0+xa+1, b0+na-xa); B1 = stats.beta(a0+xb+1, b0+nb-xb)
    //     pts = sorted(set(list(A.ppf([1e-9, .5, 1-1e-9])) + list(B.ppf([1e-9, .5, 1-1e-9]))))
    //     pbg   = integrate.quad(lambda x: B.pdf(x) * A.cdf(x), 0, 1, points=pts, limit=500, epsabs=1e-14, epsrel=1e-12)[0]
    //     lossB = integrate.quad(lambda x: A.pdf(x) * (x * B.cdf(x) - B.mean() * B1.cdf(x)), 0, 1, ...same...)[0]
    //     lossA = integrate.quad(lambda x: B.pdf(x) * (x * A.cdf(x) - A.mean() * A1.cdf(x)), 0, 1, ...same...)[0]
    //     rng = np.random.default_rng(1); d = B.rvs(2_000_000, random_state=rng) - A.rvs(2_000_000, random_state=rng)
    //     credible: A.ppf(0.025), A.ppf(0.975), B.ppf(...); difference: np.percentile(d, 2.5), np.percentile(d, 97.5)
    // bayes(120, 1000, 150, 1000, 1, 1) -> pbg 0.9750678368121437, lossB 0.00014417785511182808, lossA 0.030084297615590876,
    //   A 0.10132341964422845 .. 0.1416269997488508, B 0.1292305712876044 .. 0.17348707340422315, d -2.97206562595282e-05 .. 0.05994831580271167
    TestResult r = AbStats.bayes(120, 1000, 150, 1000, 1, 1, 0.05, 100_000, 42);
    assertThat(r.numbers().get("prob-b-greater")).isCloseTo(0.9750678368121437, within(1e-9));
    assertThat(r.numbers().get("expected-loss-b")).isCloseTo(0.00014417785511182808, within(1e-10));
    assertThat(r.numbers().get("expected-loss-a")).isCloseTo(0.030084297615590876, within(1e-10));
    assertThat(r.numbers().get("credible-a-low")).isCloseTo(0.10132341964422845, within(1e-10));
    assertThat(r.numbers().get("credible-b-high")).isCloseTo(0.17348707340422315, within(1e-10));
    // Monte Carlo (100k draws): within a few standard errors of the quantiles of 2M draws (sd of the difference ~0.0153)
    assertThat(r.low()).isCloseTo(-2.97206562595282e-05, within(0.0015));
    assertThat(r.high()).isCloseTo(0.05994831580271167, within(0.0015));
    // bayes(3, 10, 7, 12, 0.5, 0.5) (Jeffreys prior, small counts) -> pbg 0.9086119331839296, lossB 0.008556086415566695, lossA 0.2672973451568254,
    //   A 0.09269459393815316 .. 0.6058183181486713, B 0.31194042504011954 .. 0.8195213052102984, d -0.12670086602276356 .. 0.6053974369203698
    TestResult s = AbStats.bayes(3, 10, 7, 12, 0.5, 0.5, 0.05, 100_000, 42);
    assertThat(s.numbers().get("prob-b-greater")).isCloseTo(0.9086119331839296, within(1e-9));
    assertThat(s.numbers().get("expected-loss-b")).isCloseTo(0.008556086415566695, within(1e-9));
    assertThat(s.numbers().get("expected-loss-a")).isCloseTo(0.2672973451568254, within(1e-9));
    assertThat(s.numbers().get("credible-a-low")).isCloseTo(0.09269459393815316, within(1e-9));
    assertThat(s.numbers().get("credible-b-high")).isCloseTo(0.8195213052102984, within(1e-9));
    assertThat(s.low()).isCloseTo(-0.12670086602276356, within(0.01));
    assertThat(s.high()).isCloseTo(0.6053974369203698, within(0.01));
    // bayes(100000, 1000000, 101000, 1000000, 1, 1) (narrow posteriors) -> pbg 0.9906586826367072, lossB 1.336243722169686e-06, lossA 0.0010013342408612131,
    //   d 0.00016673192220350783 .. 0.0018336440065750883
    TestResult big = AbStats.bayes(100_000, 1_000_000, 101_000, 1_000_000, 1, 1, 0.05, 100_000, 42);
    assertThat(big.numbers().get("prob-b-greater")).isCloseTo(0.9906586826367072, within(1e-9));
    assertThat(big.numbers().get("expected-loss-b")).isCloseTo(1.336243722169686e-06, within(1e-12));
    assertThat(big.numbers().get("expected-loss-a")).isCloseTo(0.0010013342408612131, within(1e-11));
    assertThat(big.low()).isCloseTo(0.00016673192220350783, within(3e-5));
    assertThat(big.high()).isCloseTo(0.0018336440065750883, within(3e-5));
    // seeded: the same seed gives the same interval
    assertThat(AbStats.bayes(3, 10, 7, 12, 0.5, 0.5, 0.05, 100_000, 42).low()).isEqualTo(s.low());
  }

  @Test
  void sampleSizeMatchesStatsmodelsNormalIndPower() {
    // h = proportion_effectsize(0.12, 0.10) -> 0.06398210298605855
    // NormalIndPower().solve_power(effect_size=h, alpha=0.05, power=0.8, ratio=1, alternative='two-sided') -> 3834.595739884031
    double h = Power.cohensH(0.10, 0.12);
    assertThat(h).isCloseTo(0.06398210298605855, within(1e-14));
    assertThat(Power.rowsA(h, 0.05, 0.8, 1)).isCloseTo(3834.595739884031, within(1e-5));
    // NormalIndPower().solve_power(effect_size=0.25, alpha=0.05, power=0.9, ratio=2, alternative='two-sided') -> 252.17806337335998
    assertThat(Power.rowsA(0.25, 0.05, 0.9, 2)).isCloseTo(252.17806337335998, within(1e-5));
    // NormalIndPower().power(effect_size=0.25, nobs1=300, alpha=0.05, ratio=2, alternative='two-sided') -> 0.9424375431875084
    assertThat(Power.power(0.25, 300, 0.05, 2)).isCloseTo(0.9424375431875084, within(1e-12));
  }

  @Test
  void bootstrapAgreesWithScipyWithinMonteCarloErrorAndIsSeeded() {
    // rng = np.random.default_rng(7)
    // stats.bootstrap((b, a), lambda x, y, axis=-1: np.mean(x, axis=axis) - np.mean(y, axis=axis), n_resamples=200000,
    //                 method='percentile', confidence_level=0.95, random_state=rng, vectorized=True)
    // -> 0.7883333333333322 .. 3.481666666666671, standard error 0.68871650162729
    TestResult r = AbStats.bootstrap(A, B, 0, A.length, 0, B.length, 200_000, 0.05, 7);
    double se = 0.68871650162729;
    assertThat(r.low()).isCloseTo(0.7883333333333322, within(0.03 * se));
    assertThat(r.high()).isCloseTo(3.481666666666671, within(0.03 * se));
    assertThat(r.numbers().get("se")).isCloseTo(se, within(0.01 * se));
    // then, with the same rng: ya = 120 ones and 880 zeros, yb = 150 ones and 850 zeros,
    // stats.bootstrap((yb, ya), ...same statistic..., n_resamples=100000, method='percentile', batch=5000) -> 0.0 .. 0.06000000000000001, se 0.015321702481906816
    TestResult p = AbStats.bootstrap(null, null, 120, 1000, 150, 1000, 100_000, 0.05, 7);
    assertThat(p.low()).isCloseTo(0.0, within(0.002));
    assertThat(p.high()).isCloseTo(0.06, within(0.002));
    assertThat(p.numbers().get("se")).isCloseTo(0.015321702481906816, within(0.0003));
    // the same seed, the same interval; another seed, a slightly different one
    TestResult again = AbStats.bootstrap(A, B, 0, A.length, 0, B.length, 2000, 0.05, 11);
    assertThat(AbStats.bootstrap(A, B, 0, A.length, 0, B.length, 2000, 0.05, 11).low()).isEqualTo(again.low());
    assertThat(AbStats.bootstrap(A, B, 0, A.length, 0, B.length, 2000, 0.05, 12).low()).isNotEqualTo(again.low());
  }

  /** Rows of the sequential tests: i = 0..n-1, B when (i * 37) % 10 < 5. */
  static boolean[] arms(int n) {
    boolean[] b = new boolean[n];
    for (int i = 0; i < n; i++) b[i] = (i * 37) % 10 < 5;
    return b;
  }

  @Test
  void sequentialMatchesAnIndependentNumpyImplementation() {
    // No library has the mSPRT; the reference is a vectorised NumPy re-implementation (cumulative sums, every prefix):
    // def msprt(values, inB, tau, alpha, binary, min_rows=10):
    //     nb = np.cumsum(inB); na = np.cumsum(~inB); sb/sa = cumulative sums of values per arm; qb/qa = of squares
    //     ok = (na >= min_rows) & (nb >= min_rows); ma, mb = sa / na, sb / nb
    //     va, vb = (ma(1-ma), mb(1-mb)) if binary else ((qa - na ma^2)/(na - 1), (qb - nb mb^2)/(nb - 1))
    //     V = va/na + vb/nb (kept where V > 0); d = mb - ma; t2 = tau**2
    //     lam = np.sqrt(V / (V + t2)) * np.exp(d**2 * t2 / (2 * V * (V + t2)))
    //     p = min(1, np.minimum.accumulate(np.minimum(1, 1 / lam))[-1])
    //     r = np.sqrt(2 * V * (V + t2) / t2 * (np.log(1 / alpha) + 0.5 * np.log((V + t2) / V)))
    //     return p, np.max(d - r), np.min(d + r), len(V)
    // i = np.arange(400); inB = (i * 37) % 10 < 5; vals = ((i * 7919) % 1000) / 100.0 + np.where(inB, 0.3, 0)
    // msprt(vals, inB, 0.5, 0.05, False) -> 0.9843806673393396, -0.5753752567484346, 1.178523394247013, 381
    boolean[] inB = arms(400);
    double[] v = new double[400];
    for (int i = 0; i < 400; i++) v[i] = ((i * 7919L) % 1000) / 100.0 + (inB[i] ? 0.3 : 0);
    TestResult r = AbStats.sequential(v, inB, 0.5, 0.05, false);
    assertThat(r.pValue()).isCloseTo(0.9843806673393396, within(1e-9));
    assertThat(r.low()).isCloseTo(-0.5753752567484346, within(1e-9));
    assertThat(r.high()).isCloseTo(1.178523394247013, within(1e-9));
    assertThat(r.numbers().get("looks")).isEqualTo(381.0);
    // i = np.arange(3000); inB = (i * 37) % 10 < 5; vals = np.where(((i * 7919) % 100) < np.where(inB, 16, 11), 1.0, 0.0)
    // msprt(vals, inB, 0.02, 0.05, True) -> 0.00024312938591912207, 0.022088842937314924, 0.09859499788055509, 2981
    boolean[] inB2 = arms(3000);
    double[] y = new double[3000];
    for (int i = 0; i < 3000; i++) y[i] = ((i * 7919L) % 100) < (inB2[i] ? 16 : 11) ? 1 : 0;
    TestResult s = AbStats.sequential(y, inB2, 0.02, 0.05, true);
    assertThat(s.pValue()).isCloseTo(0.00024312938591912207, withinPercentage(1e-6));
    assertThat(s.low()).isCloseTo(0.022088842937314924, within(1e-9));
    assertThat(s.high()).isCloseTo(0.09859499788055509, within(1e-9));
    assertThat(s.numbers().get("looks")).isEqualTo(2981.0);
  }

  @Test
  void theSequentialTestStaysValidUnderRepeatedLooksWhereTheZTestDoesNot() {
    // 400 A/A experiments of 2000 rows at a 10% rate, looked at after every row (measured: mSPRT 4 rejections,
    // the z-test checked every 20 rows 158): the mSPRT rejects at most
    // about alpha of them; rejecting when any look's z-test p < alpha rejects several times as many
    UniformRandomProvider rng = RandomSource.XO_RO_SHI_RO_128_PP.create(2024L);
    int experiments = 400;
    int rows = 2000;
    int sequentialRejects = 0;
    int peekingRejects = 0;
    for (int e = 0; e < experiments; e++) {
      double[] y = new double[rows];
      boolean[] inB = new boolean[rows];
      long na = 0, nb = 0, xa = 0, xb = 0;
      boolean peeked = false;
      for (int i = 0; i < rows; i++) {
        inB[i] = rng.nextBoolean();
        y[i] = rng.nextDouble() < 0.10 ? 1 : 0;
        if (inB[i]) {
          nb++;
          xb += (long) y[i];
        } else {
          na++;
          xa += (long) y[i];
        }
        if (!peeked && i % 20 == 19 && na >= 10 && nb >= 10) {
          TestResult z = AbStats.zTest(xa, na, xb, nb, 0.05);
          peeked = z.ok() && z.pValue() < 0.05;
        }
      }
      if (AbStats.sequential(y, inB, 0.02, 0.05, true).pValue() < 0.05) sequentialRejects++;
      if (peeked) peekingRejects++;
    }
    assertThat(sequentialRejects).as("mSPRT false positives of %d", experiments).isLessThanOrEqualTo(30); // alpha 0.05 -> 20 expected at most; +2 sd
    assertThat(peekingRejects).as("z-test with peeking, false positives of %d", experiments).isGreaterThan(2 * sequentialRejects + 40);
  }

  @Test
  void tooLittleDataIsAResultThatSaysSoNotAnException() {
    TestResult w = AbStats.welch(new double[] {1}, new double[] {2, 3}, 0.05);
    assertThat(w.status()).isEqualTo(TestResult.NOT_ENOUGH_DATA);
    assertThat(w.note()).isEqualTo("Welch's t-test needs at least 2 rows in each variant, found 1 in A and 2 in B");
    assertThat(AbStats.welch(new double[] {1, 1}, new double[] {1, 1, 1}, 0.05).note()).contains("no variance");
    assertThat(AbStats.zTest(0, 0, 5, 10, 0.05).status()).isEqualTo(TestResult.NOT_ENOUGH_DATA);
    assertThat(AbStats.zTest(0, 10, 0, 10, 0.05).note()).isEqualTo("every outcome is 0 in both variants: no variance to test against");
    assertThat(AbStats.chiSquare(new long[][] {{10, 0}, {0, 0}}).status()).isEqualTo(TestResult.NOT_ENOUGH_DATA);
    assertThat(AbStats.mannWhitney(new double[0], new double[] {1}).status()).isEqualTo(TestResult.NOT_ENOUGH_DATA);
    assertThat(AbStats.bootstrap(null, null, 1, 1, 3, 9, 1000, 0.05, 1).status()).isEqualTo(TestResult.NOT_ENOUGH_DATA);
    assertThat(AbStats.bayes(0, 0, 3, 9, 1, 1, 0.05, 1000, 1).status()).isEqualTo(TestResult.NOT_ENOUGH_DATA);
    TestResult seq = AbStats.sequential(new double[] {1, 0, 1}, new boolean[] {true, false, true}, 0.1, 0.05, true);
    assertThat(seq.status()).isEqualTo(TestResult.NOT_ENOUGH_DATA);
    assertThat(seq.asValue()).containsEntry("n-a", 1.0).containsEntry("n-b", 2.0);
    assertThat(AbStats.zTest(2, 10, 6, 10, 0.05).note()).contains("normal approximation is rough");
  }
}
