package dev.kiln.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StepTypeKeysTest {
  @Test
  void aComponentsYamlKeyIsItsKebabCase() {
    assertThat(StepType.yamlKey("oneHot")).isEqualTo("one-hot");
    assertThat(StepType.yamlKey("forgetToStoreIt")).isEqualTo("forget-to-store-it");
    assertThat(StepType.yamlKey("data")).isEqualTo("data");
  }

  @Test
  void keysOfAMappingParamAreItsKeysInOrderAndNoneOtherwise() {
    Map<String, Object> outputs = new LinkedHashMap<>();
    outputs.put("model", "out/model.bin");
    outputs.put("report", "out/r.html");
    assertThat(StepType.keysOf(Map.of("outputs", outputs), "outputs")).containsExactly("model", "report");
    assertThat(StepType.keysOf(Map.of("outputs", "not a map"), "outputs")).isEmpty();
    assertThat(StepType.keysOf(Map.of(), "outputs")).isEmpty();
  }
}
