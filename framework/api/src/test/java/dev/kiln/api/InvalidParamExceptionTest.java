package dev.kiln.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class InvalidParamExceptionTest {
  @Test
  void carriesTheParamWhereToPointTheMessageAndTheHint() {
    InvalidParamException e = new InvalidParamException("hyperparameters.max-depth", true, "unknown hyperparameter \"max-depht\"", "did you mean \"max-depth\"?");
    assertThat(e.param()).isEqualTo("hyperparameters.max-depth");
    assertThat(e.atKey()).isTrue();
    assertThat(e).hasMessage("unknown hyperparameter \"max-depht\"");
    assertThat(e.hint()).isEqualTo("did you mean \"max-depth\"?");
  }

  @Test
  void isAnIllegalArgumentSoARecordConstructorMayThrowIt() {
    assertThat(new InvalidParamException("name", false, "bad", null)).isInstanceOf(IllegalArgumentException.class).hasNoCause();
    assertThat(new InvalidParamException("name", false, "bad", null).hint()).isNull();
  }
}
