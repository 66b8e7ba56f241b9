package dev.kiln.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.api.Artifact;
import dev.kiln.api.InvalidInput;
import dev.kiln.api.StepResult;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kiln/validate, kiln/register and kiln/export on models of a runtime that is not Tribuo's (a
 * threshold on one number, defined in the test): the gate needs nothing but the api's ModelRuntime.
 */
class GateWithAnyRuntimeTest {
  @TempDir Path dir;
  FakeRuntime runtime;
  FakeContext ctx;
  Artifact holdout;
  Artifact trainData;

  /** Ten rows, x = 0.05 .. 0.95, y = yes when x > 0.5: a threshold of 0.5 gets all right, 0.8 gets 7. */
  static String rows(double shift) {
    StringBuilder b = new StringBuilder("x,y\n");
    for (int i = 0; i < 10; i++) {
      double x = 0.05 + i / 10.0 + shift;
      b.append(x).append(',').append(x > 0.5 ? "yes" : "no").append('\n');
    }
    return b.toString();
  }

  @BeforeEach
  void store() throws Exception {
    runtime = new FakeRuntime();
    ctx = new FakeContext(dir, runtime);
    holdout = ctx.put("holdout.csv", rows(0), "text/csv");
    trainData = ctx.put("train.csv", rows(0), "text/csv");
  }

  Artifact model(double threshold, Artifact trainedOn) throws Exception {
    return ctx.put("model-" + threshold + ".txt", FakeRuntime.model(threshold, trainedOn.sha256()), FakeRuntime.MEDIA_TYPE);
  }

  static ValidateStep.Params validate(Artifact model, Artifact data, Map<String, String> require, ValidateStep.AgainstChampion against, ValidateStep.Compare compare,
      ValidateStep.DataCheck dataCheck) {
    return new ValidateStep.Params(model, data, "thr", null, require, against, compare, dataCheck);
  }

  @Test
  void withoutAChampionTheCandidateIsJudgedOnItsThresholdsAndTheVerdictStored() throws Exception {
    Artifact candidate = model(0.5, trainData);
    StepResult r = new ValidateStep().execute(validate(candidate, holdout, Map.of("accuracy", ">= 0.9"), new ValidateStep.AgainstChampion("accuracy", null, null), null, null), ctx);
    assertThat(r.outputs()).containsEntry("blessed", true).containsEntry("failed", List.of()).containsEntry("champion-version", 0);
    assertThat(r.metrics()).containsEntry("candidate.accuracy", 1.0);
    Map<String, Object> verdict = ctx.verdicts.get(candidate.sha256());
    assertThat(verdict).containsEntry("blessed", true).containsEntry("holdout", Map.of("sha256", holdout.sha256(), "rows", 10));
    JsonNode report = ExportStep.JSON.readTree(Files.readAllBytes(ctx.open((Artifact) r.outputs().get("report"))));
    assertThat(report.path("checks").findValuesAsText("status")).containsExactly("passed", "skipped");
    assertThat(ctx.log).contains("PASS accuracy = 1.000 (>= 0.9)", "BLESSED: thr candidate " + candidate.sha256().substring(0, 12));

    StepResult worse = new ValidateStep().execute(validate(model(0.8, trainData), holdout, Map.of("accuracy", ">= 0.9"), null, null, null), ctx);
    assertThat(worse.outputs()).containsEntry("blessed", false).containsEntry("failed", List.of("accuracy"));
  }

