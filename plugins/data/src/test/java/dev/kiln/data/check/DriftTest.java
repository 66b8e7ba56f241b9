package dev.kiln.data.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** PSI and KS against hand-computed values and against brute force on random samples with ties. */
class DriftTest {

  @Test
  void ksOfTwoTinySamplesByHand() {
    // F_a steps 0.25 at 1, 2, 3, 4; F_b 1/3 at 2.5, 3.5, 4.5: largest gap at x = 2 (0.5 - 0) and x = 3 (0.75 - 1/3)
    assertThat(Drift.ks(new double[] {1, 2, 3, 4}, new double[] {2.5, 3.5, 4.5})).isCloseTo(0.5, within(1e-15));
    // ties across the samples: at x = 1 both jump together
    assertThat(Drift.ks(new double[] {1, 1, 2}, new double[] {1, 2, 2})).isCloseTo(2.0 / 3 - 1.0 / 3, within(1e-15));
    assertThat(Drift.ks(new double[] {1, 2, 3}, new double[] {1, 2, 3})).isZero();
    assertThat(Drift.ks(new double[] {1, 2}, new double[] {5, 6})).isEqualTo(1.0);
  }

  @Test
  void cutsAreTheReferencesLowerDecilesMerged() {
    assertThat(Drift.cuts(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10})).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9);
    // 20 values: the i-th decile is sorted[2i - 1]
    double[] twenty = new double[20];
    for (int i = 0; i < 20; i++) twenty[i] = i;
    assertThat(Drift.cuts(twenty)).containsExactly(1, 3, 5, 7, 9, 11, 13, 15, 17);
    assertThat(Drift.cuts(new double[] {0, 0, 0, 0, 0, 0, 0, 0, 1, 1})).containsExactly(0, 1);
  }

  @Test
  void psiOfIdenticalSamplesIsZeroAndOfACategoricalShiftByHand() {
    double[] r = {1, 2, 2, 3, 5, 8, 13, 21};
    assertThat(Drift.psi(r, r)).isZero();
    // shares 0.6/0.4 against 0.4/0.6: 2 * 0.2 * ln 1.5
    assertThat(Drift.psi(Map.of("a", 6L, "b", 4L), Map.of("a", 2L, "b", 3L))).isCloseTo(0.4 * Math.log(1.5), within(1e-15));
  }

  @Test
  void agreesWithBruteForceOnRandomSamplesWithTies() {
    Random rnd = new Random(7);
    for (int t = 0; t < 200; t++) {
      double[] a = sample(rnd, 1 + rnd.nextInt(60), rnd.nextInt(3));
      double[] b = sample(rnd, 1 + rnd.nextInt(60), rnd.nextInt(3));
      assertThat(Drift.ks(a, b)).as("ks %s %s", Arrays.toString(a), Arrays.toString(b)).isCloseTo(bruteKs(a, b), within(1e-12));
      assertThat(Drift.psi(a, b)).as("psi %s %s", Arrays.toString(a), Arrays.toString(b)).isCloseTo(brutePsi(a, b), within(1e-12));
    }
  }

  private static double[] sample(Random rnd, int n, int shift) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) v[i] = rnd.nextInt(12) + shift; // few distinct values: many ties
    Arrays.sort(v);
    return v;
  }

  /** sup |F_a - F_b| evaluated at every value of either sample, each CDF by counting. */
  private static double bruteKs(double[] a, double[] b) {
    double d = 0;
    for (double[] s : new double[][] {a, b}) {
      for (double x : s) d = Math.max(d, Math.abs(cdf(a, x) - cdf(b, x)));
    }
    return d;
  }

  private static double cdf(double[] v, double x) {
    return Arrays.stream(v).filter(y -> y <= x).count() / (double) v.length;
  }

  /** Bins (-inf, c1], (c1, c2], ..., (ck, inf) with cuts the reference's distinct lower deciles, shares by counting. */
  private static double brutePsi(double[] ref, double[] cur) {
    double[] cuts = Arrays.stream(new int[] {1, 2, 3, 4, 5, 6, 7, 8, 9})
        .mapToDouble(i -> ref[Math.max(0, (int) Math.ceil(i * ref.length / 10.0) - 1)]).distinct().sorted().toArray();
    double psi = 0;
    for (int k = 0; k <= cuts.length; k++) {
      double lo = k == 0 ? Double.NEGATIVE_INFINITY : cuts[k - 1];
      double hi = k == cuts.length ? Double.POSITIVE_INFINITY : cuts[k];
      double r = Math.max(1e-4, Arrays.stream(ref).filter(x -> x > lo && x <= hi).count() / (double) ref.length);
      double c = Math.max(1e-4, Arrays.stream(cur).filter(x -> x > lo && x <= hi).count() / (double) cur.length);
      psi += (c - r) * Math.log(c / r);
    }
    return psi;
  }
}
