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
  /** PNG writing alone, interleaved so load on the machine hits both alike: ImageIO (XChart's BitmapEncoder) against dev.kiln.api.Png. */
  @Test
  void encoders() throws Exception {
    var chart = new org.knowm.xchart.XYChartBuilder().width(640).height(480).title("ROC curve").xAxisTitle("false positive rate").yAxisTitle("true positive rate").build();
    double[] x = new double[300];
    double[] y = new double[300];
    for (int i = 0; i < 300; i++) {
      x[i] = i / 299.0;
      y[i] = Math.sqrt(x[i]);
    }
    chart.addSeries("yes", x, y);
    long imageIo = 0;
    long png = 0;
    int imageIoBytes = 0;
    int pngBytes = 0;
    for (int round = 0; round < 30; round++) {
      java.awt.image.BufferedImage img = org.knowm.xchart.BitmapEncoder.getBufferedImage(chart);
      long t0 = System.nanoTime();
      java.io.ByteArrayOutputStream o = new java.io.ByteArrayOutputStream();
      javax.imageio.ImageIO.write(img, "png", o);
      long t1 = System.nanoTime();
      byte[] b = dev.kiln.api.Png.encode(img);
      long t2 = System.nanoTime();
      if (round >= 10) {
        imageIo += t1 - t0;
        png += t2 - t1;
      }
      imageIoBytes = o.size();
      pngBytes = b.length;
    }
    System.out.printf(java.util.Locale.ROOT, "TIMING encode one 640x480 chart, mean of 20 after 10 warm-up: ImageIO %.1f ms (%d bytes), Png %.1f ms (%d bytes)%n", imageIo / 20 / 1e6, imageIoBytes, png / 20 / 1e6, pngBytes);
  }

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
