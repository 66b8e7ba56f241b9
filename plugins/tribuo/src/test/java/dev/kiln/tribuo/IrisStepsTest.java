package dev.kiln.tribuo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.testkit.GoldenFile;
import dev.kiln.testkit.ParamProblem;
import dev.kiln.testkit.StepHarness;
import dev.kiln.testkit.StepOutcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Tribuo steps one at a time on iris (data/iris.csv, 150 rows, 3 balanced classes), through the testkit. */
class IrisStepsTest {
  /** The repository root, where data/ is: tests run in plugins/tribuo. */
  static final Path PROJECT = Path.of("../..");
  static final Path GOLDEN = Path.of("src/test/resources/golden");

  @TempDir Path dir;

  StepOutcome ingest() {
    return StepHarness.of(new IngestStep(), dir).projectDir(PROJECT).stepId("ingest").run("""
        data: data/iris.csv
        target: species
        split: {method: stratified, valid: 0.2, test: 0.3, seed: 7}
        """).assertSucceeded();
  }

  StepOutcome train(StepOutcome ingest, Path workDir, long seed) {
    StepOutcome features = StepHarness.of(new FeaturesStep(), workDir).stepId("features")
        .run(Map.of("data", ingest.artifact("train"), "scale", "standard")).assertSucceeded();
    return StepHarness.of(new TrainStep(), workDir).stepId("train")
        .run(Map.of("data", ingest.artifact("train"), "transform", features.artifact("transform"), "valid", ingest.artifact("valid"), "algorithm", "logistic-regression", "seed", seed))
        .assertSucceeded();
  }

  /** A Kiln dataset is a Parquet file with its schema in the metadata; counted here by DuckDB's own reader, not Kiln's. */
  static long dataRows(Path parquet) throws Exception {
    return duck(parquet, "SELECT count(*) FROM read_parquet(?)");
  }

  /** The first value of a query over the file, on a fresh DuckDB connection. */
  static long duck(Path parquet, String sql) throws Exception {
    try (var c = java.sql.DriverManager.getConnection("jdbc:duckdb:"); var s = c.prepareStatement(sql)) {
      s.setString(1, parquet.toString());
      try (var r = s.executeQuery()) {
        r.next();
        return r.getLong(1);
      }
    }
  }

  @Test
  void ingestTypesTheColumnsAndSplitsStratified() throws Exception {
    StepOutcome ingest = ingest();
    assertThat(ingest.value("rows")).isEqualTo(150);
    assertThat(ingest.value("task")).isEqualTo("classification");
    assertThat(ingest.value("columns")).isEqualTo(Map.of("sepal_length", "numeric", "sepal_width", "numeric", "petal_length", "numeric", "petal_width", "numeric", "species", "categorical"));
    // 150 rows: 30% test, 20% valid, the rest train; stratified, so 1/3 of each split per species
    assertThat(dataRows(ingest.open("train"))).isEqualTo(75);
    assertThat(dataRows(ingest.open("valid"))).isEqualTo(30);
    assertThat(dataRows(ingest.open("test"))).isEqualTo(45);
    assertThat(duck(ingest.open("test"), "SELECT count(*) FROM read_parquet(?) WHERE species = 'setosa'")).isEqualTo(15);
    assertThat(duck(ingest.open("test"), "SELECT count(*) FROM parquet_kv_metadata(?) WHERE decode(key) = 'kiln.split' AND decode(value) = 'test'")).isEqualTo(1);
    GoldenFile.at(GOLDEN.resolve("iris-ingest.txt")).assertMatches(ingest.outputsText());
  }

  @Test
  void logisticRegressionClassifiesHeldOutIrisAbove90Percent() {
    StepOutcome ingest = ingest();
    StepOutcome train = train(ingest, dir, 7);
    assertThat(train.value("metric")).isEqualTo("accuracy");
    assertThat((double) train.value("score")).isGreaterThanOrEqualTo(0.9);
    assertThat(train.metrics().get("valid.accuracy")).isEqualTo((double) train.value("score"));
    StepOutcome eval = StepHarness.of(new EvaluateStep(), dir).stepId("evaluate")
        .run(Map.of("model", train.artifact("model"), "data", ingest.artifact("test"))).assertSucceeded();
    assertThat((double) eval.value("score")).isGreaterThanOrEqualTo(0.9);
    assertThat(eval.metrics().get("accuracy")).isEqualTo((double) eval.value("score"));
    assertThat(eval.metrics().get("roc-auc")).isGreaterThan(0.95);
    // the log says where the step's time went
    assertThat(eval.logs()).anyMatch(l -> l.matches("time: read model and data \\d+\\.\\d\\ds, predict and metrics \\d+\\.\\d\\ds, plots \\d+\\.\\d\\ds, report and store \\d+\\.\\d\\ds"));
    // the plots and the report embed PNGs drawn with the machine's fonts: present, not compared
    assertThat(((Map<?, ?>) eval.value("plots")).keySet()).map(String::valueOf).contains("confusion-matrix", "roc");
    GoldenFile.at(GOLDEN.resolve("iris-evaluate.txt")).assertMatches(eval.outputsText(Set.of("plots", "report")));
  }

  @Test
  void trainingTwiceWithTheSameSeedGivesTheSameModel() {
    StepOutcome ingest = ingest();
    StepOutcome a = train(ingest, dir, 7);
    StepOutcome b = train(ingest, dir, 7);
    assertThat(b.artifact("model")).isEqualTo(a.artifact("model"));
    assertThat(b.artifact("tribuo-model").sha256()).isEqualTo(a.artifact("tribuo-model").sha256());
    assertThat(b.value("score")).isEqualTo(a.value("score"));
  }

  @Test
  void aMisspeltAlgorithmIsReportedAsKilnValidateDoesWithASuggestion() {
    List<ParamProblem> problems = StepHarness.of(new TrainStep(), dir).stepId("train").sourceName("pipelines/iris.yaml").check("""
        data: data/iris.csv
        algorithm: logistic-regresion
        """);
    assertThat(problems).extracting(ParamProblem::format).containsExactly(
        "pipelines/iris.yaml:2:12: error[E123]: steps.train.with.algorithm: unknown algorithm \"logistic-regresion\"\n"
            + "  hint: did you mean \"logistic-regression\"? algorithms: cart, elastic-net, factorization-machine, hdbscan, k-means, knn, lasso, liblinear, libsvm, linear-sgd, logistic-regression, naive-bayes, one-class-svm, random-forest, ridge, xgboost");
  }

  @Test
  void aTargetColumnTheFileLacksFailsTheIngestNamingTheColumnsItHas() {
    StepOutcome out = StepHarness.of(new IngestStep(), dir).projectDir(PROJECT).run("data: data/iris.csv\ntarget: colour");
    assertThat(out.status()).isEqualTo(StepOutcome.Status.FAILED);
    assertThat(out.failure()).isInstanceOf(dev.kiln.api.InvalidInput.class)
        .hasMessage("iris.csv: the target column \"colour\" is not in the file\n  hint: columns: sepal_length, sepal_width, petal_length, petal_width, species");
  }
}
