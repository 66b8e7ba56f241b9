package dev.kiln.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class StatsTest {
  static boolean[] bools(String s) {
    boolean[] b = new boolean[s.length()];
    for (int i = 0; i < b.length; i++) b[i] = s.charAt(i) == '1';
    return b;
  }

  @Test
  void mcnemarCountsDiscordantPairsAndGivesTheExactOneSidedP() {
    // champion right on all 8, candidate wrong on 5 of them: P(X >= 5 | n = 5, 1/2) = 1/32
    Stats.McNemar m = Stats.mcnemar(bools("11111111"), bools("00000111"));
    assertThat(m.worse()).isEqualTo(5);
    assertThat(m.better()).isZero();
    assertThat(m.p()).isCloseTo(1.0 / 32, within(1e-12));
    // 3 each way: P(X >= 3 | n = 6, 1/2) = (20 + 15 + 6 + 1) / 64
    Stats.McNemar even = Stats.mcnemar(bools("111000"), bools("000111"));
    assertThat(even).extracting(Stats.McNemar::worse, Stats.McNemar::better).containsExactly(3, 3);
    assertThat(even.p()).isCloseTo(42.0 / 64, within(1e-12));
  }

  @Test
  void mcnemarOfACandidateNeverWorseIsOne() {
    assertThat(Stats.mcnemar(bools("0101"), bools("1111")).p()).isEqualTo(1.0);
    assertThat(Stats.mcnemar(bools("0101"), bools("0101")).p()).isEqualTo(1.0);
  }

  @Test
  void mcnemarRefusesUnpairedOutcomes() {
    assertThatThrownBy(() -> Stats.mcnemar(bools("01"), bools("011")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("paired outcomes differ in length");
  }

  @Test
  void bootstrapOfAConstantDifferenceIsThatDifference() {
    double[] actual = {0, 0, 0, 0};
    Stats.Bootstrap b = Stats.bootstrapMse(actual, new double[] {1, 1, -1, 1}, new double[] {0, 0, 0, 0}, 200, 0.05, 1);
    assertThat(b.difference()).isEqualTo(1.0);
    assertThat(b.lower()).isEqualTo(1.0);
    assertThat(b.upper()).isEqualTo(1.0);
    assertThat(b.resamples()).isEqualTo(200);
  }

  @Test
  void bootstrapBracketsTheObservedDifferenceAndIsDeterministicWithItsSeed() {
    double[] actual = IntStream.range(0, 200).mapToDouble(i -> i % 10).toArray();
    double[] candidate = IntStream.range(0, 200).mapToDouble(i -> (i % 10) + ((i * 7) % 5 - 2) * 0.5).toArray();
    double[] champion = IntStream.range(0, 200).mapToDouble(i -> (i % 10) + ((i * 3) % 5 - 2) * 0.3).toArray();
    Stats.Bootstrap a = Stats.bootstrapMse(actual, candidate, champion, 1000, 0.05, 42);
    // errors: candidate (-1, -0.5, 0, 0.5, 1) -> mean square 0.5; champion (-0.6 ... 0.6) -> 0.18
    assertThat(a.difference()).isCloseTo(0.5 - 0.18, within(1e-9));
    assertThat(a.lower()).isLessThan(a.difference()).isGreaterThan(0);
    assertThat(a.upper()).isGreaterThan(a.difference());
    assertThat(Stats.bootstrapMse(actual, candidate, champion, 1000, 0.05, 42)).isEqualTo(a);
    assertThat(Stats.bootstrapMse(actual, candidate, champion, 1000, 0.05, 43).lower()).isNotEqualTo(a.lower());
  }

  @Test
  void psiOfTheSameDistributionIsZero() {
    double[] x = IntStream.range(0, 100).mapToDouble(i -> i).toArray();
    assertThat(Stats.psi(x, x.clone(), 10)).isZero();
    assertThat(Stats.psi(new String[] {"a", "b", null}, new String[] {"b", null, "a"})).isZero();
  }

  @Test
  void psiOfEverythingInOneQuartileMatchesTheFormula() {
    double[] expected = IntStream.range(0, 100).mapToDouble(i -> i).toArray();
    // quartile bins of 0..99 cut at 25, 50, 75; all of actual falls in the first; empty bins count as 1e-4
    double psi = Stats.psi(expected, new double[] {10, 11, 12}, 4);
    double want = 0.75 * Math.log(4) + 3 * (1e-4 - 0.25) * Math.log(1e-4 / 0.25);
    assertThat(psi).isCloseTo(want, within(1e-12)).isCloseTo(6.905408, within(1e-6));
  }

  @Test
  void aValueOnACutBelongsToTheBinAboveIt() {
    // two bins of {0, 1, 1, 1} cut at 1: [0] below, [1, 1, 1] above
    double[] expected = {0, 1, 1, 1};
    double above = Stats.psi(expected, new double[] {2}, 2);
    double below = Stats.psi(expected, new double[] {0.5}, 2);
    assertThat(above).isNotEqualTo(below);
    assertThat(Stats.psi(expected, new double[] {1}, 2)).isEqualTo(above);
    assertThat(above).isCloseTo((1e-4 - 0.25) * Math.log(1e-4 / 0.25) + 0.25 * Math.log(1 / 0.75), within(1e-12));
  }

  @Test
  void missingValuesAreABinOfTheirOwn() {
    double[] expected = {1, 2, 3, 4};
    assertThat(Stats.psi(expected, new double[] {Double.NaN, Double.NaN}, 2)).isGreaterThan(1);
    assertThat(Stats.psi(new double[] {1, Double.NaN}, new double[] {Double.NaN, 1}, 2)).isZero();
  }

  @Test
  void categoricalPsiMatchesTheFormula() {
    double psi = Stats.psi(new String[] {"a", "a", "b", "b"}, new String[] {"a", "a", "a", "b"});
    assertThat(psi).isCloseTo(0.25 * Math.log(1.5) + 0.25 * Math.log(2), within(1e-12));
    // a category only one side has counts as 1e-4 on the other
    assertThat(Stats.psi(new String[] {"a"}, new String[] {"b"})).isCloseTo(2 * (1 - 1e-4) * Math.log(1 / 1e-4), within(1e-9));
  }

  @Test
  void anEmptySideHasNoShift() {
    assertThat(Stats.psi(new double[] {}, new double[] {1, 2}, 4)).isZero();
    assertThat(Stats.psi(new String[] {"a"}, new String[] {})).isZero();
  }
}
