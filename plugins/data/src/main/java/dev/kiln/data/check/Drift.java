package dev.kiln.data.check;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Distribution shift between a reference sample and a current one: the population stability index
 * (PSI) and the two-sample Kolmogorov-Smirnov statistic.
 *
 * <p>PSI = sum over bins of (c - r) ln(c / r), with r and c the bin's shares of the reference and
 * of the current sample, each floored at {@link #FLOOR} so an empty bin counts as rare rather than
 * infinite. Numeric bins are cut at the reference's deciles (the lower empirical quantile,
 * {@code sorted[ceil(q n) - 1]} for q = 0.1 .. 0.9, repeated cuts merged), each bin (cut_k,
 * cut_k+1]; categorical bins are the categories of either sample.
 */
public final class Drift {
  /** The smallest share a bin counts with. */
  public static final double FLOOR = 1e-4;
  /** Quantile bins for numeric PSI. */
  public static final int BINS = 10;

  private Drift() {}

  /** The reference's decile cuts, strictly increasing. */
  public static double[] cuts(double[] sortedReference) {
    int n = sortedReference.length;
    TreeSet<Double> cuts = new TreeSet<>();
    for (int i = 1; i < BINS; i++) {
      int idx = (int) (((long) i * n + BINS - 1) / BINS) - 1; // ceil(i n / 10) - 1 in integers: no rounding
      cuts.add(sortedReference[Math.max(0, idx)]);
    }
    double[] out = new double[cuts.size()];
    int k = 0;
    for (double d : cuts) out[k++] = d;
    return out;
  }

  /** PSI of two numeric samples over the reference's decile bins; both sorted ascending, non-empty. */
  public static double psi(double[] sortedReference, double[] sortedCurrent) {
    double[] cuts = cuts(sortedReference);
    double[] r = shares(sortedReference, cuts);
    double[] c = shares(sortedCurrent, cuts);
    double psi = 0;
    for (int i = 0; i < r.length; i++) psi += term(r[i], c[i]);
    return psi;
  }

  /** PSI of two categorical samples given as counts per category. */
  public static double psi(Map<String, Long> reference, Map<String, Long> current) {
    TreeMap<String, long[]> both = new TreeMap<>();
    reference.forEach((k, v) -> both.computeIfAbsent(k, x -> new long[2])[0] += v);
    current.forEach((k, v) -> both.computeIfAbsent(k, x -> new long[2])[1] += v);
    double nr = reference.values().stream().mapToLong(Long::longValue).sum();
    double nc = current.values().stream().mapToLong(Long::longValue).sum();
    double psi = 0;
    for (long[] counts : both.values()) psi += term(counts[0] / nr, counts[1] / nc);
    return psi;
  }

  /** sup over x of |F_reference(x) - F_current(x)|; both sorted ascending, non-empty. */
  public static double ks(double[] a, double[] b) {
    int i = 0;
    int j = 0;
    double d = 0;
    while (i < a.length && j < b.length) {
      double x = Math.min(a[i], b[j]);
      while (i < a.length && a[i] <= x) i++;
      while (j < b.length && b[j] <= x) j++;
      d = Math.max(d, Math.abs((double) i / a.length - (double) j / b.length));
    }
    return d;
  }

  private static double[] shares(double[] sorted, double[] cuts) {
    double[] s = new double[cuts.length + 1];
    int bin = 0;
    for (double v : sorted) {
      while (bin < cuts.length && v > cuts[bin]) bin++;
      s[bin]++;
    }
    for (int i = 0; i < s.length; i++) s[i] /= sorted.length;
    return s;
  }

  private static double term(double r, double c) {
    double rr = Math.max(r, FLOOR);
    double cc = Math.max(c, FLOOR);
    return (cc - rr) * Math.log(cc / rr);
  }

  static double[] sorted(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s;
  }
}
