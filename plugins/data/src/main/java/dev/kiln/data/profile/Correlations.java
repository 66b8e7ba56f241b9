package dev.kiln.data.profile;

import java.util.Arrays;

/**
 * Pearson and Spearman correlation of numeric columns and Cramér's V of categorical ones, each
 * over the rows where both values are present (pairwise complete). Missing values are NaN in a
 * numeric column and -1 in a categorical column's codes.
 */
public final class Correlations {
  private Correlations() {}

  /** Pearson's r over the rows where both are present; null when fewer than 2 or a column is constant there. */
  public static Double pearson(double[] x, double[] y) {
    int n = 0;
    double mx = 0;
    double my = 0;
    for (int i = 0; i < x.length; i++) {
      if (Double.isNaN(x[i]) || Double.isNaN(y[i])) continue;
      n++;
      mx += x[i];
      my += y[i];
    }
    if (n < 2) return null;
    mx /= n;
    my /= n;
    double sxy = 0;
    double sxx = 0;
    double syy = 0;
    for (int i = 0; i < x.length; i++) {
      if (Double.isNaN(x[i]) || Double.isNaN(y[i])) continue;
      double dx = x[i] - mx;
      double dy = y[i] - my;
      sxy += dx * dy;
      sxx += dx * dx;
      syy += dy * dy;
    }
    if (sxx == 0 || syy == 0) return null;
    return clamp(sxy / Math.sqrt(sxx * syy));
  }

  /** Spearman's rho: Pearson's r of the ranks (ties get their average rank) over the rows where both are present. */
  public static Double spearman(double[] x, double[] y) {
    int n = 0;
    for (int i = 0; i < x.length; i++) if (!Double.isNaN(x[i]) && !Double.isNaN(y[i])) n++;
    double[] a = new double[n];
    double[] b = new double[n];
    int j = 0;
    for (int i = 0; i < x.length; i++) {
      if (Double.isNaN(x[i]) || Double.isNaN(y[i])) continue;
      a[j] = x[i];
      b[j++] = y[i];
    }
    return pearson(ranks(a), ranks(b));
  }

  /** Ranks from 1, ties given the mean of the ranks they span. */
  static double[] ranks(double[] v) {
    int n = v.length;
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) order[i] = i;
    Arrays.sort(order, (p, q) -> Double.compare(v[p], v[q]));
    double[] r = new double[n];
    int i = 0;
    while (i < n) {
      int k = i;
      while (k + 1 < n && v[order[k + 1]] == v[order[i]]) k++;
      double rank = (i + k) / 2.0 + 1;
      for (int m = i; m <= k; m++) r[order[m]] = rank;
      i = k + 1;
    }
    return r;
  }

  /**
   * Cramér's V of two categorical columns given as codes {@code 0..levels-1} (-1 missing): {@code
   * sqrt(chi2 / n / (min(r, c) - 1))} over the levels that occur; null when either has one level.
   */
  public static Double cramersV(int[] x, int xLevels, int[] y, int yLevels) {
    long[][] table = new long[xLevels][yLevels];
    for (int i = 0; i < x.length; i++) {
      if (x[i] < 0 || y[i] < 0) continue;
      table[x[i]][y[i]]++;
    }
    return cramersV(table);
  }

  /** Cramér's V of a contingency table; rows and columns that are all zero are left out. */
  public static Double cramersV(long[][] table) {
    int rows = table.length;
    int cols = rows == 0 ? 0 : table[0].length;
    long[] rs = new long[rows];
    long[] cs = new long[cols];
    long n = 0;
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        rs[i] += table[i][j];
        cs[j] += table[i][j];
        n += table[i][j];
      }
    }
    int r = (int) Arrays.stream(rs).filter(v -> v > 0).count();
    int c = (int) Arrays.stream(cs).filter(v -> v > 0).count();
    if (n == 0 || r < 2 || c < 2) return null;
    double chi2 = 0;
    for (int i = 0; i < rows; i++) {
      if (rs[i] == 0) continue;
      for (int j = 0; j < cols; j++) {
        if (cs[j] == 0) continue;
        double e = (double) rs[i] * cs[j] / n;
        double d = table[i][j] - e;
        chi2 += d * d / e;
      }
    }
    return clamp(Math.sqrt(chi2 / n / (Math.min(r, c) - 1)));
  }

  private static double clamp(double v) {
    return Math.max(-1, Math.min(1, v));
  }
}
