package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several Kiln processes share one KILN_HOME: two runs started together both succeed, and a
 * reader started while they write sees them. Before the store was shared, the second process
 * waited about 15 s and failed with H2's "The file is locked".
 */
class ConcurrentProcessesIT {
  @TempDir Path dir;

  private Process start(Cli cli, String name, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(ResumeAfterKillIT.javaBin(), "-XX:+UseSerialGC", "-jar", Path.of("target/kiln-cli.jar").toAbsolutePath().toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve(name + ".out").toFile());
    pb.environment().putAll(cli.env());
    return pb.start();
  }

  private String output(String name) throws IOException {
    return Files.readString(dir.resolve(name + ".out"));
  }

  @Test
  void twoRunsStartedTogetherInOneKilnHomeBothSucceed() throws Exception {
    Files.writeString(dir.resolve("p.yaml"), """
        name: together
        params: {tag: a}
        steps:
          first: {uses: kiln/command, with: {run: 'sleep 2; echo ${{ params.tag }}'}}
          second: {uses: kiln/command, with: {run: 'echo after-${{ steps.first.outputs.stdout }}'}}
        """);
    Cli cli = Cli.in(dir);
    Process one = start(cli, "one", "run", "p.yaml", "-p", "tag=one");
    Process two = start(cli, "two", "run", "p.yaml", "-p", "tag=two");
    // a reader while they write: waits for neither
    while (!Files.exists(dir.resolve(".kiln/kiln.mv.db"))) Thread.sleep(20);
    Process reader = start(cli, "reader", "runs", "--json");
    assertThat(reader.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(reader.exitValue()).as(output("reader")).isZero();
    assertThat(one.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(two.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(one.exitValue()).as(output("one")).isZero();
    assertThat(two.exitValue()).as(output("two")).isZero();

    JsonNode runs = Runs.parse(cli.run("runs", "--json"));
    assertThat(runs).hasSize(2);
    List<String> seconds = new ArrayList<>();
    for (JsonNode r : runs) {
      assertThat(r.get("status").asText()).isEqualTo("SUCCEEDED");
      Cli.Result show = cli.run("show", r.get("run_id").asText(), "--json");
      seconds.add(Runs.step(show, "second").get("outputs").get("stdout").asText());
    }
    assertThat(seconds).containsExactlyInAnyOrder("after-one", "after-two");
  }
}
