package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** Pipeline files built to hurt: they must end in an exit-2 report at once, never a hang or a stack trace. */
class HostileInputTest {
  /** Long enough for the CLI to answer on a busy machine, short enough to catch a hang. */
  private static final Duration AT_ONCE = Duration.ofSeconds(1);

  @TempDir Path dir;
  Cli cli;

  @BeforeEach
  void setUp() {
    cli = Cli.in(dir);
    cli.run("--version"); // loads the CLI's classes, so the timed calls measure only the file handling
  }

  @Test
  void aTwelveThousandTermOrChainIsValidAndEvaluated() throws IOException {
    String chain = "params.no || ".repeat(11_999) + "params.yes";
    String all = "params.yes && ".repeat(11_999) + "params.yes";
    Files.writeString(dir.resolve("chain.yaml"), """
        name: chain
        params: {no: false, yes: true}
        steps:
          any:
            uses: kiln/values
            if: ${{ %s }}
            with: {values: {v: 1}}
          all:
            uses: kiln/values
            if: ${{ %s }}
            with: {values: {v: 2}}
        """.formatted(chain, all));
    Cli.Result v = cli.run("validate", "chain.yaml");
    assertThat(v.err()).isEmpty();
    assertThat(v.exit()).isZero();
    Cli.Result r = cli.run("run", "chain.yaml", "--json");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(Runs.step(r, "any").get("status").asText()).isEqualTo("SUCCEEDED");
    assertThat(Runs.step(r, "all").get("status").asText()).isEqualTo("SUCCEEDED");
  }

  @Test
  void tenThousandNestedNotsAreE137AtTheirPlace() throws IOException {
    Files.writeString(dir.resolve("nots.yaml"), "name: nots\nparams: {go: true}\nsteps:\n  a:\n    uses: kiln/values\n    if: ${{ " + "!".repeat(10_000) + "params.go }}\n    with: {values: {v: 1}}\n");
    for (String command : new String[] {"validate", "run"}) {
      Cli.Result r = cli.run(command, "nots.yaml");
      assertThat(r.exit()).as(r.err()).isEqualTo(2);
      // the 65th "!" is at offset 4 + 64 of the scalar, which starts in column 9
      assertThat(r.err()).contains("nots.yaml:6:77: error[E137]: steps.a.if: expressions may nest at most 64 levels deep (parentheses and !), found deeper\n")
          .doesNotContain("Exception").doesNotContain("\tat ");
    }
  }

  @Test
  @EnabledOnOs({OS.LINUX, OS.MAC})
  void aFifoIsRefusedAtOnceInsteadOfWaitingForAWriter() throws Exception {
    Path fifo = dir.resolve("p.yaml");
    Process mk = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
    assertThat(mk.waitFor()).isZero();
    for (String command : new String[] {"validate", "run"}) {
      Cli.Result r = assertTimeoutPreemptively(AT_ONCE, () -> cli.run(command, "p.yaml"), command);
      assertThat(r.exit()).as(r.err()).isEqualTo(2);
      assertThat(r.err()).isEqualTo("""
          p.yaml: error[E001]: pipeline files must be regular files, found a FIFO (named pipe)
            hint: give the path of a .yaml file
          1 error, 0 warnings
          """);
    }
  }

  @Test
  @EnabledOnOs(OS.LINUX)
  void devZeroIsRefusedAtOnceInsteadOfFillingTheHeap() {
    for (String command : new String[] {"validate", "run"}) {
      Cli.Result r = assertTimeoutPreemptively(AT_ONCE, () -> cli.run(command, "/dev/zero"), command);
      assertThat(r.exit()).as(r.err()).isEqualTo(2);
      assertThat(r.err()).endsWith("dev/zero: error[E001]: pipeline files must be regular files, found a device\n  hint: give the path of a .yaml file\n1 error, 0 warnings\n");
    }
  }

  @Test
  void aDirectoryGivenToRunIsE001WithItsPath() throws IOException {
    Files.createDirectory(dir.resolve("pipelines"));
    Cli.Result r = assertTimeoutPreemptively(AT_ONCE, () -> cli.run("run", "pipelines"));
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("""
        pipelines: error[E001]: pipeline files must be regular files, found a directory
          hint: give the path of a .yaml file
        1 error, 0 warnings
        """);
  }

  @Test
  void validatingADirectoryWithoutPipelinesIsAnError() throws IOException {
    Files.createDirectory(dir.resolve("empty"));
    Files.writeString(dir.resolve("empty/notes.txt"), "not a pipeline");
    Cli.Result r = cli.run("validate", "empty");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).isEqualTo("""
        empty: error[E001]: no pipeline files (*.yaml, *.yml) found in this directory
          hint: give a pipeline file, or a directory that holds some
        1 error, 0 warnings
        """);
  }
}
