package dev.kiln.engine.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.api.Artifact;
import dev.kiln.engine.json.Json;
import dev.kiln.registry.StepRunRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StepOutputsTest {
  static final Artifact MODEL = new Artifact("a".repeat(64), 120, "application/zip", "model.zip");
  static final Artifact REPORT = new Artifact("b".repeat(64), 7, "application/json", "report.json");

  static Map<String, Object> returned() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("model", MODEL);
    m.put("accuracy", 0.943);
    m.put("rows", 150L);
    m.put("ok", true);
    m.put("label", "species");
    m.put("none", null);
    m.put("reports", new ArrayList<>(List.of(REPORT)));
    m.put("by", new LinkedHashMap<>(Map.of("x", 1L)));
    return m;
  }

  static StepRunRecord recordWith(String outputsJson) {
    return StepRunRecord.of("r1", "train", "train", "kiln/command").started(1, 10L).succeeded(outputsJson, 20);
  }

  @Test
  void decodesWhatTheStoreKeepsInItsOrderByName() {
    StepOutputs o = StepOutputs.of(recordWith(Json.encodeOutputs(returned())));
    assertThat(o.asMap().keySet()).containsExactly("accuracy", "by", "label", "model", "none", "ok", "reports", "rows");
    assertThat(o.get("model")).isEqualTo(MODEL);
    assertThat(o.get("accuracy")).isEqualTo(0.943);
    assertThat(o.get("rows")).isEqualTo(150L);
    assertThat(o.get("ok")).isEqualTo(true);
    assertThat(o.get("none")).isNull();
    assertThat(o.get("missing")).isNull();
    assertThat(o.asMap()).isEqualTo(Json.decodeOutputs(Json.encodeOutputs(returned())));
  }

  @Test
  void roundTripsThroughTheStoresEncoding() {
    String json = Json.encodeOutputs(returned());
    StepOutputs o = StepOutputs.fromJson(json);
    assertThat(o.toJson()).isEqualTo(json);
    assertThat(StepOutputs.fromJson(o.toJson())).isEqualTo(o);
  }

  @Test
  void artifactsAreFoundByTheirPathAmongTheOutputs() {
    StepOutputs o = StepOutputs.of(returned());
    assertThat(o.asMap().keySet()).containsExactly("model", "accuracy", "rows", "ok", "label", "none", "reports", "by");
    assertThat(o.artifacts()).containsExactly(Map.entry("model", MODEL), Map.entry("reports[0]", REPORT));
    // as stored, only a top-level artifact is typed: one inside a list reads back as its fields
    assertThat(StepOutputs.fromJson(o.toJson()).artifacts()).containsExactly(Map.entry("model", MODEL));
  }

  @Test
  void isImmutableAllTheWayDown() {
    Map<String, Object> m = returned();
    StepOutputs o = StepOutputs.of(m);
    m.put("later", 1L);
    ((List<Object>) m.get("reports")).clear();
    assertThat(o.asMap()).doesNotContainKey("later");
    assertThat(o.get("reports")).isEqualTo(List.of(REPORT));
    assertThatThrownBy(() -> o.asMap().put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> ((List<Object>) o.get("reports")).add(1)).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> ((Map<Object, Object>) o.get("by")).put("y", 2L)).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> o.artifacts().clear()).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void aRecordWithoutOutputsHasNone() {
    StepRunRecord failed = StepRunRecord.of("r1", "train", "train", "kiln/command").started(1, 10L).ended(dev.kiln.registry.RunStatus.FAILED, 20, "boom");
    assertThat(StepOutputs.of(failed)).isSameAs(StepOutputs.NONE);
    assertThat(StepOutputs.NONE.isEmpty()).isTrue();
    assertThat(StepOutputs.NONE.artifacts()).isEmpty();
    assertThat(StepOutputs.fromJson(null)).isSameAs(StepOutputs.NONE);
    assertThat(StepOutputs.NONE.toJson()).isEqualTo("{}");
  }

  @Test
  void decodesARecordsOutputsOnceForAllItsReaders() {
    String json = Json.encodeOutputs(Map.of("n", 1L));
    StepOutputs first = StepOutputs.of(recordWith(json));
    assertThat(StepOutputs.of(recordWith(new String(json)))).isSameAs(first);
  }
}
