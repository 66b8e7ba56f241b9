package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad data fails a run with exit code 2 and a message naming the file, line and column; no model
 * is produced and no step that depends on the data runs.
 */
class TribuoBadInputTest {
  @TempDir Path dir;
  Cli cli;

  static final String PIPELINE = """
      name: bad-data
      steps:
        ingest:
          uses: tribuo/ingest
          with:
            data: data.csv
            target: %s
            split: {test: 0.25, seed: 1}
        train:
          uses: tribuo/train
          with:
            data: ${{ steps.ingest.outputs.train }}
            algorithm: logistic-regression
      """;

  @BeforeEach
  void setUp() {
    cli = Cli.in(dir);
  }

  private Cli.Result run(String csv, String target) throws Exception {
    Files.writeString(dir.resolve("data.csv"), csv);
    Files.writeString(dir.resolve("p.yaml"), PIPELINE.formatted(target));
    return cli.run("run", "p.yaml", "--json");
  }

  private static String rows(int n) {
    StringBuilder b = new StringBuilder("x,y,label\n");
    for (int i = 0; i < n; i++) b.append(i).append(',').append(i * 2.5).append(',').append(i % 2 == 0 ? "a" : "b").append('\n');
    return b.toString();
  }

  private void assertFailedCleanly(Cli.Result r, String... fragments) {
    assertThat(r.exit()).as(r.err()).isEqualTo(2);
    JsonNode ingest = Runs.step(r, "ingest");
    assertThat(ingest.get("status").asText()).isEqualTo("FAILED");
    assertThat(ingest.get("error").asText()).contains(fragments);
    assertThat(Runs.step(r, "train").get("status").asText()).isEqualTo("SKIPPED");
    assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void missingTargetColumnIsNamedWithTheColumnsThereAre() throws Exception {
    assertFailedCleanly(run(rows(20), "lable"), "data.csv", "target column \"lable\" is not in the file", "did you mean \"label\"", "columns: x, y, label");
  }

  @Test
  void nonNumericValueInANumericColumnGivesLineAndColumn() throws Exception {
    String csv = rows(20) + "21,oops,a\n";
    Files.writeString(dir.resolve("data.csv"), csv);
    Files.writeString(dir.resolve("p.yaml"), PIPELINE.formatted("label").replace("target: label", "target: label\n      columns: {y: numeric}"));
    assertFailedCleanly(cli.run("run", "p.yaml", "--json"), "data.csv:22:2:", "column \"y\" is numeric, found \"oops\"", "hint:");
  }

  @Test
  void minusInfinityInANumericColumnIsAnExit2ErrorAtItsPlaceAndNothingTrains() throws Exception {
    String csv = rows(20) + "21,-Infinity,a\n";
    assertFailedCleanly(run(csv, "label"), "data.csv:22:2: column \"y\" is numeric, found \"-Infinity\", which is not a finite number",
        "hint: numbers must be finite (at most about 1.8e308 in magnitude); if \"-Infinity\" marks an unknown value, list it under missing: (e.g. missing: ['', NA, '-Infinity'])");
  }

  @Test
  void infInAnInferredNumericColumnIsAnErrorNotACategory() throws Exception {
    String csv = rows(20) + "21,inf,a\n";
    assertFailedCleanly(run(csv, "label"), "data.csv:22:2: column \"y\" is numeric, found \"inf\", which is not a finite number");
  }

  @Test
  void latin1FileIsAnExit2ErrorAtItsFirstInvalidByte() throws Exception {
    byte[] latin1 = (rows(3) + "3,4,caf\u00e9\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    Files.write(dir.resolve("data.csv"), latin1);
    Files.writeString(dir.resolve("p.yaml"), PIPELINE.formatted("label"));
    assertFailedCleanly(cli.run("run", "p.yaml", "--json"), "data.csv:5:8: not UTF-8: invalid byte 0xE9",
        "hint: the file must be UTF-8; if it was saved as Latin-1 (ISO-8859-1), convert it: iconv -f latin1 -t utf-8 data.csv > data-utf8.csv");
  }

  @Test
  void aCsvSavedByExcelWithAByteOrderMarkKeepsItsFirstColumnName() throws Exception {
    String csv = "\ufeff" + rows(40).replaceFirst("^x,", "sepal_length,");
    Cli.Result r = run(csv, "label");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(Runs.step(r, "ingest").get("outputs").get("columns").fieldNames()).toIterable().containsExactlyInAnyOrder("sepal_length", "y", "label");
  }

  @Test
  void raggedRowGivesItsLine() throws Exception {
    String csv = rows(5) + "6,7\n" + rows(3).substring("x,y,label\n".length());
    assertFailedCleanly(run(csv, "label"), "data.csv:7:", "ragged row: 2 fields, expected 3");
  }

  @Test
  void emptyFileSaysSo() throws Exception {
    assertFailedCleanly(run("", "label"), "data.csv: the file is empty");
  }

  @Test
  void headerOnlyFileSaysSo() throws Exception {
    assertFailedCleanly(run("x,y,label\n", "label"), "has a header but no rows");
  }

  @Test
  void unknownAlgorithmIsCaughtBeforeAnythingRuns() throws Exception {
    Files.writeString(dir.resolve("data.csv"), rows(20));
    Files.writeString(dir.resolve("p.yaml"), PIPELINE.formatted("label").replace("logistic-regression", "logistic"));
    Cli.Result r = cli.run("run", "p.yaml");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("p.yaml:13:18: error[E123]: steps.train.with.algorithm: unknown algorithm \"logistic\"", "logistic-regression");
    assertThat(dir.resolve(".kiln/artifacts")).doesNotExist();
  }

  @Test
  void aGoodFileTrainsAndTheModelIsAnArtifact() throws Exception {
    Cli.Result r = run(rows(40), "label");
    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode train = Runs.step(r, "train");
    assertThat(train.get("outputs").get("model").get("artifact").get("sha256").asText()).hasSize(64);
    assertThat(train.get("outputs").get("score").asDouble()).isBetween(0.0, 1.0);
  }

  @Test
  void jsonLinesTrainAndBatchPredictionOnAFileThatStillHasTheTarget() throws Exception {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 60; i++) b.append("{\"x\": ").append(i).append(", \"y\": ").append(i * 0.5).append(", \"label\": \"").append(i < 30 ? "low" : "high").append("\"}\n");
    Files.writeString(dir.resolve("data.jsonl"), b.toString());
    Files.writeString(dir.resolve("p.yaml"), """
        name: jsonl
        steps:
          ingest:
            uses: tribuo/ingest
            with: {data: data.jsonl, target: label, split: {test: 0.25, seed: 3}}
          train:
            uses: tribuo/train
            with: {data: "${{ steps.ingest.outputs.train }}", algorithm: cart, valid: "${{ steps.ingest.outputs.test }}"}
          predict:
            uses: tribuo/predict
            with: {model: "${{ steps.train.outputs.model }}", data: data.jsonl}
        """);
    Cli.Result r = cli.run("run", "p.yaml", "--json");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(Runs.step(r, "ingest").get("outputs").get("rows").asInt()).isEqualTo(60);
    assertThat(Runs.step(r, "train").get("outputs").get("score").asDouble()).isGreaterThanOrEqualTo(0.9);
    assertThat(Runs.step(r, "predict").get("outputs").get("rows").asInt()).isEqualTo(60);
  }

  @Test
  void aHyperparameterWrongForOneMatrixAlgorithmFailsThatInstanceWithExit2() throws Exception {
    Files.writeString(dir.resolve("data.csv"), rows(40));
    Files.writeString(dir.resolve("p.yaml"), """
        name: matrix-hp
        steps:
          ingest:
            uses: tribuo/ingest
            with: {data: data.csv, target: label, split: {test: 0.25, seed: 1}}
          train:
            uses: tribuo/train
            matrix: {algorithm: [cart, knn]}
            with: {data: "${{ steps.ingest.outputs.train }}", algorithm: "${{ matrix.algorithm }}", hyperparameters: {max-depth: 3}}
        """);
    Cli.Result r = cli.run("run", "p.yaml");
    assertThat(r.exit()).as(r.err()).isEqualTo(2);
    assertThat(r.err()).contains("p.yaml:9:", "knn has no hyperparameter \"max-depth\"", "valid: k, distance");
  }

  @Test
  void aModelZipWithAnEntryOverTheLimitFailsTheStepBeforeReadingItWhole() throws Exception {
    Files.writeString(dir.resolve("data.csv"), rows(20));
    try (var zip = new java.util.zip.ZipOutputStream(Files.newOutputStream(dir.resolve("bomb.zip")))) {
      zip.putNextEntry(new java.util.zip.ZipEntry("README.md"));
      byte[] zeros = new byte[1 << 20];
      for (int i = 0; i < 257; i++) zip.write(zeros); // 257 MiB of zeros in a zip of about 250 KB
    }
    Files.writeString(dir.resolve("p.yaml"), """
        name: bomb
        steps:
          predict:
            uses: tribuo/predict
            with: {model: bomb.zip, data: data.csv}
        """);
    Cli.Result r = cli.run("run", "p.yaml", "--json");
    assertThat(r.exit()).as(r.err()).isEqualTo(2);
    assertThat(Runs.step(r, "predict").get("error").asText()).contains("bomb.zip: entry README.md inflates to more than 268435456 bytes (256 MiB), "
        + "the limit for one model bundle entry; the file is damaged or was not written by Kiln\n  hint: pass the model output of tribuo/train");
    assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void aRowTheModelCannotScoreFailsBatchPredictionNamingTheRow() throws Exception {
    Files.copy(Path.of("../../data/iris.csv"), dir.resolve("iris.csv"));
    Files.writeString(dir.resolve("huge.csv"), "sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,1.4,0.2\n-1e308,3.5,1.4,0.2\n");
    Files.writeString(dir.resolve("p.yaml"), """
        name: overflow
        steps:
          ingest:
            uses: tribuo/ingest
            with: {data: iris.csv, target: species, split: {test: 0.4, seed: 3}}
          features:
            uses: tribuo/features
            with: {data: "${{ steps.ingest.outputs.train }}", scale: standard}
          train:
            uses: tribuo/train
            with: {data: "${{ steps.ingest.outputs.train }}", transform: "${{ steps.features.outputs.transform }}", algorithm: logistic-regression, seed: 1}
          predict:
            uses: tribuo/predict
            with: {model: "${{ steps.train.outputs.model }}", data: huge.csv}
        """);
    Cli.Result r = cli.run("run", "p.yaml", "--json");
    assertThat(r.exit()).as(r.err()).isEqualTo(2);
    assertThat(Runs.step(r, "predict").get("error").asText()).contains("huge.csv: the model gives no prediction for row 1 (counting from 0): its arithmetic overflows"
        + "\n  hint: check that row's numbers against the range of the training data");
    assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
  }
}
