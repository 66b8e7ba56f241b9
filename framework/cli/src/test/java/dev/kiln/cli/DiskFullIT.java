package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * KILN_HOME on a full disk (a 3 MB tmpfs): a step that cannot store its output fails and the run
 * is recorded FAILED, and a command that cannot open the store says the disk is full, never
 * "internal error". Needs root to mount the tmpfs (CI runs as root).
 */
class DiskFullIT {
  @TempDir Path dir;
  Path home;

  @BeforeEach
  void mount() throws Exception {
    Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "mounting a tmpfs needs root");
    home = dir.resolve("home");
    Files.createDirectories(home);
    Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", home.toString()).redirectErrorStream(true).start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes())).isZero();
  }

  @AfterEach
  void unmount() throws Exception {
    if (home != null) new ProcessBuilder("umount", home.toString()).inheritIO().start().waitFor(30, TimeUnit.SECONDS);
  }

  @Test
  void aFullDiskFailsTheStepRecordsTheRunAndIsReportedAsSuch() throws IOException {
    Cli cli = Cli.in(dir).with("KILN_HOME", home.toString());
    Files.writeString(dir.resolve("p.yaml"), """
        name: fill
        steps:
          small: {uses: kiln/command, with: {run: echo hi}}
          big:
            uses: kiln/command
            needs: [small]
            with: {run: 'head -c 4000000 /dev/zero > big.bin', outputs: {big: big.bin}}
        """);
    Cli.Result run = cli.run("run", "p.yaml", "--json");
    assertThat(run.exit()).as(run.err()).isEqualTo(1);
    assertThat(Runs.step(run, "big").get("error").asText()).isEqualTo("IOException: No space left on device");
    JsonNode runs = Runs.parse(cli.run("runs", "--json"));
    assertThat(runs.get(0).get("status").asText()).isEqualTo("FAILED");
    assertThat(home.resolve("work")).isEmptyDirectory(); // no scratch left to keep the disk full

    Path filler = home.resolve("filler");
    try (OutputStream out = Files.newOutputStream(filler)) {
      byte[] block = new byte[64 * 1024];
      while (true) out.write(block);
    } catch (IOException full) {
      // the disk is full now
    }
    Cli.Result full = cli.run("runs");
    assertThat(full.exit()).isEqualTo(1);
    assertThat(full.err()).startsWith("kiln: error: no space left on the disk: ").contains("No space left on device")
        .contains("  hint: free space where KILN_HOME lives (df -h), then run the command again").doesNotContain("internal error");

    Files.delete(filler);
    Cli.Result after = cli.run("runs", "--json");
    assertThat(after.exit()).as(after.err()).isZero();
    assertThat(Runs.parse(after)).hasSize(1);
  }
}
