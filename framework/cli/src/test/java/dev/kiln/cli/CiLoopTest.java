package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.engine.json.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The CI loop in a temporary git repository, as Jenkins or GitHub Actions would drive it: a
 * change on a branch -> {@code kiln ci changed} finds the affected pipelines -> {@code kiln ci
 * retrain} trains and reports (JUnit XML with the gate's checks, Markdown) -> {@code kiln ci
 * promote} refuses on the branch, promotes the blessed candidate on main (audited with build URL
 * and commit) and refuses an unblessed one.
 */
class CiLoopTest {
  static final String OTHER = """
      name: other
      steps:
        hello:
          uses: kiln/command
          with: {run: echo hello}
      """;

  @TempDir Path dir;
  Cli base;

  @BeforeEach
  void repository() throws Exception {
    Files.createDirectories(dir.resolve("data"));
    Files.createDirectories(dir.resolve("pipelines"));
    Files.createDirectories(dir.resolve("registry"));
    Files.copy(Path.of("../../data/iris.csv"), dir.resolve("data/iris.csv"));
    Files.writeString(dir.resolve("pipelines/iris.yaml"), GateTest.PIPELINE);
    Files.writeString(dir.resolve("pipelines/other.yaml"), OTHER);
    Files.writeString(dir.resolve("registry/policy.yaml"), GateTest.POLICY);
    Files.writeString(dir.resolve("params.yaml"), "gate:\n  depth: 6\nother: {}\n");
    // a plugin module as Kiln's repository lays them out: its code changing affects the pipelines using its steps
    Files.createDirectories(dir.resolve("plugins/tribuo/src/main/java"));
    Files.writeString(dir.resolve("plugins/tribuo/pom.xml"), "<project><parent><artifactId>kiln-parent</artifactId></parent><artifactId>kiln-plugin-tribuo</artifactId></project>\n");
    Files.writeString(dir.resolve("plugins/tribuo/src/main/java/Scoring.java"), "class Scoring {}\n");
    Files.writeString(dir.resolve(".gitignore"), ".kiln/\nkiln-ci/\n");
    git("init", "-q", "-b", "main");
    commit("project");
    Map<String, String> env = new HashMap<>(Cli.in(dir).env());
    GateTest.CI_VARIABLES.forEach(env::remove);
    env.put("USER", "alice");
    base = new Cli(dir, env).with("CI", "true");
  }

