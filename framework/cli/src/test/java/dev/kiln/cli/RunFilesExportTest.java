package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.api.Artifact;
import dev.kiln.engine.home.KilnHome;
import dev.kiln.engine.json.Json;
import dev.kiln.registry.RunRecord;
import dev.kiln.registry.StepRunRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kiln run --export STEP.OUTPUT=PATH} copies a stored output artifact, found by its path among the step's outputs. */
class RunFilesExportTest {
  @Test
  void exportsAnOutputArtifactAndNamesTheArtifactsThereAreWhenAskedForAnother(@TempDir Path dir) throws Exception {
    KilnHome home = new KilnHome(dir.resolve("home"), Map.of());
    try {
      Path file = Files.writeString(dir.resolve("model.bin"), "weights");
      Artifact model = home.artifacts().put(file, "application/octet-stream");
      String id = "20261202-101700-abcdef";
      home.store().createRun(RunRecord.pending(id, "p", "p.yaml", "name: p", "0".repeat(64), "{}", 1000));
      Map<String, Object> outputs = new LinkedHashMap<>();
      outputs.put("model", model);
      outputs.put("rows", 3L);
      home.store().saveStepRun(StepRunRecord.of(id, "train", "train", "kiln/command").started(1, 1100L).keyed("k", "{}").succeeded(Json.encodeOutputs(outputs), 1200));
      Path cwd = dir.resolve("work");

      List<String> lines = RunFiles.write(home, id, RunFiles.exports(List.of("train.model=out/m.bin"), cwd), null, cwd);
      assertThat(cwd.resolve("out/m.bin")).hasContent("weights");
      assertThat(lines).containsExactly("exported train.model -> out/m.bin (sha256 " + model.sha256().substring(0, 12) + ")");

      assertThatThrownBy(() -> RunFiles.write(home, id, RunFiles.exports(List.of("train.rows=out/rows"), cwd), null, cwd))
          .hasMessage("--export train.rows: step train has no artifact output \"rows\"; its artifacts: model");
    } finally {
      home.close();
    }
  }
}
