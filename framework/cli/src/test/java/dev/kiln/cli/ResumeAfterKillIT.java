package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.engine.artifact.ArtifactStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a real `kiln run` (a child JVM) with SIGKILL at several points, then resumes the run:
 * finished steps are not executed again, interrupted ones are, and the artifact store holds no
 * file that fails its hash.
 */
class ResumeAfterKillIT {
  static final String PIPELINE = """
      name: killme
      steps:
        first:
          uses: kiln/command
          with:
            run: echo start first >> events.log; sleep 1; seq 1 1000 > first.txt; echo end first >> events.log
            outputs: {data: first.txt}
        fan:
          uses: kiln/command
          matrix: {part: [a, b, c]}
          with:
            run: echo start fan-${{ matrix.part }} >> events.log; sleep 1; echo ${{ matrix.part }} > fan-${{ matrix.part }}.txt; echo end fan-${{ matrix.part }} >> events.log
            inputs: ['${{ steps.first.outputs.data }}']
            outputs: {part: 'fan-${{ matrix.part }}.txt'}
        last:
          uses: kiln/command
          needs: fan
          with:
            run: echo start last >> events.log; sleep 1; cat fan-a.txt > last.txt; echo end last >> events.log
      """;

  /** The same shape with a for-each fan-out over a list the first step computes. */
  static final String FOR_EACH = """
      name: killme
      steps:
        first:
          uses: kiln/command
          with:
            run: echo start first >> events.log; sleep 1; echo '["a", "b", "c"]' > parts.json; echo end first >> events.log
            json-outputs: {parts: parts.json}
        fan:
          uses: kiln/command
          for-each: ${{ steps.first.outputs.parts }}
          with:
            run: echo start fan-${{ each.value }} >> events.log; sleep 1; echo ${{ each.value }} > fan-${{ each.value }}.txt; echo end fan-${{ each.value }} >> events.log
            outputs: {part: 'fan-${{ each.value }}.txt'}
        last:
          uses: kiln/command
          needs: fan
          with:
            run: echo start last >> events.log; sleep 1; cat fan-a.txt > last.txt; echo end last >> events.log
      """;

  @TempDir Path dir;

  /** Kill when this line has appeared in events.log. */
  @ParameterizedTest
  @ValueSource(strings = {"start first", "end first", "start fan-b", "end fan-c", "start last"})
  void resumesAfterSigkillWithoutRerunningFinishedSteps(String killAt) throws Exception {
    killAndResume(PIPELINE, killAt, Map.of("first", "first", "fan-a", "fan[0]", "fan-b", "fan[1]", "fan-c", "fan[2]", "last", "last"));
  }

  /** Killed in the middle of a for-each fan-out, the resumed run expands the same instances and reruns only the unfinished. */
  @ParameterizedTest
  @ValueSource(strings = {"end first", "start fan-b", "end fan-c"})
  void resumesAForEachFanOutAfterSigkill(String killAt) throws Exception {
    killAndResume(FOR_EACH, killAt, Map.of("first", "first", "fan-a", "fan[a]", "fan-b", "fan[b]", "fan-c", "fan[c]", "last", "last"));
  }

  private void killAndResume(String pipeline, String killAt, Map<String, String> keys) throws Exception {
    Files.writeString(dir.resolve("p.yaml"), pipeline);
    Cli cli = Cli.in(dir);
    Process child = startChild(cli);
    Path events = dir.resolve("events.log");
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!(Files.exists(events) && Files.readString(events).contains(killAt))) {
      assertThat(child.isAlive()).as("the run ended before reaching \"" + killAt + "\"").isTrue();
      assertThat(System.nanoTime()).as("timed out waiting for " + killAt).isLessThan(deadline);
      Thread.sleep(20);
    }
    child.destroyForcibly(); // SIGKILL: no shutdown hook runs
    assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    List<String> before = Files.readAllLines(events);

