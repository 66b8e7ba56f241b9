package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A step {@code uses: ./lib/greet.yaml} runs the included pipeline's steps as {@code step/inner}
 * steps of an ordinary flat run (the fixture valid/sub-pipelines.yaml: one file included twice, one
 * nested include).
 */
class SubPipelinesTest {
  @TempDir Path dir;
  Cli cli;

  @BeforeEach
  void setUp() throws IOException {
    ShippedPipelinesIT.copy(ValidPipelinesTest.VALID.resolve("lib"), dir.resolve("pipelines/lib"));
    Files.copy(ValidPipelinesTest.VALID.resolve("sub-pipelines.yaml"), dir.resolve("pipelines/sub-pipelines.yaml"));
    cli = Cli.in(dir);
  }

  @Test
  void runsIncludedStepsUnderPrefixedIdsWithParamsAndOutputsBound() throws IOException {
    Cli.Result r = cli.run("run", "pipelines/sub-pipelines.yaml", "--json");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(Runs.statuses(r)).containsExactlyEntriesOf(new java.util.TreeMap<>(Map.of(
        "names", "SUCCEEDED", "greet-ada/compose", "SUCCEEDED", "greet-ada/say", "SUCCEEDED",
        "greet-twice/one/compose", "SUCCEEDED", "greet-twice/one/say", "SUCCEEDED",
        "greet-twice/two/compose", "SUCCEEDED", "greet-twice/two/say", "SUCCEEDED", "report", "SUCCEEDED")));
    // params from literals, from the including pipeline's params and steps, and through two levels
    assertThat(Runs.step(r, "greet-twice/two/say").path("outputs").path("stdout").asText()).isEqualTo("hello dear ada\nhello dear ada");
    assertThat(Runs.step(r, "report").path("outputs").path("stdout").asText()).isEqualTo("hello ada / hello bob and hello dear ada");
    // progress reports included steps as steps (only a tune trial, a child step, is left to its parent)
    assertThat(r.err()).containsPattern("(?m)^\\[\\d/8] ok +greet-twice/two/say ").containsPattern("(?m)^\\[\\d/8] ok +greet-ada/compose ").contains("[8/8] ok");
    // a key with '/' keeps its log in a folder per sub-pipeline
    String runId = Runs.parse(r).path("run_id").asText();
    assertThat(dir.resolve(".kiln/logs/" + runId + "/greet-twice/two/say.log")).exists();
    Cli.Result show = cli.run("show", runId);
    assertThat(show.exit()).as(show.err()).isZero();
    assertThat(show.out()).contains("greet-twice/one/compose").contains("greet-ada/say");
    Cli.Result explain = cli.run("explain", runId, "greet-ada/compose");
    assertThat(explain.exit()).as(explain.err()).isZero();
  }

  @Test
  void anIncludedStepHasTheSameCacheKeyWhicheverPipelineIncludesIt() throws IOException {
    Cli.Result first = cli.run("run", "pipelines/sub-pipelines.yaml", "--json");
    assertThat(first.exit()).as(first.err()).isZero();
    Files.writeString(dir.resolve("pipelines/other.yaml"), """
        name: other
        steps:
          hi:
            uses: ./lib/greet.yaml
            with: {who: ada}
        """);
    Cli.Result second = cli.run("run", "pipelines/other.yaml", "--json");
    assertThat(second.exit()).as(second.err()).isZero();
    assertThat(Runs.statuses(second)).containsEntry("hi/compose", "CACHED");
    assertThat(Runs.step(second, "hi/compose").path("cache_key").asText()).isEqualTo(Runs.step(first, "greet-ada/compose").path("cache_key").asText());
  }

  @Test
  void planDrawsASubPipelineAsAMermaidSubgraph() {
    Cli.Result r = cli.run("plan", "pipelines/sub-pipelines.yaml", "--format", "mermaid");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo("""
        graph TD
          names["names<br/>kiln/values"]
          subgraph greet_ada["greet-ada<br/>pipelines/lib/greet.yaml"]
            greet_ada__compose["greet-ada/compose<br/>kiln/values"]
            greet_ada__say["greet-ada/say<br/>kiln/command"]
          end
          subgraph greet_twice["greet-twice<br/>pipelines/lib/twice.yaml"]
            subgraph greet_twice__one["greet-twice/one<br/>pipelines/lib/greet.yaml"]
              greet_twice__one__compose["greet-twice/one/compose<br/>kiln/values"]
              greet_twice__one__say["greet-twice/one/say<br/>kiln/command"]
            end
            subgraph greet_twice__two["greet-twice/two<br/>pipelines/lib/greet.yaml"]
              greet_twice__two__compose["greet-twice/two/compose<br/>kiln/values"]
              greet_twice__two__say["greet-twice/two/say<br/>kiln/command"]
            end
          end
          report["report<br/>kiln/command"]
          names --> greet_twice__one__compose
          greet_ada__compose --> greet_ada__say
          greet_twice__one__compose --> greet_twice__one__say
          greet_twice__one__compose --> greet_twice__two__compose
          greet_twice__one__say --> greet_twice__two__compose
          greet_twice__one__compose --> greet_twice__two__say
          greet_twice__one__say --> greet_twice__two__say
          greet_twice__two__compose --> greet_twice__two__say
          greet_ada__compose --> report
          greet_twice__one__compose --> report
          greet_twice__two__compose --> report
        """);
  }

  @Test
  void planJsonNamesTheFileEachIncludedStepComesFrom() {
    Cli.Result r = cli.run("plan", "pipelines/sub-pipelines.yaml", "--format", "json");
    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode steps = Runs.parse(r).path("steps");
    Map<String, String> origins = new java.util.LinkedHashMap<>();
    Map<String, String> needs = new java.util.LinkedHashMap<>();
    for (JsonNode s : steps) {
      origins.put(s.path("id").asText(), s.path("origin").asText("-"));
      needs.put(s.path("id").asText(), s.path("needs").toString());
    }
    assertThat(origins).containsEntry("names", "-").containsEntry("greet-ada/say", "pipelines/lib/greet.yaml")
        .containsEntry("greet-twice/two/compose", "pipelines/lib/greet.yaml");
    // needs: one (a sub-pipeline step) waits for all of its steps
    assertThat(needs.get("greet-twice/two/compose")).isEqualTo("[\"greet-twice/one/compose\",\"greet-twice/one/say\"]");
    assertThat(needs.get("report")).isEqualTo("[\"greet-ada/compose\",\"greet-twice/one/compose\",\"greet-twice/two/compose\"]");
  }
}