  @Test
  void aChangeOnABranchIsRetrainedAndOnlyABlessedCandidateIsPromotedFromMain() throws Exception {
    // nothing changed yet
    JsonNode none = Json.read(base.run("ci", "changed", "--base", "main", "--json").out());
    assertThat(none.path("pipelines").findValuesAsText("affected")).containsOnly("false");

    // a branch changes the iris pipeline's params section
    git("checkout", "-q", "-b", "feature/deeper");
    Files.writeString(dir.resolve("params.yaml"), "gate:\n  depth: 5\nother: {}\n");
    commit("deeper trees");
    Cli feature = base.with("BRANCH_NAME", "feature/deeper").with("BUILD_URL", "https://jenkins.example/job/kiln/PR-1/3/");
    Cli.Result changed = feature.run("ci", "changed", "--base", "main", "--json");
    assertThat(changed.exit()).as(changed.err()).isZero();
    Map<String, JsonNode> byFile = byFile(Json.read(changed.out()));
    assertThat(byFile.get("pipelines/iris.yaml").path("affected").asBoolean()).isTrue();
    assertThat(byFile.get("pipelines/iris.yaml").path("reasons").toString()).contains("params.yaml:gate changed");
    assertThat(byFile.get("pipelines/other.yaml").path("affected").asBoolean()).isFalse();
    assertThat(feature.run("ci", "changed", "--base", "main", "--files").out()).isEqualTo("pipelines/iris.yaml\n");

    Cli.Result retrain = feature.run("ci", "retrain", "--base", "main");
    assertThat(retrain.exit()).as(retrain.err()).isZero();
    assertThat(retrain.err()).contains("1 of 2 valid pipelines affected");
    Map<String, List<Element>> cases = junit(dir.resolve("kiln-ci/junit.xml"));
    assertThat(cases.get("kiln.pipelines")).extracting(e -> e.getAttribute("name")).containsExactly("pipelines/iris.yaml", "pipelines/other.yaml");
    assertThat(cases.get("kiln.pipelines").get(1).getElementsByTagName("skipped").getLength()).as("other is not affected").isEqualTo(1);
    assertThat(cases.get("kiln.gate.iris")).extracting(e -> e.getAttribute("name")).contains("accuracy >= 0.5");
    String summary = Files.readString(dir.resolve("kiln-ci/summary.md"));
    assertThat(summary).contains("### iris version 1: blessed").contains("No champion yet").contains("| accuracy |");
    assertThat(Files.readString(dir.resolve("kiln-ci/blessed.txt"))).isEqualTo("iris:1\n");
    JsonNode built = Json.read(Files.readString(dir.resolve("kiln-ci/candidates.json")));
    assertThat(built.path("branch").asText()).isEqualTo("feature/deeper");

    // never promotes from a feature branch
    Cli.Result onBranch = feature.run("ci", "promote");
    assertThat(onBranch.exit()).isEqualTo(2);
    assertThat(onBranch.err()).contains("may only be moved from branch main");
    assertThat(Json.read(base.run("models", "iris", "--json").out()).path("aliases").isEmpty()).isTrue();

    // merged to main: the build of main retrains what the merge changed and promotes the blessed candidate
    git("checkout", "-q", "main");
    git("merge", "-q", "--no-ff", "-m", "merge feature/deeper", "feature/deeper");
    String head = git("rev-parse", "HEAD");
    Cli main = base.with("BRANCH_NAME", "main").with("BUILD_URL", "https://jenkins.example/job/kiln/main/12/").with("GIT_COMMIT", head);
    Cli.Result mainRetrain = main.run("ci", "retrain", "--base", "HEAD~1");
    assertThat(mainRetrain.exit()).as(mainRetrain.err()).isZero();
    Cli.Result promoted = main.run("ci", "promote");
    assertThat(promoted.exit()).as(promoted.err()).isZero();
    assertThat(promoted.out()).contains("promoted iris@champion -> version 1");
    JsonNode history = Json.read(main.run("history", "iris", "--json").out());
    JsonNode promotion = history.get(history.size() - 1);
    assertThat(promotion.path("action").asText()).isEqualTo("promote");
    assertThat(promotion.path("origin").asText()).isEqualTo("https://jenkins.example/job/kiln/main/12/");
    assertThat(promotion.path("gitCommit").asText()).isEqualTo(head);
    assertThat(promotion.path("forced").asBoolean()).isFalse();

    // a worse model (depth 1): trained and reported, not blessed, not a failed build; promote refuses it
    Files.writeString(dir.resolve("params.yaml"), "gate:\n  depth: 1\nother: {}\n");
    commit("stumps");
    Cli.Result worse = main.with("GIT_COMMIT", git("rev-parse", "HEAD")).run("ci", "retrain", "--base", "HEAD~1");
    assertThat(worse.exit()).as("an unblessed candidate is reported, not a failure").isZero();
    Map<String, List<Element>> gate = junit(dir.resolve("kiln-ci/junit.xml"));
    assertThat(gate.get("kiln.gate.iris")).filteredOn(e -> e.getAttribute("name").startsWith("against-champion"))
        .singleElement().satisfies(e -> assertThat(e.getElementsByTagName("failure").getLength()).isEqualTo(1));
    assertThat(Files.readString(dir.resolve("kiln-ci/blessed.txt"))).as("nothing blessed: the Jenkinsfile skips promotion").isEmpty();
    assertThat(Files.readString(dir.resolve("kiln-ci/summary.md"))).contains("iris version 2: **not blessed**").contains("version 1, on the same holdout");
    Cli.Result refused = main.run("ci", "promote", "--json");
    assertThat(refused.exit()).as(refused.err()).isZero();
    JsonNode decision = Json.read(refused.out()).path("decisions").get(0);
    assertThat(decision.path("outcome").asText()).isEqualTo("refused");
    assertThat(decision.path("reason").asText()).contains("did not pass validation");
    assertThat(Json.read(main.run("models", "iris", "--json").out()).path("aliases").path("champion").asInt()).as("the champion stays version 1").isEqualTo(1);
  }

