package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MLflow credentials that cannot be right, whatever the server says, are said when the run starts
 * and nothing is tracked (no server needed; MlflowIT covers what a real server refuses).
 */
class MlflowConfigurationTest {
  @TempDir Path dir;

  private Cli.Result run(String key, String value) throws Exception {
    Files.writeString(dir.resolve("p.yaml"), "name: p\nsteps:\n  a:\n    uses: kiln/values\n    with: {values: {x: 1}}\n");
    Cli cli = Cli.in(dir).without("MLFLOW_TRACKING_USERNAME").without("MLFLOW_TRACKING_PASSWORD").without("MLFLOW_TRACKING_TOKEN")
        .without("MLFLOW_TRACKING_INSECURE_TLS").with("MLFLOW_TRACKING_URI", "http://127.0.0.1:9").with(key, value);
    return cli.run("run", "p.yaml");
  }

  @Test
  void halfAUsernamePasswordPairIsSaidAndNothingIsTracked() throws Exception {
    Cli.Result r = run("MLFLOW_TRACKING_USERNAME", "kiln");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.err()).contains("kiln: tracking: mlflow cannot track this run: MLFLOW_TRACKING_USERNAME is set but MLFLOW_TRACKING_PASSWORD"
        + " is not: set both for basic auth, or MLFLOW_TRACKING_TOKEN for a bearer token");
    assertThat(r.err()).doesNotContain("tracking: MLflow run");
    assertThat(dir.resolve(".kiln/outbox/mlflow")).doesNotExist();
  }

  @Test
  void anInsecureTlsValueMlflowWouldRejectIsSaid() throws Exception {
    Cli.Result r = run("MLFLOW_TRACKING_INSECURE_TLS", "maybe");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.err()).contains("kiln: tracking: mlflow cannot track this run: MLFLOW_TRACKING_INSECURE_TLS must be true or false, found \"maybe\"");
  }
}
