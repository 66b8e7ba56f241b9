package dev.kiln.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EditDistanceTest {
  @Test
  void countsInsertionsDeletionsAndSubstitutions() {
    assertThat(EditDistance.between("kitten", "sitting")).isEqualTo(3);
    assertThat(EditDistance.between("logistic-regresion", "logistic-regression")).isEqualTo(1);
    assertThat(EditDistance.between("max-depht", "max-depth")).isEqualTo(2); // a swap is two edits
    assertThat(EditDistance.between("flaw", "lawn")).isEqualTo(2);
  }

  @Test
  void theEmptyStringIsTheOtherStringsLengthAway() {
    assertThat(EditDistance.between("", "abc")).isEqualTo(3);
    assertThat(EditDistance.between("abc", "")).isEqualTo(3);
    assertThat(EditDistance.between("", "")).isZero();
  }

  @Test
  void isSymmetricAndZeroOnlyForEqualStrings() {
    assertThat(EditDistance.between("trees", "tree")).isEqualTo(EditDistance.between("tree", "trees")).isEqualTo(1);
    assertThat(EditDistance.between("same", "same")).isZero();
    assertThat(EditDistance.between("Same", "same")).isEqualTo(1);
  }
}
