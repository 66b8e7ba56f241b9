package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each change invalidates exactly the steps whose inputs it changes, and nothing else. */
class CachingTest {
  @TempDir Path dir;
  Cli cli;

  static final String PIPELINE = """
      name: cache
      params:
        suffix: one
        copies: 2
      steps:
        read:
          uses: kiln/command
          with:
            run: tr a-z A-Z < in.txt > upper.txt
            inputs: [in.txt]
            outputs: {upper: upper.txt}
        count:
          uses: kiln/command
          with:
            run: wc -c < ${{ steps.read.outputs.upper }}
        label:
          uses: kiln/command
          with:
            run: echo label-${{ params.suffix }}
        repeat:
          uses: kiln/command
          matrix: {n: [1, 2]}
          with:
            run: echo ${{ matrix.n }} x ${{ params.copies }}
      """;

  @BeforeEach
  void setUp() throws IOException {
    cli = Cli.in(dir);
    Files.writeString(dir.resolve("p.yaml"), PIPELINE);
    Files.writeString(dir.resolve("in.txt"), "hello\n");
  }

  private Map<String, String> run(String... extra) {
    String[] args = new String[3 + extra.length];
    args[0] = "run";
    args[1] = "p.yaml";
    args[2] = "--json";
    System.arraycopy(extra, 0, args, 3, extra.length);
    Cli.Result r = cli.run(args);
    assertThat(r.exit()).as(r.err()).isZero();
    return Runs.statuses(r);
  }

  @Test
  void secondRunOfAnUnchangedPipelineIsAllCached() {
    assertThat(run()).containsOnlyKeys("read", "count", "label", "repeat[0]", "repeat[1]").allSatisfy((k, v) -> assertThat(v).isEqualTo("SUCCEEDED"));
    assertThat(run()).allSatisfy((k, v) -> assertThat(v).as(k).isEqualTo("CACHED"));
  }

  @Test
  void editingAParamReRunsOnlyTheStepsThatUseIt() {
    run();
    assertThat(run("-p", "suffix=two")).containsExactlyInAnyOrderEntriesOf(Map.of(
        "read", "CACHED", "count", "CACHED", "label", "SUCCEEDED", "repeat[0]", "CACHED", "repeat[1]", "CACHED"));
    assertThat(run("-p", "suffix=two", "-p", "copies=3")).containsExactlyInAnyOrderEntriesOf(Map.of(
        "read", "CACHED", "count", "CACHED", "label", "CACHED", "repeat[0]", "SUCCEEDED", "repeat[1]", "SUCCEEDED"));
  }

  @Test
  void editingAnInputFileReRunsItsReaderAndWhatDependsOnTheChangedOutput() throws IOException {
    run();
    Files.writeString(dir.resolve("in.txt"), "hello world\n");
    assertThat(run()).containsExactlyInAnyOrderEntriesOf(Map.of(
        "read", "SUCCEEDED", "count", "SUCCEEDED", "label", "CACHED", "repeat[0]", "CACHED", "repeat[1]", "CACHED"));
  }

  @Test
  void anInputEditThatLeavesAnOutputUnchangedStopsAtThatOutput() throws IOException {
    run();
    Files.writeString(dir.resolve("in.txt"), "HELLO\n"); // upper-cases to the same content
    assertThat(run()).containsEntry("read", "SUCCEEDED").containsEntry("count", "CACHED");
  }

  @Test
  void noCacheExecutesEverythingAndExplainSaysWhatChanged() {
    run();
    assertThat(run("--no-cache")).allSatisfy((k, v) -> assertThat(v).isEqualTo("SUCCEEDED"));
    Cli.Result last = cli.run("run", "p.yaml", "--json", "-p", "suffix=three");
    String runId = Runs.parse(last).get("run_id").asText();
    Cli.Result explain = cli.run("explain", runId, "label");
    assertThat(explain.exit()).isZero();
    assertThat(explain.out()).contains("params          CHANGED").contains("run: \"echo label-one\" -> \"echo label-three\"").contains("inputs          unchanged");
    Cli.Result cached = cli.run("explain", runId, "read");
    assertThat(cached.out()).contains("CACHED").contains("reused the outputs of run");
  }
}