  @Test
  void againstAChampionTheGateComparesMetricsRowsAndTrainingData() throws Exception {
    ctx.champion("thr", model(0.8, trainData), "champion");
    Artifact shiftedData = ctx.put("train-shifted.csv", rows(0.6), "text/csv");
    Artifact candidate = model(0.5, shiftedData);
    StepResult r = new ValidateStep().execute(validate(candidate, holdout, Map.of(), new ValidateStep.AgainstChampion("accuracy", 0.2, null),
        new ValidateStep.Compare(null, null, null), new ValidateStep.DataCheck(null, null, null)), ctx);
    assertThat(r.metrics()).containsEntry("candidate.accuracy", 1.0).containsEntry("champion.accuracy", 0.7);
    assertThat(r.outputs()).containsEntry("champion-version", 1).containsEntry("blessed", false).containsEntry("failed", List.of("data.psi.x"));
    assertThat(ctx.log).anyMatch(l -> l.startsWith("PASS against-champion.accuracy = 0.3000 (change >= 0.2000): accuracy 1.000 vs 0.7000 for version 1"));
    assertThat(ctx.log).contains("PASS compare.mcnemar = 1.000 (p >= 0.05000 (not significantly worse)): 0 rows only the champion got right, 3 only the candidate");
    assertThat(ctx.log).contains("PASS data.schema = 0.000 (no column added, removed or retyped): same 1 input columns");
    assertThat(ctx.log).anyMatch(l -> l.startsWith("FAIL data.psi.x = ") && l.endsWith("(<= 0.2500)"));

    // the champion against itself as a challenger: no improvement, same data
    Artifact again = model(0.8, trainData);
    StepResult same = new ValidateStep().execute(validate(again, holdout, Map.of(), new ValidateStep.AgainstChampion("accuracy", 0.01, null), null,
        new ValidateStep.DataCheck(null, null, null)), ctx);
    assertThat(same.outputs()).containsEntry("failed", List.of("against-champion.accuracy"));
  }

  @Test
  void aMetricTheModelDoesNotHaveIsInvalidInputNamingTheOnesItHas() throws Exception {
    assertThatThrownBy(() -> new ValidateStep().execute(validate(model(0.5, trainData), holdout, Map.of("auc", ">= 0.9"), null, null, null), ctx))
        .isInstanceOf(InvalidInput.class)
        .hasMessage("kiln/validate: no metric \"auc\" for a classification model\n  hint: metrics of this model: accuracy, balanced-accuracy, f1-macro, precision-macro, recall-macro");
  }

  @Test
  void aChampionWithoutTheComparedMetricIsInvalidInput() throws Exception {
    FakeRuntime other = new FakeRuntime("application/x-kiln-test-other");
    other.accuracy = false;
    ctx = new FakeContext(dir, runtime, other);
    Artifact champion = ctx.put("champion.txt", FakeRuntime.model(0.8, trainData.sha256()), "application/x-kiln-test-other");
    ctx.champion("thr", champion, "champion");
    assertThatThrownBy(() -> new ValidateStep().execute(validate(model(0.5, trainData), holdout, Map.of(), new ValidateStep.AgainstChampion("accuracy", null, null), null, null), ctx))
        .isInstanceOf(InvalidInput.class)
        .hasMessage("kiln/validate: against-champion: the champion (version 1) has no metric \"accuracy\" on the holdout\n  hint: compare on a metric both models have: error-rate");
  }

  @Test
  void aPairedTestNeedsPerRowOutcomesFromTheRuntime() throws Exception {
    ctx.champion("thr", model(0.8, trainData), "champion");
    runtime.perRow = false;
    assertThatThrownBy(() -> new ValidateStep().execute(validate(model(0.5, trainData), holdout, Map.of(), null, new ValidateStep.Compare("mcnemar", null, null), null), ctx))
        .isInstanceOf(InvalidInput.class)
        .hasMessage("kiln/validate: compare: the model runtime of the champion gave no per-row correct values, which the paired test needs"
            + "\n  hint: drop compare: for this model, or judge it with require: and against-champion:");
  }

  @Test
  void aDataCheckNeedsARuntimeThatReadsDatasets() throws Exception {
    ctx.champion("thr", model(0.8, trainData), "champion");
    runtime.readsData = false;
    assertThatThrownBy(() -> new ValidateStep().execute(validate(model(0.5, trainData), holdout, Map.of(), null, null, new ValidateStep.DataCheck(null, null, null)), ctx))
        .isInstanceOf(InvalidInput.class)
        .hasMessage("train.csv: this model runtime (FakeRuntime) cannot read datasets"
            + "\n  hint: the data check needs the runtime of the model's framework to read its training data; drop data-check: for this model");
  }

  @Test
  void registerStoresTheTypedCardOnceperArtifact() throws Exception {
    Artifact candidate = model(0.5, trainData);
    StepResult r = new RegisterStep().execute(new RegisterStep.Params(candidate, "thr", "first"), ctx);
    assertThat(r.outputs()).containsEntry("version", 1).containsEntry("uri", "models:/thr/1").containsEntry("name", "thr");
    assertThat(ctx.cards.get("thr:1").framework().name()).isEqualTo("fake");
    assertThat(ctx.cards.get("thr:1").metrics()).containsEntry("train.accuracy", 1.0);
    assertThat(new RegisterStep().execute(new RegisterStep.Params(candidate, "thr", null), ctx).outputs()).containsEntry("version", 1);
  }

