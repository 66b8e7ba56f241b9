package dev.kiln.tribuo.eval;

import java.util.Arrays;

/**
 * ROC and precision-recall curves of one class from primitive arrays: one sort of the scores, then
 * one sweep (the definitions scikit-learn's {@code roc_curve} and {@code precision_recall_curve}
 * use, without dropping intermediate points; rows whose scores differ by at most 10^-12 are one
 * point). Gives the same
 * numbers as Tribuo's {@code LabelEvaluationUtil}, which boxes every count and threshold into lists
 * and took most of a training step's time at 10^5-10^6 rows.
 */
public final class Curves {
  /** Scores closer than this are equal (floating-point noise between equal predictions). */
  static final double TIE = 1e-12;

  /** Cumulative true and false positives at each distinct score, highest score first. */
  private final int[] tp;
  private final int[] fp;
  private final int totalPos;

  private Curves(int[] tp, int[] fp, int totalPos) {
    this.tp = tp;
    this.fp = fp;
    this.totalPos = totalPos;
  }

  /** The curves of {@code score} (higher: more likely positive) against {@code positive}. */
  public static Curves of(boolean[] positive, double[] score) {
    int n = score.length;
    if (positive.length != n) throw new IllegalArgumentException("positive.length " + positive.length + " != score.length " + n);
    double[] sorted = score.clone();
    int[] idx = sortDescending(sorted);
    int[] tp = new int[n];
    int[] fp = new int[n];
    int points = 0;
    int cumPos = 0;
    int totalPos = 0;
    for (boolean p : positive) if (p) totalPos++;
    for (int i = 0; i < n; i++) {
      if (positive[idx[i]]) cumPos++;
      if (i == n - 1 || Math.abs(sorted[i + 1] - sorted[i]) > TIE) {
        tp[points] = cumPos;
        fp[points] = i + 1 - cumPos;
        points++;
      }
    }
    return new Curves(Arrays.copyOf(tp, points), Arrays.copyOf(fp, points), totalPos);
  }

  /** Indices of {@code values} ordered by value, highest first; {@code values} is sorted in place the same way. */
  private static int[] sortDescending(double[] values) {
    int n = values.length;
    double[] copy = values.clone();
    int[] idx = new int[n];
    // indices sorted by value with a primitive merge sort (stable, no boxing)
    for (int i = 0; i < n; i++) idx[i] = i;
    int[] tmp = new int[n];
    mergeSort(idx, tmp, 0, n, copy);
    for (int i = 0; i < n; i++) values[i] = copy[idx[i]];
    return idx;
  }

  private static void mergeSort(int[] a, int[] tmp, int lo, int hi, double[] v) {
    if (hi - lo < 2) return;
    if (hi - lo <= 16) {
      for (int i = lo + 1; i < hi; i++) {
        int x = a[i];
        int j = i - 1;
        while (j >= lo && v[a[j]] < v[x]) {
          a[j + 1] = a[j];
          j--;
        }
        a[j + 1] = x;
      }
      return;
    }
    int mid = (lo + hi) >>> 1;
    mergeSort(a, tmp, lo, mid, v);
    mergeSort(a, tmp, mid, hi, v);
    if (v[a[mid - 1]] >= v[a[mid]]) return;
    System.arraycopy(a, lo, tmp, lo, hi - lo);
    int i = lo;
    int j = mid;
    for (int k = lo; k < hi; k++) {
      if (j >= hi || (i < mid && v[tmp[i]] >= v[tmp[j]])) a[k] = tmp[i++];
      else a[k] = tmp[j++];
    }
  }

  /** The ROC curve as {false positive rates, true positive rates}, from (0, 0). */
  public double[][] roc() {
    int m = tp.length + 1;
    double[] fpr = new double[m];
    double[] tpr = new double[m];
    double maxTp = tp[tp.length - 1];
    double maxFp = fp[fp.length - 1];
    for (int i = 1; i < m; i++) {
      tpr[i] = tp[i - 1] / maxTp;
      fpr[i] = fp[i - 1] / maxFp;
    }
    return new double[][] {fpr, tpr};
  }

  /** The area under the ROC curve (trapezoids). */
  public double rocAuc() {
    double[][] r = roc();
    double[] x = r[0];
    double[] y = r[1];
    double area = 0.0;
    for (int i = 1; i < x.length; i++) area += ((y[i] + y[i - 1]) * (x[i] - x[i - 1])) / 2.0;
    return area;
  }

  /** The precision-recall curve as {recalls, precisions}: recall falling to 0, ending at precision 1. */
  public double[][] pr() {
    int last = 0;
    while (last < tp.length - 1 && tp[last] != totalPos) last++;
    int m = last + 2;
    double[] precision = new double[m];
    double[] recall = new double[m];
    for (int i = 0; i <= last; i++) {
      double p = 0.0;
      double r = 0.0;
      if (tp[i] != 0) {
        p = (double) tp[i] / (tp[i] + fp[i]);
        r = (double) tp[i] / totalPos;
      }
      precision[last - i] = p;
      recall[last - i] = r;
    }
    precision[m - 1] = 1.0;
    recall[m - 1] = 0.0;
    return new double[][] {recall, precision};
  }

  /** Average precision: the precisions weighted by the recall gained at each threshold. */
  public double averagePrecision() {
    double[][] c = pr();
    double[] recall = c[0];
    double[] precision = c[1];
    double score = 0.0;
    for (int i = 0; i < precision.length - 1; i++) score += (recall[i + 1] - recall[i]) * precision[i];
    return -score;
  }
}
