package dev.kiln.tune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Parzen estimator against Optuna 5's. Expected values are hand-computed where noted, the rest
 * are what optuna 5.1.0's {@code _ParzenEstimator} gives for the same observations (prior weight 1,
 * magic clip, no endpoints, default weights).
 */
class TpeTest {

  @Test
  void bandwidthsAreNeighbourDistancesWithoutThePriorAmongThem() {
    // hand-computed: sorted with the bounds 0, .1, .45, .9, 1 -> .1 takes its inner neighbour .35,
    // .45 the larger of .35 and .45, .9 its inner neighbour .45; the clip's floor is 1/5
    assertThat(Tpe.bandwidths(new double[] {0.9, 0.1, 0.45}, 0, 1)).containsExactly(new double[] {0.45, 0.35, 0.45}, within(1e-12));
    // two close observations: both at the floor 1/min(100, 4); Optuna 4 counted the prior mean 0.5
    // as a neighbour here
    assertThat(Tpe.bandwidths(new double[] {0.5, 0.51}, 0, 1)).containsExactly(new double[] {0.25, 0.25}, within(1e-12));
    // one observation: the larger distance to a bound
    assertThat(Tpe.bandwidths(new double[] {0.2}, 0, 1)).containsExactly(new double[] {0.8}, within(1e-12));
    assertThat(Tpe.bandwidths(new double[0], 0, 1)).isEmpty();
  }

  private static Space space(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
    return Space.parse(m, "space");
  }

  @Test
  void anIntRangeWidensByHalfAStepAndALogRangeWorksInLogs() {
    Space s = space("x", Map.of("int", List.of(1, 10)), "y", Map.of("float", List.of(1.0, 1000.0), "log", true));
    Space.Num x = (Space.Num) s.dims().get(0);
    Space.Num y = (Space.Num) s.dims().get(1);
    assertThat(Tpe.lowBound(x)).isEqualTo(0.5);
    assertThat(Tpe.highBound(x)).isEqualTo(10.5);
    assertThat(Tpe.lowBound(y)).isEqualTo(0.0);
    assertThat(Tpe.highBound(y)).isCloseTo(Math.log(1000), within(1e-12));
    // optuna 5.1.0: sigmas [2, 4, 4] for x = 2, 7, 3 and [2.3026, 2.3026, 2.3026] for y = 1, 100, 10
    assertThat(Tpe.bandwidths(new double[] {2, 7, 3}, 0.5, 10.5)).containsExactly(new double[] {2, 4, 4}, within(1e-12));
    assertThat(Tpe.bandwidths(new double[] {0, Math.log(100), Math.log(10)}, 0, Math.log(1000))).containsExactly(new double[] {2.30258509, 2.30258509, 2.30258509}, within(1e-8));
  }

  @Test
  void theMixtureDensityMatchesOptunas() {
    Space s = space("x", Map.of("int", List.of(1, 10)), "y", Map.of("float", List.of(1.0, 1000.0), "log", true));
    Tpe tpe = new Tpe(s, false, 10, 24, true, false);
    List<double[]> obs = List.of(new double[] {2, 0}, new double[] {7, Math.log(100)}, new double[] {3, Math.log(10)});
    Tpe.Parzen pe = tpe.new Parzen(s.dims(), obs);
    // optuna 5.1.0 log_pdf at (x=2, y=3) and (x=5, y=500): discrete kernels for the int, log-normal for y
    assertThat(pe.logPdf(new double[] {2, Math.log(3)})).isCloseTo(-3.48674578, within(1e-7));
    assertThat(pe.logPdf(new double[] {5, Math.log(500)})).isCloseTo(-4.58709959, within(1e-7));
  }

  @Test
  void aLogIntRangeHasAMassPerValueOverItsCellInLogs() {
    Space s = space("n", Map.of("int", List.of(1, 64), "log", true));
    Space.Num n = (Space.Num) s.dims().get(0);
    assertThat(Tpe.discrete(n)).isTrue();
    assertThat(Tpe.lowBound(n)).isCloseTo(Math.log(0.5), within(1e-12));
    Tpe tpe = new Tpe(s, false, 10, 24, true, false);
    Tpe.Parzen pe = tpe.new Parzen(s.dims(), List.of(new double[] {0}, new double[] {Math.log(4)}, new double[] {Math.log(30)}));
    // optuna 5.1.0: log masses at 1, 4, 5 and 64
    double[] expected = {-1.43768847, -2.85342606, -3.10095158, -6.07509537};
    int[] at = {1, 4, 5, 64};
    for (int i = 0; i < at.length; i++) assertThat(pe.logPdf(new double[] {Math.log(at[i])})).as("n=" + at[i]).isCloseTo(expected[i], within(1e-7));
    // and the masses of all 64 values sum to one
    double total = 0;
    for (int v = 1; v <= 64; v++) total += Math.exp(pe.logPdf(new double[] {Math.log(v)}));
    assertThat(total).isCloseTo(1.0, within(1e-9));
  }

  @Test
  void erfcAgreesWithTheCLibraryInEveryBranch() {
    // Python's math.erfc (the C library's) at points in each of fdlibm's five ranges
    double[][] libm = {{-3.0, 1.9999779095030015}, {-1.0, 1.842700792949715}, {0.3, 0.6713732405408726}, {0.9, 0.20309178757716786}, {1.1, 0.11979493042591827},
        {2.0, 0.004677734981047265}, {3.5, 7.430983723414128e-07}, {5.0, 1.5374597944280351e-12}, {11.4676, 3.784877356384326e-59}, {22.6879, 7.016460621916239e-226}};
    for (double[] c : libm) assertThat(TruncNorm.erfc(c[0])).as("erfc(%s)", c[0]).isCloseTo(c[1], within(Math.abs(c[1]) * 4e-16));
    // and Hipparchus' on a fine grid, up to its own error in the far tail
    for (double x = -7; x <= 27.5; x += 0.0137) {
      double want = org.hipparchus.special.Erf.erfc(x);
      assertThat(TruncNorm.erfc(x)).as("erfc(%s)", x).isCloseTo(want, within(Math.max(1e-300, Math.abs(want) * (x < 6 ? 2e-14 : 1e-12))));
    }
    assertThat(TruncNorm.erfc(0)).isEqualTo(1.0);
    assertThat(TruncNorm.erfc(30)).isEqualTo(0.0);
    assertThat(TruncNorm.erfc(-30)).isEqualTo(2.0);
    assertThat(TruncNorm.erfc(1e-20)).isEqualTo(1.0);
  }
}
