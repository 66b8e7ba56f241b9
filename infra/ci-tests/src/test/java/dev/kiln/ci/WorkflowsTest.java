package dev.kiln.ci;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The GitHub Actions workflows: their triggers, the Kiln commands they call, and that promotion
 * only happens from main, after a successful retrain, in the production environment.
 */
class WorkflowsTest {
  static final Path DIR = Path.of("../../.github/workflows");
  static final Pattern KILN = Pattern.compile("\\./kiln ((?:ci )?[a-z]+)");

  static JsonNode read(String name) throws Exception {
    return new YAMLMapper().readTree(DIR.resolve(name).toFile());
  }

  /** Every step of every job, with its job. */
  static List<JsonNode[]> steps(JsonNode workflow) {
    List<JsonNode[]> out = new ArrayList<>();
    workflow.path("jobs").forEach(job -> job.path("steps").forEach(step -> out.add(new JsonNode[] {job, step})));
    return out;
  }

  static TreeSet<String> kilnCommands(JsonNode workflow) {
    TreeSet<String> out = new TreeSet<>();
    for (JsonNode[] s : steps(workflow)) {
      Matcher m = KILN.matcher(s[1].path("run").asText(""));
      while (m.find()) out.add(m.group(1));
    }
    return out;
  }

  @Test
  void ciBuildsAndTestsEveryPullRequest() throws Exception {
    JsonNode ci = read("ci.yml");
    assertThat(ci.path("on").has("pull_request")).isTrue();
    assertThat(steps(ci)).anyMatch(s -> s[1].path("run").asText("").contains("./infra/test.sh") && s[1].path("env").path("CI").asText().equals("true"));
    assertThat(kilnCommands(ci)).containsExactly("ci changed", "validate");
  }

  @Test
  void retrainRunsOnChangesToPipelinesAndDataAndPublishesTheGate() throws Exception {
    JsonNode retrain = read("retrain.yml");
    List<String> paths = new ArrayList<>();
    retrain.path("on").path("push").path("paths").forEach(p -> paths.add(p.asText()));
    assertThat(paths).contains("pipelines/**", "data/**", "**/*.dvc", "dvc.lock");
    assertThat(retrain.path("on").has("pull_request")).isFalse();
    assertThat(kilnCommands(retrain)).containsExactly("ci retrain", "validate");
    assertThat(steps(retrain)).anyMatch(s -> s[1].path("uses").asText("").startsWith("actions/checkout") && s[1].path("with").path("fetch-depth").asInt(-1) == 0);
    assertThat(steps(retrain)).anyMatch(s -> s[1].path("run").asText("").contains("--base"));
    assertThat(steps(retrain)).anyMatch(s -> s[1].path("run").asText("").contains("kiln-ci/summary.md") && s[1].path("run").asText("").contains("GITHUB_STEP_SUMMARY")
        && s[1].path("if").asText().equals("always()"));
    assertThat(steps(retrain)).anyMatch(s -> s[1].path("uses").asText("").startsWith("actions/upload-artifact") && s[1].path("with").path("name").asText().equals("kiln-ci")
        && s[1].path("with").path("path").asText().contains("kiln-ci/"));
    // secrets reach the job through the environment, never through a command line
    for (JsonNode[] s : steps(retrain)) assertThat(s[1].path("run").asText("")).doesNotContain("secrets.");
  }

  @Test
  void promotionHappensOnlyFromMainAfterASuccessfulRetrainInProduction() throws Exception {
    JsonNode promote = read("promote.yml");
    JsonNode on = promote.path("on");
    assertThat(on.has("push") || on.has("pull_request") || on.has("workflow_dispatch")).as("promotion has no other trigger").isFalse();
    assertThat(on.path("workflow_run").path("workflows").get(0).asText()).isEqualTo("retrain");
    assertThat(on.path("workflow_run").path("branches")).hasSize(1);
    assertThat(on.path("workflow_run").path("branches").get(0).asText()).isEqualTo("main");
    assertThat(kilnCommands(promote)).containsExactly("ci promote");
    promote.path("jobs").forEach(job -> {
      assertThat(job.path("environment").asText()).isEqualTo("production");
      assertThat(job.path("if").asText()).contains("conclusion == 'success'").contains("head_branch == 'main'");
      assertThat(job.path("env").path("KILN_BRANCH").asText()).contains("head_branch");
    });
    assertThat(steps(promote)).anyMatch(s -> s[1].path("uses").asText("").startsWith("actions/download-artifact")
        && s[1].path("with").path("run-id").asText().contains("workflow_run.id"));
  }

  @Test
  void noOtherWorkflowPromotes() throws Exception {
    try (Stream<Path> files = Files.list(DIR)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yml") || p.toString().endsWith(".yaml")).toList()) {
        if (f.getFileName().toString().equals("promote.yml")) continue;
        JsonNode w = new YAMLMapper().readTree(f.toFile());
        assertThat(kilnCommands(w)).as(f.toString()).doesNotContain("ci promote", "promote");
      }
    }
  }
}
