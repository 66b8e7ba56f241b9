package dev.kiln.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ThresholdTest {
  @Test
  void parsesAnOperatorAndANumberWithSpacesSignsAndExponents() {
    assertThat(Threshold.parse(">= 0.80")).isEqualTo(new Threshold(">=", 0.8));
    assertThat(Threshold.parse("  <-1e-3 ")).isEqualTo(new Threshold("<", -0.001));
    assertThat(Threshold.parse(">.5")).isEqualTo(new Threshold(">", 0.5));
    assertThat(Threshold.parse("<= +2.")).isEqualTo(new Threshold("<=", 2.0));
  }

  @Test
  void anythingElseIsNotAThreshold() {
    assertThat(Threshold.parse(null)).isNull();
    assertThat(Threshold.parse("0.8")).isNull();
    assertThat(Threshold.parse("=> 0.8")).isNull();
    assertThat(Threshold.parse("== 0.8")).isNull();
    assertThat(Threshold.parse(">= 0.8 or so")).isNull();
    assertThat(Threshold.parse(">= ")).isNull();
  }

  @Test
  void theBoundaryIsInsideOnlyForTheInclusiveOperators() {
    assertThat(Threshold.parse(">= 0.8").test(0.8)).isTrue();
    assertThat(Threshold.parse("> 0.8").test(0.8)).isFalse();
    assertThat(Threshold.parse("> 0.8").test(0.8000001)).isTrue();
    assertThat(Threshold.parse("<= 0.1").test(0.1)).isTrue();
    assertThat(Threshold.parse("< 0.1").test(0.1)).isFalse();
    assertThat(Threshold.parse("< 0.1").test(0.0999)).isTrue();
    assertThat(Threshold.parse(">= 0.8").test(Double.NaN)).isFalse();
  }

  @Test
  void printsAsItIsWrittenInAReport() {
    assertThat(Threshold.parse(">=0.80")).hasToString(">= 0.8");
    assertThat(Threshold.parse("< -1e-3")).hasToString("< -0.001");
  }
}
