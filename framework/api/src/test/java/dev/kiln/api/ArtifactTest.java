package dev.kiln.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ArtifactTest {
  static final String SHA = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

  @Test
  void itsIdentityIsItsContentHash() {
    Artifact a = new Artifact(SHA, 3, "text/plain", "abc.txt");
    assertThat(a.uri()).isEqualTo("kiln-artifact:sha256:" + SHA);
    Artifact unnamed = new Artifact(SHA, 3, null, null);
    assertThat(unnamed.mediaType()).isEqualTo("application/octet-stream");
    assertThat(unnamed.name()).isEqualTo(SHA);
  }

  @Test
  void refusesAHashThatIsNotLowerCaseSha256Hex() {
    assertThatThrownBy(() -> new Artifact(SHA.toUpperCase(), 3, null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("sha256 must be 64 lowercase hex digits, found " + SHA.toUpperCase());
    assertThatThrownBy(() -> new Artifact("abc", 3, null, null)).hasMessage("sha256 must be 64 lowercase hex digits, found abc");
    assertThatThrownBy(() -> new Artifact(null, 3, null, null)).isInstanceOf(NullPointerException.class).hasMessage("sha256");
  }

  @Test
  void refusesANegativeSize() {
    assertThatThrownBy(() -> new Artifact(SHA, -1, null, null)).hasMessage("size must be >= 0, found -1");
  }
}
