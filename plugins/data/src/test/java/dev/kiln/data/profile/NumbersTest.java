package dev.kiln.data.profile;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NumbersTest {
  @Test
  void numbersAreWrittenShortAndWithoutExponentsInTheUsualRange() {
    assertThat(Numbers.compact(145100.52)).isEqualTo("145100.5");
    assertThat(Numbers.compact(321995.0)).isEqualTo("321995");
    assertThat(Numbers.compact(3.14159)).isEqualTo("3.142");
    assertThat(Numbers.compact(0.5)).isEqualTo("0.5");
    assertThat(Numbers.compact(0.0001234)).isEqualTo("1.234e-04");
    assertThat(Numbers.compact(2.5e10)).isEqualTo("25000000000");
    assertThat(Numbers.compact(2.55e10)).isEqualTo("25500000000");
    assertThat(Numbers.compact(2.5e10 + 0.5)).isEqualTo("2.500e+10");
    assertThat(Numbers.compact((Double) null)).isEmpty();
  }

  @Test
  void ticksAreRoundNumbersInsideTheRange() {
    assertThat(Numbers.ticks(0.17, 71, 6)).containsExactly(10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0);
    assertThat(Numbers.ticks(0, 1, 5)).containsExactly(0.0, 0.2, 0.4, 0.6000000000000001, 0.8, 1.0);
    assertThat(Numbers.ticks(3, 3, 5)).isEmpty();
  }
}
