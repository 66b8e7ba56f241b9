package dev.kiln.deploy;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.hipparchus.distribution.discrete.BinomialDistribution;

/** The statistics of the gate: McNemar's test, a paired bootstrap, the population stability index. */
final class Stats {
  private Stats() {}

  /**
   * McNemar's exact test on paired outcomes, one-sided: is the candidate worse than the champion?
   *
   * @param worse rows the champion got right and the candidate wrong
   * @param better rows the candidate got right and the champion wrong
   * @param p P(at least {@code worse} of the {@code worse + better} discordant rows go against the
   *     candidate | both models are equally good), by the exact binomial
   */
  record McNemar(int worse, int better, double p) {}

  static McNemar mcnemar(boolean[] championRight, boolean[] candidateRight) {
    if (championRight.length != candidateRight.length) throw new IllegalArgumentException("paired outcomes differ in length");
    int worse = 0;
    int better = 0;
    for (int i = 0; i < championRight.length; i++) {
      if (championRight[i] && !candidateRight[i]) worse++;
      else if (!championRight[i] && candidateRight[i]) better++;
    }
    int n = worse + better;
    double p = n == 0 || worse == 0 ? 1.0 : 1.0 - new BinomialDistribution(n, 0.5).cumulativeProbability(worse - 1);
    return new McNemar(worse, better, p);
  }

  /**
   * A paired bootstrap of the candidate's mean squared error minus the champion's on the same rows.
   *
   * @param lower the {@code alpha} quantile of the difference; above 0 means the candidate is worse
   *     at level {@code alpha} (one-sided)
   */
  record Bootstrap(double difference, double lower, double upper, int resamples) {}

  static Bootstrap bootstrapMse(double[] actual, double[] candidate, double[] champion, int resamples, double alpha, long seed) {
    int n = actual.length;
    double[] d = new double[n];
    double sum = 0;
    for (int i = 0; i < n; i++) {
      double a = candidate[i] - actual[i];
      double b = champion[i] - actual[i];
      d[i] = a * a - b * b;
      sum += d[i];
    }
    SplittableRandom rnd = new SplittableRandom(seed);
    double[] means = new double[resamples];
    for (int r = 0; r < resamples; r++) {
      double s = 0;
      for (int i = 0; i < n; i++) s += d[rnd.nextInt(n)];
      means[r] = s / n;
    }
    Arrays.sort(means);
    return new Bootstrap(sum / n, quantile(means, alpha), quantile(means, 1 - alpha), resamples);
  }

  private static double quantile(double[] sorted, double q) {
    double pos = q * (sorted.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(sorted.length - 1, lo + 1);
    return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
  }

  private static final double EPS = 1e-4;

  /**
   * Population stability index of a numeric feature: bins are the {@code bins}-quantiles of
   * {@code expected} (the champion's training data), missing values are a bin of their own, and an
   * empty bin counts as {@value #EPS} so the logarithm stays finite.
   */
  static double psi(double[] expected, double[] actual, int bins) {
    double[] present = Arrays.stream(expected).filter(v -> !Double.isNaN(v)).sorted().toArray();
    TreeSet<Double> edges = new TreeSet<>();
    for (int b = 1; b < bins && present.length > 0; b++) edges.add(present[(int) Math.min(present.length - 1, Math.floor((double) b * present.length / bins))]);
    double[] cuts = edges.stream().mapToDouble(Double::doubleValue).toArray();
    double[] e = histogram(expected, cuts);
    double[] a = histogram(actual, cuts);
    return index(e, a);
  }

  private static double[] histogram(double[] values, double[] cuts) {
    double[] h = new double[cuts.length + 2];
    for (double v : values) {
      if (Double.isNaN(v)) h[cuts.length + 1]++;
      else {
        int i = Arrays.binarySearch(cuts, v);
        h[i >= 0 ? i + 1 : -i - 1]++; // a value equal to a cut belongs to the bin above it
      }
    }
    return h;
  }

  /** Population stability index of a categorical feature over the categories of both sides (missing is a category). */
  static double psi(String[] expected, String[] actual) {
    Map<String, Integer> index = new HashMap<>();
    for (String v : expected) index.putIfAbsent(String.valueOf(v), index.size());
    for (String v : actual) index.putIfAbsent(String.valueOf(v), index.size());
    double[] e = new double[index.size()];
    double[] a = new double[index.size()];
    for (String v : expected) e[index.get(String.valueOf(v))]++;
    for (String v : actual) a[index.get(String.valueOf(v))]++;
    return index(e, a);
  }

  private static double index(double[] expectedCounts, double[] actualCounts) {
    double te = Arrays.stream(expectedCounts).sum();
    double ta = Arrays.stream(actualCounts).sum();
    if (te == 0 || ta == 0) return 0;
    double psi = 0;
    for (int i = 0; i < expectedCounts.length; i++) {
      double e = Math.max(expectedCounts[i] / te, EPS);
      double a = Math.max(actualCounts[i] / ta, EPS);
      psi += (a - e) * Math.log(a / e);
    }
    return psi;
  }
}
