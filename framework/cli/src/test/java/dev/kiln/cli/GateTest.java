package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.engine.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The promotion gate end to end on the embedded store: validate blesses a good model and not a
 * worse one, register keeps both with lineage, promote obeys the blessing and the policy, and
 * --force is audited.
 */
class GateTest {
  static final String PIPELINE = """
      name: gate
      params:
        depth: {type: int, default: 6}
      steps:
        ingest:
          uses: tribuo/ingest
          with: {data: data/iris.csv, target: species, split: {test: 0.4, seed: 3}}
        train:
          uses: tribuo/train
          with:
            data: ${{ steps.ingest.outputs.train }}
            algorithm: cart
            hyperparameters: {max-depth: "${{ params.depth }}"}
            seed: 1
        validate:
          uses: kiln/validate
          with:
            model: ${{ steps.train.outputs.model }}
            data: ${{ steps.ingest.outputs.test }}
            name: iris
            require: {accuracy: ">= 0.5"}
            against-champion: {metric: accuracy, min-change: -0.02}
            compare: {test: mcnemar, alpha: 0.05}
            data-check: {max-psi: 0.25}
        register:
          uses: kiln/register
          with: {model: "${{ steps.train.outputs.model }}", name: iris}
      """;
  static final String POLICY = """
      aliases:
        champion: {ci-only: true, branches: [main]}
      """;
  static final List<String> CI_VARIABLES = List.of("CI", "JENKINS_URL", "BUILD_URL", "BRANCH_NAME", "GIT_BRANCH", "GITHUB_ACTIONS", "GITHUB_REF_NAME",
      "GITHUB_EVENT_NAME", "GITHUB_HEAD_REF", "GITHUB_RUN_ID", "GITHUB_REPOSITORY", "GITHUB_SHA", "GIT_COMMIT", "KILN_ACTOR", "KILN_BRANCH", "KILN_POLICY");

  @TempDir Path dir;
  Cli laptop;
  Cli ci;

  @BeforeEach
  void project() throws Exception {
    Files.createDirectories(dir.resolve("data"));
    Files.copy(Path.of("../../data/iris.csv"), dir.resolve("data/iris.csv"));
    Files.writeString(dir.resolve("gate.yaml"), PIPELINE);
    Files.createDirectories(dir.resolve("registry"));
    Files.writeString(dir.resolve("registry/policy.yaml"), POLICY);
    Map<String, String> env = new HashMap<>(Cli.in(dir).env());
    CI_VARIABLES.forEach(env::remove);
    env.put("USER", "alice");
    laptop = new Cli(dir, env);
    ci = laptop.with("CI", "true").with("BUILD_URL", "https://jenkins.example/job/kiln/7/").with("GIT_COMMIT", "0123456789abcdef0123456789abcdef01234567");
  }

