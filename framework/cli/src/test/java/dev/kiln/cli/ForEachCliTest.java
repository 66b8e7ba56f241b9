package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** for-each through the CLI: plan shows the step as expanded at run time, run and --json show each item's instance. */
class ForEachCliTest {
  static final String PIPELINE = """
      name: regions
      steps:
        list:
          uses: kiln/command
          with:
            run: echo '["eu", "us"]' > regions.json
            json-outputs: {regions: regions.json}
        greet:
          uses: kiln/command
          for-each: ${{ steps.list.outputs.regions }}
          max-parallel: 1
          with:
            run: echo "hello ${{ each.value }} (${{ each.index }})"
        all:
          uses: kiln/values
          with: {values: {said: '${{ steps.greet.outputs.stdout }}'}}
      """;

  @TempDir Path dir;
  Cli cli;

  @BeforeEach
  void setUp() throws IOException {
    Files.writeString(dir.resolve("p.yaml"), PIPELINE);
    cli = Cli.in(dir);
  }

  @Test
  void planSaysTheStepIsExpandedAtRunTime() {
    Cli.Result r = cli.run("plan", "p.yaml");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("  2. greet (kiln/command) after list for-each ${{ steps.list.outputs.regions }} (expanded at run time) max-parallel 1");
    assertThat(cli.run("plan", "p.yaml", "--format", "mermaid").out()).contains("greet[\"greet<br/>kiln/command<br/>for-each\"]");
  }

  @Test
  void runShowsOneInstancePerItemAndTheFanIn() {
    Cli.Result r = cli.run("run", "p.yaml", "--json");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(Runs.statuses(r)).containsOnlyKeys("list", "greet[eu]", "greet[us]", "all");
    assertThat(Runs.step(r, "greet[us]").path("outputs").path("stdout").asText()).isEqualTo("hello us (1)");
    assertThat(Runs.step(r, "all").path("outputs").path("said").toString()).isEqualTo("[\"hello eu (0)\",\"hello us (1)\"]");
    assertThat(r.err()).contains("  expand  greet into 2 instances (for-each)");
  }
}
