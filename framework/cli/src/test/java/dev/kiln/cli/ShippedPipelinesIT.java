package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every pipeline in pipelines/ runs end to end on its small data, again fully cached, and then
 * {@code kiln reproduce} re-runs it without the cache and finds every artifact byte-identical.
 */
class ShippedPipelinesIT {
  static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();

  @TempDir Path work;

  @TestFactory
  Stream<DynamicTest> everyShippedPipelineRunsIsCachedAndReproduces() throws IOException {
    copy(ROOT.resolve("pipelines"), work.resolve("pipelines"));
    if (Files.isDirectory(ROOT.resolve("data"))) copy(ROOT.resolve("data"), work.resolve("data"));
    List<Path> pipelines;
    try (Stream<Path> s = Files.list(work.resolve("pipelines"))) {
      // -Dshipped.only=iris,churn runs just those (while working on one); CI runs them all
      List<String> only = List.of(System.getProperty("shipped.only", "").split(",")).stream().filter(n -> !n.isBlank()).toList();
      pipelines = s.filter(p -> p.toString().endsWith(".yaml"))
          .filter(p -> only.isEmpty() || only.contains(p.getFileName().toString().replace(".yaml", ""))).sorted().toList();
    }
    assertThat(pipelines).isNotEmpty();
    Cli cli = Cli.in(work);
    dev.kiln.engine.steps.StepRegistry types = Main.injector(new dev.kiln.engine.home.KilnHome(work.resolve(".kiln"), java.util.Map.of()), work).getInstance(dev.kiln.engine.steps.StepRegistry.class);
    return pipelines.stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> {
      String file = "pipelines/" + p.getFileName();
      Cli.Result first = cli.run("run", file, "--json");
      assertThat(first.exit()).as(first.err()).isZero();
      checkQuality(p.getFileName().toString().replace(".yaml", ""), first);
      Cli.Result second = cli.run("run", file, "--json");
      assertThat(second.exit()).as(second.err()).isZero();
      // every step is served from the cache, except those whose type is never cached (validate, register: the registry moves)
      for (com.fasterxml.jackson.databind.JsonNode step : Runs.parse(second).path("steps")) {
        String status = step.path("status").asText();
        boolean cacheable = types.find(step.path("uses").asText()).orElseThrow().cacheable();
        assertThat(status).as("second run of " + file + ", step " + step.path("id").asText())
            .isIn(cacheable ? java.util.List.of("CACHED", "SKIPPED") : java.util.List.of("SUCCEEDED"));
      }
      // kiln reproduce runs it again without the cache: every artifact must be the same bytes
      String runId = Runs.parse(first).path("run_id").asText();
      long t0 = System.nanoTime();
      Cli.Result again = cli.run("reproduce", runId, "--json");
      System.out.printf("ShippedPipelinesIT: kiln reproduce %s (%s) took %.1fs%n", runId, file, (System.nanoTime() - t0) / 1e9);
      com.fasterxml.jackson.databind.JsonNode report = Runs.parse(again);
      List<String> differ = new java.util.ArrayList<>();
      for (com.fasterxml.jackson.databind.JsonNode row : report.path("artifacts")) {
        if (!row.path("matches").asBoolean()) differ.add(row.path("step").asText() + " " + row.path("direction").asText() + " " + row.path("name").asText());
      }
      assertThat(differ).as("artifacts of " + file + " that kiln reproduce found different").isEmpty();
      assertThat(report.path("artifacts").size()).as(file).isGreaterThan(0);
      assertThat(again.exit()).as(again.out() + again.err()).isZero();
    }));
  }

  /**
   * Floors the classic ML pipelines must reach on their small data (the numbers measured when they
   * were written are in the comments); each evaluate step must also write its HTML report and plots.
   */
  static final Map<String, List<Floor>> FLOORS = Map.of(
      "iris", List.of(new Floor("evaluate", "accuracy", 0.93)), // 0.956
      "titanic", List.of(new Floor("evaluate", "accuracy", 0.75)), // 0.84
      "titanic-tuned", List.of(new Floor("evaluate", "accuracy", 0.75), new Floor("evaluate-automl", "accuracy", 0.75)), // 0.830, 0.845
      "housing", List.of(new Floor("evaluate", "r2", 0.85)), // 0.925
      "sentiment", List.of(new Floor("evaluate-nb", "accuracy", 0.75), new Floor("evaluate-rf", "accuracy", 0.70)), // 0.795, 0.757
      "churn", List.of(new Floor("evaluate-xgboost", "roc-auc", 0.85), new Floor("evaluate-logistic", "roc-auc", 0.75)), // 0.903, 0.825
      "anomaly", List.of(new Floor("evaluate", "recall", 0.9), new Floor("evaluate", "f1", 0.4)), // 0.987, 0.55
      "clustering", List.of(new Floor("evaluate", "nmi", 0.7), new Floor("cross-validate", "cv.nmi", 0.7)), // 0.785, 0.866
      "linear-regression", List.of(new Floor("evaluate", "r2", 0.25)), // 0.338
      "wine", List.of(new Floor("evaluate", "accuracy", 0.9))); // 0.943

  record Floor(String step, String metric, double min) {}

  static void checkQuality(String pipeline, Cli.Result r) {
    if (pipeline.equals("ab-test")) checkAbTest(r);
    for (Floor f : FLOORS.getOrDefault(pipeline, List.of())) {
      var outputs = Runs.step(r, f.step()).get("outputs");
      assertThat(outputs.get("values").get(f.metric()).asDouble()).as(pipeline + " " + f.step() + " " + f.metric()).isGreaterThanOrEqualTo(f.min());
      assertThat(outputs.get("report").get("artifact").get("mediaType").asText()).isEqualTo("text/html");
      assertThat(outputs.get("plots").size()).as(pipeline + " plots").isGreaterThan(0);
    }
  }

  /**
   * The A/B example's decisions and numbers match SciPy / statsmodels on data/ab-checkout.csv:
   * proportions_ztest([216, 149], [1816, 1784]) -> p 0.00043075348606702493;
   * stats.ttest_ind(new.order_value, control.order_value, equal_var=False) -> p 0.02904931805766941;
   * NormalIndPower().solve_power(effect_size=proportion_effectsize(0.094, 0.084), alpha=0.05, power=0.8) -> 12718.06.
   */
  static void checkAbTest(Cli.Result r) {
    var conversion = Runs.step(r, "conversion").get("outputs");
    assertThat(conversion.get("decision").asText()).isEqualTo("B better");
    assertThat(conversion.get("p-value").asDouble()).isCloseTo(0.00043075348606702493, org.assertj.core.api.Assertions.within(1e-12));
    assertThat(conversion.get("srm").get("status").asText()).isEqualTo("ok");
    assertThat(conversion.get("report").get("artifact").get("mediaType").asText()).isEqualTo("text/html");
    var revenue = Runs.step(r, "revenue").get("outputs");
    assertThat(revenue.get("metric").asText()).isEqualTo("mean");
    assertThat(revenue.get("p-value").asDouble()).isCloseTo(0.02904931805766941, org.assertj.core.api.Assertions.within(1e-12));
    // the always-valid test is more cautious than the fixed-horizon z-test (p 0.0038 on the mobile rows)
    assertThat(Runs.step(r, "mobile-conversion").get("outputs").get("decision").asText()).isEqualTo("keep running");
    assertThat(Runs.step(r, "next-test-size").get("outputs").get("sample-size").get("control").asLong()).isEqualTo(12719);
  }

  static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) Files.createDirectories(t);
        else Files.copy(p, t);
      }
    }
  }
}