  @Test
  void aWorseChallengerIsNotBlessedAndOnlyABlessedVersionIsPromotedWhereThePolicyAllows() {
    Cli.Result first = ci.run("run", "gate.yaml");
    assertThat(first.exit()).as(first.err()).isZero();
    JsonNode models = Json.read(ci.run("models", "iris", "--json").out());
    JsonNode v1 = models.path("versions").get(0);
    assertThat(v1.path("version").asInt()).isEqualTo(1);
    assertThat(v1.path("blessing").path("blessed").asBoolean()).as("the first model is judged on absolute checks").isTrue();
    assertThat(v1.path("blessing").path("checks").path("checks").findValuesAsText("status")).contains("passed", "skipped");
    assertThat(v1.path("gitCommit").asText()).isEqualTo("0123456789abcdef0123456789abcdef01234567");
    assertThat(v1.path("metrics").has("train.accuracy")).isTrue();

    // the policy: champion only in CI, only from main
    Cli.Result onLaptop = laptop.run("promote", "iris", "1");
    assertThat(onLaptop.exit()).isEqualTo(2);
    assertThat(onLaptop.err()).contains("champion may only be moved in CI").contains("registry/policy.yaml").contains("hint: ");
    Cli.Result onBranch = ci.with("BRANCH_NAME", "feature/x").run("promote", "iris", "1");
    assertThat(onBranch.exit()).isEqualTo(2);
    assertThat(onBranch.err()).contains("only be moved from branch main").contains("\"feature/x\"");
    Cli.Result onMain = ci.with("BRANCH_NAME", "main").run("promote", "iris", "1");
    assertThat(onMain.exit()).as(onMain.err()).isZero();
    assertThat(onMain.out()).contains("iris@champion -> version 1 (new alias)");
    assertThat(laptop.run("promote", "iris", "1", "--alias", "challenger").exit()).as("other aliases: anywhere").isZero();

    // a depth-1 tree is worse than the champion: validated, registered, not blessed, not promotable
    Cli.Result second = ci.run("run", "gate.yaml", "-p", "depth=1");
    assertThat(second.exit()).as("a candidate that is not blessed is not a failed run: " + second.err()).isZero();
    JsonNode v2 = Json.read(ci.run("models", "iris", "--json").out()).path("versions").get(1);
    assertThat(v2.path("blessing").path("blessed").asBoolean()).isFalse();
    assertThat(v2.path("blessing").path("championVersion").asInt()).isEqualTo(1);
    List<String> failed = new java.util.ArrayList<>();
    v2.path("blessing").path("checks").path("checks").forEach(c -> {
      if (c.path("status").asText().equals("failed")) failed.add(c.path("name").asText());
    });
    assertThat(failed).contains("against-champion.accuracy");
    assertThat(failed).doesNotContain("data.schema", "accuracy");
    String table = ci.run("models", "iris").out();
    assertThat(table).contains("NOT blessed").contains("failed against-champion.accuracy");

    Cli.Result refused = ci.with("BRANCH_NAME", "main").run("promote", "iris", "2");
    assertThat(refused.exit()).isEqualTo(2);
    assertThat(refused.err()).contains("did not pass validation").contains("--force");
    Cli.Result noReason = ci.with("BRANCH_NAME", "main").run("promote", "iris", "2", "--force");
    assertThat(noReason.exit()).isEqualTo(2);
    assertThat(noReason.err()).contains("--force needs --reason");
    Cli.Result forced = laptop.run("promote", "iris", "2", "--force", "--reason", "rollback drill");
    assertThat(forced.exit()).as(forced.err()).isZero();
    assertThat(forced.err()).contains("forced past the promotion policy");
    assertThat(Json.read(ci.run("models", "--json").out()).get(0).path("aliases").path("champion").asInt()).isEqualTo(2);

    JsonNode history = Json.read(ci.run("history", "iris", "--json").out());
    assertThat(history.findValuesAsText("action")).containsExactly("register", "promote", "promote", "register", "promote");
    JsonNode ciPromotion = history.get(1);
    assertThat(ciPromotion.path("origin").asText()).isEqualTo("https://jenkins.example/job/kiln/7/");
    assertThat(ciPromotion.path("actor").asText()).isEqualTo("ci");
    assertThat(ciPromotion.path("forced").asBoolean()).isFalse();
    JsonNode last = history.get(4);
    assertThat(last.path("forced").asBoolean()).isTrue();
    assertThat(last.path("reason").asText()).isEqualTo("rollback drill");
    assertThat(last.path("actor").asText()).isEqualTo("alice");
    assertThat(last.path("fromVersion").asInt()).isEqualTo(1);
    assertThat(ci.run("history", "iris").out()).contains("FORCED: rollback drill");
  }

  @Test
  void badInputIsAMessageNotAStackTrace() throws Exception {
    assertThat(laptop.run("models", "nope").err()).contains("no registered model named \"nope\"");
    Files.writeString(dir.resolve("registry/policy.yaml"), "aliases:\n  champion: {ci-only: true, branch: main}\n");
    assertThat(ci.run("run", "gate.yaml").exit()).isZero();
    Cli.Result bad = ci.run("promote", "iris", "1");
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.err()).contains("registry/policy.yaml:2:").contains("unknown key \"branch\"").contains("hint:").doesNotContain("Exception");
    Cli.Result noVersion = ci.run("promote", "iris", "7", "--policy", "none.yaml");
    assertThat(noVersion.exit()).isEqualTo(2);
    Files.delete(dir.resolve("registry/policy.yaml"));
    Cli.Result missing = ci.run("promote", "iris", "7");
    assertThat(missing.exit()).isEqualTo(2);
    assertThat(missing.err()).contains("iris has no version 7").contains("hint: `kiln models iris`");
  }
}
