package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every bench script in smoke mode ({@code --smoke}: tiny sizes, no peers, seconds), so a bench
 * that no longer runs fails the build instead of rotting until someone wants numbers. Runs after
 * {@code package}: the benches use the CLI jar and the bench classes of plugins/tune and
 * plugins/mlflow as this build made them, and build nothing themselves (KILN_BENCH_NO_BUILD).
 */
class BenchSmokeIT {
  private static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();

  @ParameterizedTest(name = "{0} --smoke")
  @ValueSource(strings = {"bench/run.sh", "bench/tribuo/run.sh", "bench/tune/run.sh", "bench/mlflow/run.sh", "bench/serve/run.sh", "bench/dvc/run.sh", "bench/data/run.sh", "bench/startup/run.sh"})
  void benchRunsInSmokeMode(String script) throws Exception {
    for (String built : List.of("framework/cli/target/kiln-cli.jar", "plugins/tune/target/test-classes/dev/kiln/tune/SamplerBench.class",
        "plugins/mlflow/target/test-classes/dev/kiln/mlflow/TrackingBench.class")) {
      if (!Files.exists(ROOT.resolve(built))) {
        String msg = built + " is missing: run the bench smoke tests in a build of the whole project (mvn verify)";
        if ("true".equals(System.getenv("CI"))) throw new AssertionError(msg);
        Assumptions.abort(msg);
      }
    }
    ProcessBuilder pb = new ProcessBuilder(ROOT.resolve(script).toString(), "--smoke").directory(ROOT.toFile()).redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    env.put("KILN_BENCH_NO_BUILD", "1");
    // the benches keep their own state and track nowhere, whatever the machine running the tests has set
    for (String k : List.of("KILN_HOME", "KILN_DB_URL", "MLFLOW_TRACKING_URI", "MLFLOW_TRACKING_USERNAME", "MLFLOW_TRACKING_PASSWORD", "MLFLOW_TRACKING_TOKEN")) env.remove(k);
    long t0 = System.nanoTime();
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    boolean ended = p.waitFor(120, TimeUnit.SECONDS);
    if (!ended) p.destroyForcibly();
    String text = new String(out, StandardCharsets.UTF_8);
    System.out.printf("%s --smoke: %.1f s%n%s%n", script, (System.nanoTime() - t0) / 1e9, text);
    assertThat(ended).as(script + " --smoke ran over 120 s:\n" + text).isTrue();
    assertThat(p.exitValue()).as(script + " --smoke:\n" + text).isZero();
    assertThat(text).contains(script + ": smoke ok");
  }

  @Test
  void aBenchThatMayNotBuildSaysHowToBuildWhatIsMissing() throws Exception {
    ProcessBuilder pb = new ProcessBuilder("bash", "-c", "source bench/lib.sh; JAR=/nonexistent/kiln-cli.jar; bench_build").directory(ROOT.toFile()).redirectErrorStream(true);
    pb.environment().put("KILN_BENCH_NO_BUILD", "1");
    Process p = pb.start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(1);
    assertThat(text).isEqualTo("bench: the CLI jar or the bench classes are missing and KILN_BENCH_NO_BUILD=1; build with"
        + " mvn -B -DskipTests package -pl framework/cli,plugins/tune,plugins/mlflow -am\n");
  }
}
