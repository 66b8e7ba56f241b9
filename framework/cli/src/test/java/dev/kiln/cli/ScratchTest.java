package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A step's scratch directory is removed when it ends; a failed one's is kept only on request. */
class ScratchTest {
  @TempDir Path dir;
  Cli cli;

  @BeforeEach
  void setUp() throws IOException {
    cli = Cli.in(dir);
    Files.writeString(dir.resolve("p.yaml"), """
        name: scratch
        steps:
          works:
            uses: kiln/command
            with: {run: 'head -c 100000 /dev/zero > "$KILN_SCRATCH/big" && cp "$KILN_SCRATCH/big" out.bin', outputs: {out: out.bin}}
          breaks:
            uses: kiln/command
            with: {run: 'echo partial > "$KILN_SCRATCH/partial"; exit 3'}
        """);
  }

  @Test
  void scratchIsRemovedWhenStepsEndWhetherTheySucceedOrFail() {
    Cli.Result r = cli.run("run", "p.yaml", "--json");
    assertThat(r.exit()).isEqualTo(1);
    String run = Runs.parse(r).get("run_id").asText();
    assertThat(dir.resolve(".kiln/work").resolve(run)).doesNotExist();
  }

  @Test
  void keepScratchKeepsOnlyTheFailedStepsScratch() {
    Cli.Result r = cli.run("run", "p.yaml", "--json", "--keep-scratch");
    assertThat(r.exit()).isEqualTo(1);
    Path work = dir.resolve(".kiln/work").resolve(Runs.parse(r).get("run_id").asText());
    assertThat(work.resolve("breaks/partial")).hasContent("partial");
    assertThat(work.resolve("works")).doesNotExist();
  }
}