    Cli.Result runs = cli.run("runs", "--json");
    JsonNode run = Runs.parse(runs).get(0);
    assertThat(run).as("the run was recorded before its first step started").isNotNull();
    assertThat(run.get("status").asText()).isEqualTo("RUNNING"); // killed: nobody recorded an end
    String runId = run.get("run_id").asText();
    // what the store says was done at the instant of the kill must not run again
    Map<String, String> atKill = Runs.statuses(cli.run("show", runId, "--json"));

    Cli.Result resumed = cli.run("resume", runId, "--json");
    assertThat(resumed.exit()).as(resumed.err()).isZero();
    Map<String, String> statuses = Runs.statuses(resumed);
    assertThat(statuses).containsOnlyKeys(keys.values());
    assertThat(statuses.values()).allMatch(s -> s.equals("SUCCEEDED") || s.equals("CACHED"));

    List<String> after = Files.readAllLines(events);
    for (String step : keys.keySet()) {
      long endsBefore = before.stream().filter(l -> l.equals("end " + step)).count();
      long ends = after.stream().filter(l -> l.equals("end " + step)).count();
      String status = atKill.get(keys.get(step));
      if ("SUCCEEDED".equals(status)) {
        // recorded as done before the kill: not executed again
        assertThat(ends).as("completions of " + step).isEqualTo(1);
        assertThat(after.stream().filter(l -> l.equals("start " + step)).count()).as("starts of " + step).isEqualTo(1);
      } else {
        // not recorded as done (perhaps its process ended but the kill came before the commit):
        // the resumed run executes it to completion exactly once more
        assertThat(ends - endsBefore).as("completions of " + step + " after resume").isEqualTo(1);
      }
    }
    assertThat(Files.readString(dir.resolve("last.txt"))).isEqualTo("a\n");
    assertNoCorruptArtifacts(dir.resolve(".kiln/artifacts"));
  }

  static final String WITH_SUB_PIPELINE = """
      name: killsub
      steps:
        first:
          uses: kiln/command
          with:
            run: echo start first >> events.log; seq 1 1000 > first.txt; echo end first >> events.log
            outputs: {data: first.txt}
        prep:
          uses: ./lib/prep.yaml
          with: {data: "${{ steps.first.outputs.data }}"}
        last:
          uses: kiln/command
          with:
            run: echo start last >> events.log; cat two.txt > last.txt; echo end last >> events.log
            inputs: ['${{ steps.prep.outputs.counted }}']
      """;

  static final String PREP = """
      name: prep
      params:
        data: {type: string}
      steps:
        one:
          uses: kiln/command
          with:
            run: echo start one >> events.log; sleep 1; wc -l < first.txt | tr -d ' ' > one.txt; echo end one >> events.log
            inputs: ['${{ params.data }}']
            outputs: {count: one.txt}
        two:
          uses: kiln/command
          with:
            run: echo start two >> events.log; sleep 1; cat one.txt > two.txt; echo end two >> events.log
            inputs: ['${{ steps.one.outputs.count }}']
            outputs: {counted: two.txt}
      outputs:
        counted: ${{ steps.two.outputs.counted }}
      """;

  /** Killed while a step of a sub-pipeline runs: what finished (inside it and before it) is not run again. */
  @ParameterizedTest
  @ValueSource(strings = {"start one", "start two"})
  void resumesAfterSigkillInsideASubPipeline(String killAt) throws Exception {
    Files.writeString(dir.resolve("p.yaml"), WITH_SUB_PIPELINE);
    Files.createDirectories(dir.resolve("lib"));
    Files.writeString(dir.resolve("lib/prep.yaml"), PREP);
    Cli cli = Cli.in(dir);
    Process child = startChild(cli);
    Path events = dir.resolve("events.log");
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!(Files.exists(events) && Files.readString(events).contains(killAt))) {
      assertThat(child.isAlive()).as("the run ended before reaching \"" + killAt + "\"").isTrue();
      assertThat(System.nanoTime()).as("timed out waiting for " + killAt).isLessThan(deadline);
      Thread.sleep(20);
    }
    child.destroyForcibly();
    assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    String runId = Runs.parse(cli.run("runs", "--json")).get(0).get("run_id").asText();
    Map<String, String> atKill = Runs.statuses(cli.run("show", runId, "--json"));
    assertThat(atKill).containsEntry("first", "SUCCEEDED").doesNotContainEntry("prep/" + killAt.substring("start ".length()), "SUCCEEDED");
    if (killAt.equals("start two")) assertThat(atKill).containsEntry("prep/one", "SUCCEEDED");

    Cli.Result resumed = cli.run("resume", runId, "--json");
    assertThat(resumed.exit()).as(resumed.err()).isZero();
    assertThat(Runs.statuses(resumed)).containsOnlyKeys("first", "prep/one", "prep/two", "last");
    List<String> after = Files.readAllLines(events);
    String killed = killAt.substring("start ".length());
    for (String step : List.of("first", "one", "two", "last")) {
      // the step killed while it ran starts again; every other one, done before or not yet started, starts once
      assertThat(after.stream().filter(l -> l.equals("start " + step)).count()).as("starts of " + step).isEqualTo(step.equals(killed) ? 2 : 1);
      assertThat(after.stream().filter(l -> l.equals("end " + step)).count()).as("completions of " + step).isEqualTo(1);
    }
    assertThat(Files.readString(dir.resolve("last.txt"))).isEqualTo("1000\n");
    assertNoCorruptArtifacts(dir.resolve(".kiln/artifacts"));
  }

  @org.junit.jupiter.api.Test
  void sigtermCancelsCleanlyAndTheRunResumes() throws Exception {
    Files.writeString(dir.resolve("p.yaml"), PIPELINE);
    Cli cli = Cli.in(dir);
    Process child = startChild(cli);
    Path events = dir.resolve("events.log");
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!(Files.exists(events) && Files.readString(events).contains("start fan-"))) {
      assertThat(child.isAlive()).isTrue();
      assertThat(System.nanoTime()).isLessThan(deadline);
      Thread.sleep(20);
    }
    child.destroy(); // SIGTERM: the shutdown hook cancels the run
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String out = Files.readString(dir.resolve("child.out"));
    assertThat(out).contains("kiln: cancelling the run").contains(" cancelled");
    JsonNode run = Runs.parse(cli.run("runs", "--json")).get(0);
    assertThat(run.get("status").asText()).isEqualTo("CANCELLED");
    Map<String, String> atCancel = Runs.statuses(cli.run("show", run.get("run_id").asText(), "--json"));
    assertThat(atCancel).containsEntry("first", "SUCCEEDED").containsEntry("last", "CANCELLED");
    assertThat(atCancel.values()).doesNotContain("RUNNING", "PENDING");
    Cli.Result resumed = cli.run("resume", run.get("run_id").asText(), "--json");
    assertThat(resumed.exit()).as(resumed.err()).isZero();
    assertThat(Files.readAllLines(events).stream().filter(l -> l.equals("end first")).count()).isEqualTo(1);
    assertNoCorruptArtifacts(dir.resolve(".kiln/artifacts"));
  }

  private Process startChild(Cli cli) throws IOException {
    return startChild(cli, "p.yaml");
  }

  private Process startChild(Cli cli, String file) throws IOException {
    Path jar = Path.of("target/kiln-cli.jar").toAbsolutePath();
    assertThat(jar).exists();
    ProcessBuilder pb = new ProcessBuilder(javaBin(), "-jar", jar.toString(), "run", file, "--parallelism", "2")
        .directory(dir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("child.out").toFile());
    pb.environment().putAll(cli.env());
    return pb.start();
  }

  static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  static void assertNoCorruptArtifacts(Path store) throws IOException {
    if (!Files.isDirectory(store)) return;
    try (Stream<Path> s = Files.list(store)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        assertThat(ArtifactStore.hash(p)).as("content of " + p.getFileName()).isEqualTo(p.getFileName().toString());
      }
    }
  }
}
