package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Input that arrives through the command line, and the exit codes the CLI promises. */
class CommandLineInputTest {
  @TempDir Path dir;
  Cli cli;

  @BeforeEach
  void setUp() throws IOException {
    cli = Cli.in(dir);
    Files.writeString(dir.resolve("p.yaml"), """
        name: p
        params:
          n: {type: int, default: 3, min: 1, max: 10}
          mode: {type: string, default: fast, choices: [fast, slow]}
          must: {type: string}
        steps:
          echo:
            uses: kiln/command
            with: {run: 'echo ${{ params.n }} ${{ params.mode }} ${{ params.must }}'}
        """);
  }

  @Test
  void aMissingFileIsE001() {
    Cli.Result r = cli.run("validate", "nope.yaml");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("nope.yaml: error[E001]: no such file or directory\n  hint: check the path\n1 error, 0 warnings\n");
    assertThat(cli.run("run", "nope.yaml").err()).startsWith("nope.yaml: error[E001]: no such file\n");
  }

  @Test
  void aFileOverOneMebibyteIsE002WithoutBeingParsed() throws IOException {
    StringBuilder sb = new StringBuilder("name: big\nsteps:\n  a:\n    uses: kiln/values\n    with:\n      values:\n");
    for (int i = 0; sb.length() <= (1 << 20); i++) sb.append("        k").append(i).append(": ").append("x".repeat(60)).append('\n');
    Files.writeString(dir.resolve("big.yaml"), sb);
    Cli.Result r = cli.run("validate", "big.yaml");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).startsWith("big.yaml:1:1: error[E002]: pipeline files must be at most 1048576 bytes, found " + sb.toString().getBytes(StandardCharsets.UTF_8).length + "\n");
  }

  @Test
  void unknownAndInvalidParamOverridesAreReportedTogether() {
    Cli.Result r = cli.run("run", "p.yaml", "-p", "nn=4", "-p", "mode=medium", "-p", "n=11");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("""
        command line: error[E111]: -p mode: must be one of [fast, slow], found medium
        command line: error[E111]: -p n: must be between 1 and 10, found 11
        command line: error[E112]: -p nn: pipeline "p" has no param "nn"
          hint: did you mean "n"? its params: mode, must, n
        p.yaml:5:3: error[E111]: params.must: param "must" has no default and was not given
          hint: run with -p must=<string>
        4 errors, 0 warnings
        """);
    Cli.Result typed = cli.run("run", "p.yaml", "-p", "n=three", "-p", "must=x");
    assertThat(typed.err()).startsWith("command line: error[E111]: -p n: expected int, found \"three\"\n");
  }

  @Test
  void aRunWithGoodParamsSucceedsAndAFailedRunExitsOneWithTheLogTail() throws IOException {
    Cli.Result ok = cli.run("run", "p.yaml", "-p", "must=yes", "--json");
    assertThat(ok.exit()).as(ok.err()).isZero();
    assertThat(Runs.step(ok, "echo").get("outputs").get("stdout").asText()).isEqualTo("3 fast yes");
    Files.writeString(dir.resolve("fail.yaml"), """
        name: fail
        steps:
          boom: {uses: kiln/command, with: {run: 'echo about to fail; echo details >&2; exit 3'}}
        """);
    Cli.Result bad = cli.run("run", "fail.yaml");
    assertThat(bad.exit()).isEqualTo(1);
    assertThat(bad.err()).contains("step boom failed: command exited with 3 (success: [0]); see the step log")
        .contains("  | about to fail").contains("  | stderr: details").doesNotContain("Exception");
  }

  @Test
  void usageErrorsAndUnknownRunsExitTwo() {
    assertThat(cli.run("run").exit()).isEqualTo(2);
    assertThat(cli.run("frobnicate").exit()).isEqualTo(2);
    assertThat(cli.run("run", "p.yaml", "--parallelism", "0", "-p", "must=x").exit()).isEqualTo(2);
    Cli.Result show = cli.run("show", "no-such-run");
    assertThat(show.exit()).isEqualTo(2);
    assertThat(show.err()).isEqualTo("kiln: error: no run no-such-run; `kiln runs` lists them\n");
    assertThat(cli.run("resume", "no-such-run").err()).isEqualTo("kiln: error: no run no-such-run; `kiln runs` lists them\n");
  }

  @Test
  void versionHelpPluginsAndPlanWork() {
    assertThat(cli.run("--version").out()).startsWith("kiln ");
    assertThat(cli.run("run", "--help").out()).contains("--no-cache").contains("--parallelism");
    Cli.Result plugins = cli.run("plugins", "--json");
    assertThat(plugins.out()).contains("\"name\":\"kiln/command\"").contains("\"name\":\"success-codes\"");
    Cli.Result dot = cli.run("plan", "p.yaml", "-p", "must=x", "--format", "dot");
    assertThat(dot.exit()).isZero();
    assertThat(dot.out()).startsWith("digraph \"p\" {");
  }

  @Test
  void resumingASucceededRunIsRefused() {
    Cli.Result ok = cli.run("run", "p.yaml", "-p", "must=yes", "--json");
    String runId = Runs.parse(ok).get("run_id").asText();
    Cli.Result r = cli.run("resume", runId);
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("kiln: error: run " + runId + " already succeeded; nothing to resume\n");
  }
}
