package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kiln/tune end to end: a sweep killed with SIGKILL resumes without redoing finished trials; outputs feed training. */
class TuneIT {
  static final String PIPELINE = """
      name: sweep
      steps:
        ingest:
          uses: tribuo/ingest
          with: {data: data/iris.csv, target: species, split: {test: 0.3, seed: 3}}
        search:
          uses: kiln/tune
          with:
            trainer: tribuo/train
            data: ${{ steps.ingest.outputs.train }}
            fixed: {task: classification, algorithm: xgboost}
            objective: {metric: accuracy, cv: 3}
            trials: 14
            seed: 5
            space:
              trees: {int: [5, 60]}
              eta: {float: [0.02, 0.5], log: true}
              max-depth: {int: [1, 6]}
        train:
          uses: tribuo/train
          with:
            data: ${{ steps.ingest.outputs.train }}
            algorithm: xgboost
            hyperparameters: ${{ steps.search.outputs.best }}
      """;

  @TempDir Path dir;

  @Test
  void aKilledSweepResumesWithoutRedoingFinishedTrials() throws Exception {
    Files.createDirectories(dir.resolve("data"));
    Files.copy(Path.of("../../data/iris.csv"), dir.resolve("data/iris.csv"));
    Files.writeString(dir.resolve("p.yaml"), PIPELINE);
    Cli cli = Cli.in(dir);
    Path jar = Path.of("target/kiln-cli.jar").toAbsolutePath();
    ProcessBuilder pb = new ProcessBuilder(ResumeAfterKillIT.javaBin(), "-jar", jar.toString(), "run", "p.yaml")
        .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("child.out").toFile());
    pb.environment().putAll(cli.env());
    Process child = pb.start();
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    Path out = dir.resolve("child.out");
    while (!(Files.exists(out) && Files.readString(out).contains("search 5/14"))) {
      assertThat(child.isAlive()).as("the run ended before trial 5: " + (Files.exists(out) ? Files.readString(out) : "")).isTrue();
      assertThat(System.nanoTime()).as("timed out waiting for trial 5").isLessThan(deadline);
      Thread.sleep(10);
    }
    child.destroyForcibly();
    child.waitFor();
    String runId = Runs.parse(cli.run("runs", "--json")).get(0).get("run_id").asText();
    Cli.Result resumed = cli.run("resume", runId, "--json");
    assertThat(resumed.exit()).as(resumed.err()).isZero();

    String log = Files.readString(dir.resolve(".kiln/logs/" + runId + "/search.log"));
    String afterResume = log.substring(log.lastIndexOf("--- attempt"));
    Matcher m = Pattern.compile("resuming the search: (\\d+) trials already finished").matcher(afterResume);
    assertThat(m.find()).as(afterResume).isTrue();
    int finished = Integer.parseInt(m.group(1));
    assertThat(finished).isBetween(5, 13);
    // sequential search: trials 0..finished-1 were done before the kill and are not run again
    Matcher trial = Pattern.compile("(?m)^trial (\\d+) ").matcher(afterResume);
    int ranAgain = 0;
    while (trial.find()) {
      assertThat(Integer.parseInt(trial.group(1))).as("trial run again after the resume").isGreaterThanOrEqualTo(finished);
      ranAgain++;
    }
    assertThat(finished + ranAgain).isEqualTo(14);

    JsonNode search = Runs.step(resumed, "search").get("outputs");
    assertThat(search.get("completed").asLong()).isEqualTo(14);
    assertThat(search.get("best-value").asDouble()).isGreaterThan(0.85);
    assertThat(search.get("best")).hasSize(3);
    assertThat(search.get("plots").has("history")).isTrue();
    assertThat(Runs.statuses(resumed)).containsEntry("train", "SUCCEEDED");

    // the same pipeline again: the search is one cached step
    Cli.Result again = cli.run("run", "p.yaml", "--json");
    assertThat(again.exit()).as(again.err()).isZero();
    assertThat(Runs.statuses(again)).containsEntry("search", "CACHED");
  }
}
