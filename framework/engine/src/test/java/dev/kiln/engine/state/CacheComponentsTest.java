package dev.kiln.engine.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.engine.cache.CacheKey;
import dev.kiln.registry.RunStatus;
import dev.kiln.registry.StepRunRecord;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CacheComponentsTest {
  @Test
  void readsBackWhatTheCacheKeyWasComputedFrom() {
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("epochs", 3L);
    params.put("token", "***");
    CacheKey key = CacheKey.of("kiln/command", "impl-1", params, Map.of("file:data/iris.csv", "sha256:ab", "dvc:data/x.csv", "dvc:md5:cd"), Map.of("HOME", "/h"));
    StepRunRecord r = StepRunRecord.of("r1", "train", "train", "kiln/command").started(1, 1L).keyed(key.digest(), key.componentsJson());
    CacheComponents c = CacheComponents.of(r).orElseThrow();
    assertThat(c.step()).isEqualTo("kiln/command");
    assertThat(c.implementation()).isEqualTo("impl-1");
    assertThat(c.paramsMap()).containsExactly(Map.entry("epochs", 3L), Map.entry("token", "***"));
    assertThat(c.inputs()).containsExactly(Map.entry("dvc:data/x.csv", "dvc:md5:cd"), Map.entry("file:data/iris.csv", "sha256:ab"));
    assertThat(c.env()).containsExactly(Map.entry("HOME", "/h"));
  }

  @Test
  void aStepWithoutACacheKeyHasNoComponents() {
    StepRunRecord skipped = StepRunRecord.of("r1", "b", "b", "kiln/command").started(1, 1L).ended(RunStatus.SKIPPED, 1, "skipped because a failed");
    assertThat(CacheComponents.of(skipped)).isEmpty();
  }

  @Test
  void paramsThatAreNotAnObjectGiveNoParamsMap() {
    CacheComponents c = CacheComponents.fromJson("{\"step\":\"s\",\"implementation\":\"i\",\"params\":null,\"inputs\":{},\"env\":{}}");
    assertThat(c.params()).isNull();
    assertThat(c.paramsMap()).isEmpty();
    assertThat(c.inputs()).isEmpty();
  }
}
