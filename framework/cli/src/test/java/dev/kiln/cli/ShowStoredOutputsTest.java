package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.registry.JdbcRunStore;
import dev.kiln.registry.RunRecord;
import dev.kiln.registry.RunStatus;
import dev.kiln.registry.StepRunRecord;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kiln show} renders a step's outputs exactly as the store keeps them: artifacts under
 * {@code "artifact"}, plain values as they are, nested values (an artifact inside a list included)
 * as stored. The expected text was produced by the renderer that decoded outputs at each call
 * site, before outputs were decoded once per record; the JSON is a documented, stable format.
 */
class ShowStoredOutputsTest {
  static final String SHA = "ab".repeat(32);
  static final String OUTPUTS = "{\"by\":{\"value\":{\"k\":[1,2.5,null]}},\"model\":{\"artifact\":{\"mediaType\":\"application/zip\",\"name\":\"model.zip\",\"sha256\":\"" + SHA
      + "\",\"size\":120}},\"none\":{\"value\":null},\"ok\":{\"value\":true},\"reports\":{\"value\":[{\"mediaType\":\"text/plain\",\"name\":\"r.txt\",\"sha256\":\"" + SHA
      + "\",\"size\":7}]},\"text\":{\"value\":\"line one\\nline two\"}}";

  @Test
  void showsStoredOutputsAsBefore(@TempDir Path home) throws Exception {
    try (JdbcRunStore store = JdbcRunStore.h2(home)) {
      String id = "20261202-101500-abcdef";
      store.createRun(RunRecord.pending(id, "p", "p.yaml", "name: p", "0".repeat(64), "{\"seed\":7}", 1000));
      StepRunRecord train = StepRunRecord.of(id, "train", "train", "kiln/command").started(1, 1100L).keyed("k1", "{}").succeeded(OUTPUTS, 1200);
      store.saveStepRun(train);
      store.saveStepRun(StepRunRecord.of(id, "again", "again", "kiln/command").started(1, 1300L).keyed("k1", "{}").cached(train, 1301));
      store.saveStepRun(StepRunRecord.of(id, "eval", "eval", "kiln/command").started(2, 1400L).keyed("k2", "{}").ended(RunStatus.FAILED, 1500, "exit 1"));
      Show show = new Show(store);
      String stepJson = "\"outputs\":{\"by\":{\"k\":[1,2.5,null]},\"model\":{\"artifact\":{\"mediaType\":\"application/zip\",\"name\":\"model.zip\",\"sha256\":\"" + SHA
          + "\",\"size\":120}},\"none\":null,\"ok\":true,\"reports\":[{\"mediaType\":\"text/plain\",\"name\":\"r.txt\",\"sha256\":\"" + SHA + "\",\"size\":7}],\"text\":\"line one\\nline two\"}";
      String json = show.json(id);
      assertThat(json).isEqualTo("{\"run_id\":\"" + id + "\",\"pipeline\":\"p\",\"file\":\"p.yaml\",\"status\":\"PENDING\",\"error\":null,\"created_at\":\"1970-01-01T00:00:01Z\",\"duration_ms\":null,\"params\":{\"seed\":7},\"steps\":["
          + "{\"id\":\"train\",\"step\":\"train\",\"uses\":\"kiln/command\",\"status\":\"SUCCEEDED\",\"cached\":false,\"cached_from\":null,\"attempt\":1,\"duration_ms\":100,\"cache_key\":\"k1\",\"error\":null," + stepJson + ",\"metrics\":{}},"
          + "{\"id\":\"again\",\"step\":\"again\",\"uses\":\"kiln/command\",\"status\":\"CACHED\",\"cached\":true,\"cached_from\":\"" + id + "\",\"attempt\":1,\"duration_ms\":1,\"cache_key\":\"k1\",\"error\":null," + stepJson + ",\"metrics\":{}},"
          + "{\"id\":\"eval\",\"step\":\"eval\",\"uses\":\"kiln/command\",\"status\":\"FAILED\",\"cached\":false,\"cached_from\":null,\"attempt\":2,\"duration_ms\":100,\"cache_key\":\"k2\",\"error\":\"exit 1\",\"outputs\":{},\"metrics\":{}}]}");
      StringWriter text = new StringWriter();
      show.text(id, new PrintWriter(text, true));
      assertThat(text.toString().lines()).containsExactly(
          "run       " + id,
          "pipeline  p (p.yaml)",
          "status    PENDING",
          "created   1970-01-01T00:00:01Z",
          "params    {\"seed\":7}",
          "",
          "STEP                     USES               STATUS         TIME  OUTPUTS / ERROR",
          "train                    kiln/command       SUCCEEDED     100ms  by={k=[1, 2.5, null]}, model=sha256:abababababab (120 B), none=null, ok=true, reports=[{mediaType=text/plain, name=r.txt, s..., text=line one line two",
          "again                    kiln/command       CACHED          1ms  by={k=[1, 2.5, null]}, model=sha256:abababababab (120 B), none=null, ok=true, reports=[{mediaType=text/plain, name=r.txt, s..., text=line one line two",
          "eval                     kiln/command       FAILED        100ms  exit 1");
    }
  }
}
