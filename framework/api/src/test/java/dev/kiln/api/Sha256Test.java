package dev.kiln.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.junit.jupiter.api.Test;

class Sha256Test {
  @Test
  void matchesTheStandardTestVectorsInLowerCaseHex() {
    assertThat(Sha256.hex("abc".getBytes(StandardCharsets.US_ASCII))).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assertThat(Sha256.hex(new byte[0])).isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  }

  @Test
  void aDigestFedInPartsGivesTheSameHexAsTheWhole() {
    byte[] all = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".getBytes(StandardCharsets.US_ASCII);
    MessageDigest md = Sha256.digest();
    md.update(all, 0, 10);
    md.update(all, 10, all.length - 10);
    assertThat(Sha256.hex(md)).isEqualTo(Sha256.hex(all)).isEqualTo("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  }

  @Test
  void eachDigestIsFresh() {
    MessageDigest a = Sha256.digest();
    a.update((byte) 1);
    assertThat(Sha256.hex(Sha256.digest())).isEqualTo(Sha256.hex(new byte[0]));
  }
}