  @Test
  void aModelFileOfUnknownMediaTypeGoesToTheRuntimeThatReadsItsCard() throws Exception {
    Artifact file = ctx.put("model.bin", FakeRuntime.model(0.5, trainData.sha256()), "application/octet-stream");
    assertThat(new RegisterStep().execute(new RegisterStep.Params(file, "thr", null), ctx).outputs()).containsEntry("version", 1);
    Artifact junk = ctx.put("junk.bin", "hello", "application/octet-stream");
    assertThatThrownBy(() -> new RegisterStep().execute(new RegisterStep.Params(junk, "thr", null), ctx))
        .isInstanceOf(InvalidInput.class)
        .hasMessage("junk.bin: no installed model runtime can read this file as a model"
            + "\n  hint: pass the model output of a training step (e.g. tribuo/train's model); `kiln plugins` lists the installed plugins");
    Artifact csv = ctx.put("data.csv", "x,y\n", "text/csv");
    assertThatThrownBy(() -> new ValidateStep().execute(validate(csv, holdout, Map.of("accuracy", ">= 0.9"), null, null, null), ctx))
        .isInstanceOf(InvalidInput.class)
        .hasMessage("data.csv: a text/csv is not a model any installed plugin loads"
            + "\n  hint: pass the model output of a training step (e.g. tribuo/train's model); `kiln plugins` lists the installed plugins");
  }

  @Test
  void exportWritesTheRuntimesFilesAndSaysWhyThereIsNoOnnx() throws Exception {
    Artifact candidate = model(0.5, trainData);
    StepResult r = new ExportStep().execute(new ExportStep.Params(candidate, null, null), ctx);
    assertThat(r.outputs()).containsEntry("onnx-exported", false).containsEntry("files", List.of("model.txt", "README.md", "kiln-export.json"));
    Map<String, byte[]> files = unzip(ctx.open((Artifact) r.outputs().get("bundle")));
    assertThat(new String(files.get("model.txt"), StandardCharsets.UTF_8)).isEqualTo(FakeRuntime.model(0.5, trainData.sha256()));
    JsonNode manifest = ExportStep.JSON.readTree(files.get("kiln-export.json"));
    assertThat(manifest.path("name").asText()).isEqualTo("threshold");
    assertThat(manifest.path("model-media-type").asText()).isEqualTo(FakeRuntime.MEDIA_TYPE);
    assertThat(manifest.path("task").asText()).isEqualTo("classification");
    assertThat(manifest.path("labels").toString()).isEqualTo("[\"no\",\"yes\"]");
    assertThat(manifest.path("inputs").toString()).isEqualTo("[{\"name\":\"x\",\"type\":\"numeric\"}]");
    assertThat(manifest.path("onnx").path("reason").asText()).isEqualTo("the model runtime of fake models cannot export ONNX");
    assertThat(manifest.path("files").path("model.txt").asText()).isEqualTo(candidate.sha256());
    assertThat(new String(files.get("README.md"), StandardCharsets.UTF_8)).contains("Algorithm: threshold, task: classification, target: y.\n\n- `model.txt`: the threshold.\n");
    assertThat(ctx.log).contains("no ONNX in the bundle: the model runtime of fake models cannot export ONNX");

    assertThatThrownBy(() -> new ExportStep().execute(new ExportStep.Params(candidate, "thr", "required"), ctx))
        .isInstanceOf(InvalidInput.class)
        .hasMessage("model-0.5.txt: onnx: required, but the model runtime of fake models cannot export ONNX"
            + "\n  hint: train an exportable algorithm, or set onnx: auto to ship the bundle without ONNX");
  }

  static Map<String, byte[]> unzip(Path zip) throws Exception {
    Map<String, byte[]> out = new LinkedHashMap<>();
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(Files.readAllBytes(zip)))) {
      for (ZipEntry e; (e = in.getNextEntry()) != null; ) out.put(e.getName(), in.readAllBytes());
    }
    return out;
  }
}
