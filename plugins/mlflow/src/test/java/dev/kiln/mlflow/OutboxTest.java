package dev.kiln.mlflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutboxTest {
  @TempDir Path home;

  @Test
  void eventsAreNumberedAndATornLastLineIsIgnored() throws Exception {
    Outbox o = Outbox.open(home, "r1", "http://127.0.0.1:1");
    o.append(Outbox.JSON.createObjectNode().put("type", "tags").put("key", ""));
    o.append(Outbox.JSON.createObjectNode().put("type", "close").put("key", ""));
    Files.writeString(o.dir().resolve("events.jsonl"), "{\"seq\":3,\"type\":\"ta", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    assertThat(Outbox.read(o.dir(), 0)).extracting(n -> n.get("seq").asLong()).containsExactly(1L, 2L);
    assertThat(Outbox.read(o.dir(), 1)).hasSize(1);
    // reopening (a resumed run) continues the numbering
    assertThat(Outbox.open(home, "r1", "http://127.0.0.1:1").lastSeq()).isEqualTo(2);
    assertThat(Outbox.runs(home)).containsExactly(o.dir());
  }

  @Test
  void paramsFlattenWithDottedKeysAndLongValuesAreCutWithAHash() {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("objective", Map.of("metric", "auc"));
    p.put("space", Map.of("trees", Map.of("int", List.of(5, 40))));
    p.put("empty", Map.of());
    p.put("rate", 0.5);
    Map<String, String> flat = new LinkedHashMap<>();
    MlflowTracker.flatten("", p, flat);
    assertThat(flat).containsEntry("objective.metric", "auc").containsEntry("space.trees.int", "[5,40]").containsEntry("empty", "{}").containsEntry("rate", "0.5");

    String longKey = "k".repeat(300);
    assertThat(MlflowTracker.limitKey(longKey)).hasSize(MlflowTracker.MAX_KEY).isNotEqualTo(MlflowTracker.limitKey("k".repeat(299) + "j"));
    assertThat(MlflowTracker.limitTag("v".repeat(9000))).hasSize(MlflowTracker.MAX_TAG_VALUE).contains("...#");
    assertThat(MlflowTracker.metricKey("cv.auc(macro)")).isEqualTo("cv.auc_macro_");
    assertThat(MlflowTracker.nameKey("impute.*")).isEqualTo("impute._");
    assertThat(MlflowTracker.status("CACHED")).isEqualTo("FINISHED");
    assertThat(MlflowTracker.status("CANCELLED")).isEqualTo("KILLED");
    assertThat(MlflowApi.proxiedPath("mlflow-artifacts:/3/abc/artifacts")).isEqualTo("3/abc/artifacts");
    assertThat(MlflowApi.proxiedPath("mlflow-artifacts://host:5000/3/abc/artifacts")).isEqualTo("3/abc/artifacts");
  }

  @Test
  void withoutATrackingUriNothingIsTracked() {
    assertThat(new MlflowTracker().open(new dev.kiln.api.Tracker.TrackedRun("r", "p", "p.yaml", "", Map.of(), null, Map.of(), 0, false, home, home, Map.of()))).isNull();
  }
}
