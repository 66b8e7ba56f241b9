package dev.kiln.tribuo;

import dev.kiln.testkit.StepHarness;
import dev.kiln.testkit.StepOutcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Not a test: a timing harness for tribuo/evaluate on churn (data/churn.csv, 5000 rows) with logistic
 * regression and XGBoost, as in pipelines/churn.yaml. Its name does not match surefire's patterns, so it
 * runs only when asked: mvn -o -pl plugins/tribuo -am -Dtest=EvaluateTiming -Dsurefire.failIfNoSpecifiedTests=false test
 * Each model is evaluated three times in one JVM: the first is the cold cost a pipeline run pays.
 */
class EvaluateTiming {
  @Test
  void churn() throws Exception {
    Path dir = Files.createTempDirectory("evaluate-timing");
    StepOutcome ingest = StepHarness.of(new IngestStep(), dir).projectDir(IrisStepsTest.PROJECT).stepId("ingest").run("""
        data: data/churn.csv
        target: churn
        positive: "yes"
        columns: {rownames: id}
        split: {method: stratified, test: 0.25, seed: 42}
        """).assertSucceeded();
    StepOutcome features = StepHarness.of(new FeaturesStep(), dir).stepId("features")
        .run(Map.of("data", ingest.artifact("train"), "scale", "standard", "class-weights", "balanced")).assertSucceeded();
    StepOutcome logistic = StepHarness.of(new TrainStep(), dir).stepId("logistic")
        .run(Map.of("data", ingest.artifact("train"), "transform", features.artifact("transform"), "algorithm", "logistic-regression", "seed", 42)).assertSucceeded();
    StepOutcome xgboost = StepHarness.of(new TrainStep(), dir).stepId("xgboost")
        .run(Map.of("data", ingest.artifact("train"), "transform", features.artifact("transform"), "algorithm", "xgboost",
            "hyperparameters", Map.of("trees", 200, "eta", 0.1, "max-depth", 5), "threads", 2, "seed", 42)).assertSucceeded();
    for (int round = 1; round <= 3; round++) {
      for (var m : Map.of("xgboost", xgboost, "logistic", logistic).entrySet()) {
        long t0 = System.nanoTime();
        StepOutcome eval = StepHarness.of(new EvaluateStep(), dir).stepId("evaluate-" + m.getKey())
            .run(Map.of("model", m.getValue().artifact("model"), "data", ingest.artifact("test"))).assertSucceeded();
        System.out.printf(java.util.Locale.ROOT, "TIMING round %d %s: %.2fs; %s; plots %s; report %d bytes%n", round, m.getKey(), (System.nanoTime() - t0) / 1e9,
            eval.logs(), ((Map<?, ?>) eval.value("plots")).keySet(), Files.size(eval.open("report")));
      }
    }
  }
}
