package dev.kiln.engine.resolve;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecretMaskTest {
  @Test
  void masksEveryOccurrenceOfEveryKnownSecret() {
    SecretMask m = new SecretMask();
    assertThat(m.any()).isFalse();
    assertThat(m.mask("tok-1 and tok-2")).isEqualTo("tok-1 and tok-2");
    m.add("tok-1");
    m.add("tok-2");
    assertThat(m.any()).isTrue();
    assertThat(m.mask("tok-1 and tok-2, tok-1")).isEqualTo("*** and ***, ***");
    assertThat(m.mask(null)).isNull();
  }

  @Test
  void anEmptySecretMasksNothing() {
    SecretMask m = new SecretMask();
    m.add("");
    assertThat(m.any()).isFalse();
    assertThat(m.mask("text")).isEqualTo("text");
  }

  @Test
  void valueTreesKeepTheirOrderOrAreSortedForACanonicalForm() {
    SecretMask m = new SecretMask();
    m.add("s3cr3t");
    Map<String, Object> tree = new LinkedHashMap<>();
    tree.put("z", "x s3cr3t");
    tree.put("a", List.of("s3cr3t", 7L));
    tree.put("key-s3cr3t", true);
    Map<String, Object> shown = m.maskValues(tree);
    assertThat(List.copyOf(shown.keySet())).isEqualTo(List.of("z", "a", "key-***"));
    assertThat(shown.get("z")).isEqualTo("x ***");
    assertThat(shown.get("a")).isEqualTo(List.of("***", 7L));
    assertThat(List.copyOf(((Map<?, ?>) m.maskSorted(tree)).keySet())).isEqualTo(List.of("a", "key-s3cr3t", "z"));
    assertThat(((Map<?, ?>) m.maskSorted(tree)).get("z")).isEqualTo("x ***");
  }

  @Test
  void aSecretThatContainsAnotherIsMaskedWhole() {
    SecretMask m = new SecretMask();
    m.add("abc");
    m.add("abcdef");
    assertThat(m.mask("x abcdef y abc")).isEqualTo("x *** y ***");
  }

  @Test
  void aMultiLineSecretIsMaskedLineByLineToo() {
    SecretMask m = new SecretMask();
    m.add("-----BEGIN KEY-----\nMIIEpAIBAAKCAQEA1\nzq9f\n}\n-----END KEY-----");
    assertThat(m.mask("log: MIIEpAIBAAKCAQEA1")).isEqualTo("log: ***");
    assertThat(m.mask("  zq9f")).isEqualTo("  ***");
    assertThat(m.mask("a } stays")).isEqualTo("a } stays");
  }
}
