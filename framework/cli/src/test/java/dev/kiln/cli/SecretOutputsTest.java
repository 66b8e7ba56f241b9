package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A secret a step prints is masked in its output values, wherever they are stored or shown. */
class SecretOutputsTest {
  static final String SECRET = "tok-8f3a91c2e7";

  @TempDir Path dir;

  @Test
  void aSecretInAStepsStdoutNeverReachesTheStoreOrAnyOutput() throws IOException {
    Cli cli = Cli.in(dir).with("API_TOKEN", SECRET);
    Files.writeString(dir.resolve("p.yaml"), """
        name: leak
        steps:
          print:
            uses: kiln/command
            env: {TOKEN: "${{ secrets.API_TOKEN }}"}
            with: {run: 'echo "token is $TOKEN"'}
          pass:
            uses: kiln/values
            with: {values: {seen: '${{ steps.print.outputs.stdout }}'}}
        """);
    Cli.Result run = cli.run("run", "p.yaml", "--json");
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out()).doesNotContain(SECRET);
    assertThat(Runs.step(run, "print").get("outputs").get("stdout").asText()).isEqualTo("token is ***");
    assertThat(Runs.step(run, "pass").get("outputs").get("seen").asText()).isEqualTo("token is ***");
    String id = Runs.parse(run).get("run_id").asText();
    Cli.Result json = cli.run("show", id, "--json");
    Cli.Result text = cli.run("show", id);
    assertThat(json.out()).contains("token is ***").doesNotContain(SECRET);
    assertThat(text.out()).contains("token is ***").doesNotContain(SECRET);
    cli.run("runs"); // the store is closed after each command: its file holds everything written
    try (var files = Files.walk(dir.resolve(".kiln"))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)).as(f.toString()).doesNotContain(SECRET);
      }
    }
  }
}