  @Test
  void dataParamsAndPluginCodeChangesReachThePipelinesThatUseThem() throws Exception {
    // data the pipeline reads (an uncommitted change counts)
    Files.writeString(dir.resolve("data/iris.csv"), Files.readString(dir.resolve("data/iris.csv")) + "5.0,3.3,1.4,0.2,setosa\n");
    Map<String, JsonNode> data = byFile(Json.read(base.run("ci", "changed", "--base", "main", "--json").out()));
    assertThat(data.get("pipelines/iris.yaml").path("reasons").toString()).contains("reads data/iris.csv");
    assertThat(data.get("pipelines/other.yaml").path("affected").asBoolean()).isFalse();
    git("checkout", "-q", "--", "data/iris.csv");

    // a DVC pointer file of that data
    Files.writeString(dir.resolve("data/iris.csv.dvc"), "outs:\n- md5: 0123\n  path: iris.csv\n");
    assertThat(byFile(Json.read(base.run("ci", "changed", "--base", "main", "--json").out())).get("pipelines/iris.yaml").path("reasons").toString())
        .contains("data/iris.csv.dvc changed");
    Files.delete(dir.resolve("data/iris.csv.dvc"));

    // the plugin whose steps it uses
    Files.writeString(dir.resolve("plugins/tribuo/src/main/java/Scoring.java"), "class Scoring { int changed; }\n");
    Map<String, JsonNode> code = byFile(Json.read(base.run("ci", "changed", "--base", "main", "--json").out()));
    assertThat(code.get("pipelines/iris.yaml").path("reasons").toString()).contains("code of plugins/tribuo changed (uses tribuo/ingest, tribuo/train");
    assertThat(code.get("pipelines/other.yaml").path("affected").asBoolean()).isFalse();

    // an unknown base is a usage error with a hint, not a stack trace
    Cli.Result unknown = base.run("ci", "changed", "--base", "origin/nope");
    assertThat(unknown.exit()).isEqualTo(2);
    assertThat(unknown.err()).contains("--base origin/nope: no such commit").contains("fetch-depth: 0").doesNotContain("Exception");

    // a failing pipeline fails the build (exit 1) and is a failed test case; retrain without --base runs all
    Files.writeString(dir.resolve("pipelines/other.yaml"), OTHER.replace("echo hello", "exit 3"));
    Cli.Result failing = base.run("ci", "retrain", "pipelines/other.yaml");
    assertThat(failing.exit()).isEqualTo(1);
    assertThat(junit(dir.resolve("kiln-ci/junit.xml")).get("kiln.pipelines").get(0).getElementsByTagName("failure").getLength()).isEqualTo(1);
  }

  @Test
  void aChangedSubPipelineAffectsThePipelinesIncludingItAndIsNotRetrainedOnItsOwn() throws Exception {
    Files.createDirectories(dir.resolve("pipelines/lib"));
    Files.writeString(dir.resolve("pipelines/lib/hello.yaml"), "name: hello\nparams:\n  who: {type: string}\nsteps:\n  say:\n    uses: kiln/command\n    with: {run: \"echo hello ${{ params.who }}\"}\n");
    Files.writeString(dir.resolve("pipelines/greets.yaml"), "name: greets\nsteps:\n  hi:\n    uses: ./lib/hello.yaml\n    with: {who: ada}\n");
    commit("a sub-pipeline");
    Files.writeString(dir.resolve("pipelines/lib/hello.yaml"), Files.readString(dir.resolve("pipelines/lib/hello.yaml")).replace("echo hello", "echo hi"));
    Map<String, JsonNode> changed = byFile(Json.read(base.run("ci", "changed", "--base", "main", "--json").out()));
    assertThat(changed.get("pipelines/greets.yaml").path("reasons").toString()).contains("pipelines/lib/hello.yaml changed (a sub-pipeline it includes)");
    assertThat(changed).doesNotContainKey("pipelines/lib/hello.yaml");
    assertThat(changed.get("pipelines/other.yaml").path("affected").asBoolean()).isFalse();
    Cli.Result retrained = base.run("ci", "retrain", "--base", "main");
    assertThat(retrained.exit()).as(retrained.err()).isZero();
    assertThat(junit(dir.resolve("kiln-ci/junit.xml")).get("kiln.pipelines")).extracting(e -> e.getAttribute("name"))
        .anyMatch(n -> n.contains("greets")).noneMatch(n -> n.contains("hello"));
  }

  private static Map<String, JsonNode> byFile(JsonNode report) {
    Map<String, JsonNode> out = new HashMap<>();
    report.path("pipelines").forEach(p -> out.put(p.path("file").asText(), p));
    return out;
  }

  /** Test cases by classname. */
  private static Map<String, List<Element>> junit(Path file) throws Exception {
    var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile());
    NodeList list = doc.getElementsByTagName("testcase");
    Map<String, List<Element>> out = new HashMap<>();
    for (int i = 0; i < list.getLength(); i++) {
      Element e = (Element) list.item(i);
      out.computeIfAbsent(e.getAttribute("classname"), k -> new ArrayList<>()).add(e);
    }
    return out;
  }

  private void commit(String message) throws Exception {
    git("add", "-A");
    git("-c", "user.email=ci@kiln.dev", "-c", "user.name=ci", "commit", "-q", "-m", message);
  }

  private String git(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("git", "-c", "user.email=ci@kiln.dev", "-c", "user.name=ci"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertThat(p.waitFor()).as(String.join(" ", cmd) + ": " + out).isZero();
    return out;
  }
}
