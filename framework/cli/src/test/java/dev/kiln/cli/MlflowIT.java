package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.engine.home.KilnHome;
import dev.kiln.registry.MetricRecord;
import dev.kiln.registry.RunStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tracking against a real MLflow server (infra/mlflow.sh): everything is read back through
 * MLflow's REST API and compared with what Kiln's own store recorded.
 */
class MlflowIT {
  static final String SECRET = "s3cr3t-Token-4711";
  static final String PIPELINE = """
      name: tracked-sweep
      tracking:
        experiment: kiln-it
        tags: {team: fraud-ml}
      steps:
        ingest:
          uses: tribuo/ingest
          with: {data: data/iris.csv, target: species, split: {test: 0.3, seed: 3}}
        secret:
          uses: kiln/command
          env: {TOKEN: '${{ secrets.API_TOKEN }}'}
          with:
            run: sleep %d && echo "token=$TOKEN" > leak.txt && echo public > ok.txt && echo "using $TOKEN"
            outputs: {leak: leak.txt, ok: ok.txt}
        search:
          uses: kiln/tune
          with:
            trainer: tribuo/train
            data: ${{ steps.ingest.outputs.train }}
            fixed: {task: classification, algorithm: xgboost}
            objective: {metric: accuracy, cv: 3}
            trials: %d
            seed: 5
            space:
              trees: {int: [5, 40]}
              eta: {float: [0.02, 0.5], log: true}
        train:
          uses: tribuo/train
          with:
            data: ${{ steps.ingest.outputs.train }}
            algorithm: xgboost
            hyperparameters: ${{ steps.search.outputs.best }}
      """;

  @TempDir Path dir;
  @TempDir Path serverDir;

  /** {@code sleep} seconds keep the run alive (a step beside the sweep) so an outage lands mid-run. */
  private Cli project(int sleep, int trials, String uri) throws Exception {
    Files.createDirectories(dir.resolve("data"));
    Files.copy(Path.of("../../data/iris.csv"), dir.resolve("data/iris.csv"));
    Files.writeString(dir.resolve("p.yaml"), PIPELINE.formatted(sleep, trials));
    git("init", "-q", "-b", "main");
    git("-c", "user.email=it@kiln.dev", "-c", "user.name=it", "add", ".");
    git("-c", "user.email=it@kiln.dev", "-c", "user.name=it", "commit", "-q", "-m", "pipeline");
    git("remote", "add", "origin", "https://user:pw@example.com/team/models.git");
    return Cli.in(dir).with("MLFLOW_TRACKING_URI", uri).with("API_TOKEN", SECRET);
  }

  @Test
  void aTunedRunAppearsInMlflowAsParentStepAndTrialRuns() throws Exception {
    try (MlflowServer server = MlflowServer.start(serverDir)) {
      Cli cli = project(0, 5, server.uri);
      Cli.Result r = cli.run("run", "p.yaml");
      assertThat(r.exit()).as(r.err()).isZero();
      assertThat(r.err()).contains("tracking: MLflow run " + server.uri + "/#/experiments/");
      String runId = runId(r);
      List<JsonNode> runs = server.runsOf(runId);
      JsonNode parent = only(runs, "");
      String parentId = id(parent);

      // the tree: 4 steps under the run, 5 trials under the search step
      Map<String, JsonNode> byKey = runs.stream().collect(Collectors.toMap(x -> MlflowServer.tag(x, "kiln.step_key"), x -> x));
      assertThat(byKey.keySet()).contains("ingest", "secret", "search", "train");
      for (String step : List.of("ingest", "secret", "search", "train")) assertThat(MlflowServer.tag(byKey.get(step), "mlflow.parentRunId")).isEqualTo(parentId);
      List<JsonNode> trials = runs.stream().filter(x -> MlflowServer.tag(x, "kiln.step_key").startsWith("search/")).toList();
      assertThat(trials).hasSize(5);
      for (JsonNode t : trials) {
        assertThat(MlflowServer.tag(t, "mlflow.parentRunId")).isEqualTo(id(byKey.get("search")));
        assertThat(MlflowServer.param(t, "algorithm")).isEqualTo("xgboost");
        assertThat(MlflowServer.param(t, "hyperparameters.trees")).matches("\\d+");
      }
      assertThat(runs).hasSize(1 + 4 + 5);
      assertThat(runs).allSatisfy(x -> assertThat(x.path("info").path("status").asText()).isEqualTo("FINISHED"));

      // experiment, system and source tags
      JsonNode exp = server.get("experiments/get?experiment_id=" + parent.path("info").path("experiment_id").asText());
      assertThat(exp.path("experiment").path("name").asText()).isEqualTo("kiln-it");
      assertThat(MlflowServer.tag(parent, "mlflow.runName")).isEqualTo("tracked-sweep " + runId);
      assertThat(MlflowServer.tag(parent, "mlflow.source.name")).isEqualTo("p.yaml");
      assertThat(MlflowServer.tag(parent, "mlflow.user")).isNotBlank();
      assertThat(MlflowServer.tag(parent, "mlflow.source.git.commit")).isEqualTo(git("rev-parse", "HEAD"));
      assertThat(MlflowServer.tag(parent, "mlflow.source.git.branch")).isEqualTo("main");
      assertThat(MlflowServer.tag(parent, "mlflow.source.git.repoURL")).isEqualTo("https://example.com/team/models.git");
      assertThat(MlflowServer.tag(parent, "team")).isEqualTo("fraud-ml");
      assertThat(MlflowServer.tag(parent, "kiln.run_id")).isEqualTo(runId);

      // params flattened with dotted keys
      JsonNode search = byKey.get("search");
      assertThat(MlflowServer.param(search, "space.trees.int")).isEqualTo("[5,40]");
      assertThat(MlflowServer.param(search, "objective.cv")).isEqualTo("3");
      assertThat(MlflowServer.param(byKey.get("ingest"), "split.seed")).isEqualTo("3");

      verifyEverythingOnce(server, runId);

      // artifacts: bytes equal to Kiln's store; the pipeline as run on the parent
      assertThat(new String(server.download(parentId, "pipeline/p.yaml"), StandardCharsets.UTF_8)).isEqualTo(Files.readString(dir.resolve("p.yaml")));
      List<String> trainArtifacts = server.artifacts(id(byKey.get("train")), "");
      assertThat(trainArtifacts).anyMatch(p -> p.startsWith("model/"));
      try (KilnHome home = home()) {
        for (String p : trainArtifacts) {
          byte[] got = server.download(id(byKey.get("train")), p);
          assertThat(home.artifacts().isIntact(new dev.kiln.api.Artifact(dev.kiln.engine.artifact.ArtifactStore.hash(got), got.length, null, null)))
              .as(p + " is byte for byte an artifact Kiln stored").isTrue();
        }
      }
      assertThat(server.artifacts(id(byKey.get("search")), "")).anyMatch(p -> p.startsWith("report/")).anyMatch(p -> p.endsWith(".png"));

      // dataset inputs with their content digest, on the step and the run
      String sha = dev.kiln.engine.artifact.ArtifactStore.hash(dir.resolve("data/iris.csv"));
      JsonNode ingest = server.get("runs/get?run_id=" + id(byKey.get("ingest"))).path("run");
      assertThat(ingest.path("inputs").path("dataset_inputs").get(0).path("dataset").path("digest").asText()).isEqualTo(sha.substring(0, 8));
      assertThat(ingest.path("inputs").path("dataset_inputs").get(0).path("dataset").path("name").asText()).isEqualTo("iris.csv");
      JsonNode parentFull = server.get("runs/get?run_id=" + parentId).path("run");
      assertThat(parentFull.path("inputs").path("dataset_inputs")).hasSize(1);

      // the secret is nowhere: not in params, tags or artifacts; the output that holds it stays home
      for (JsonNode x : runs) {
        assertThat(x.path("data").toString()).doesNotContain(SECRET);
        for (String p : server.artifacts(id(x), "")) assertThat(new String(server.download(id(x), p), StandardCharsets.UTF_8)).doesNotContain(SECRET);
      }
      assertThat(server.artifacts(id(byKey.get("secret")), "")).containsExactly("ok/ok.txt");
      assertThat(r.err()).contains("output leak contains a secret value");

      // the registry mirror: versions point at the step's artifacts; an alias moves
      dev.kiln.api.ModelRegistryMirror mirror = new dev.kiln.mlflow.MlflowTracker().registry(dir.resolve(".kiln"), Map.of("MLFLOW_TRACKING_URI", server.uri));
      String v1 = mirror.createVersion("iris-xgb", runId, "train", "model", Map.of("kiln.blessed", "true"));
      String v2 = mirror.createVersion("iris-xgb", runId, "train", "model", Map.of());
      assertThat(mirror.versionOf("iris-xgb", "champion")).isNull();
      mirror.setAlias("iris-xgb", "champion", v1);
      assertThat(mirror.versionOf("iris-xgb", "champion")).isEqualTo(v1);
      mirror.setAlias("iris-xgb", "champion", v2);
      assertThat(mirror.versionOf("iris-xgb", "champion")).isEqualTo(v2);
      JsonNode mv = server.get("model-versions/get?name=iris-xgb&version=" + v1).path("model_version");
      assertThat(mv.path("run_id").asText()).isEqualTo(id(byKey.get("train")));
      assertThat(mv.path("source").asText()).endsWith("/artifacts/model");
      mirror.deleteAlias("iris-xgb", "champion");
      mirror.deleteAlias("iris-xgb", "champion");
      assertThat(mirror.versionOf("iris-xgb", "champion")).isNull();
    }
  }

  @Test
  void anOutageMidRunLosesNothingAndDuplicatesNothing() throws Exception {
    try (MlflowServer server = MlflowServer.start(serverDir)) {
      Cli cli = project(15, 8, server.uri).with("KILN_TRACKING_WAIT_MS", "1500");
      CompletableFuture<Cli.Result> running = CompletableFuture.supplyAsync(() -> cli.run("run", "p.yaml"));
      // wait until the run shows up in MLflow, then take the server down mid-run
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      while (server.post("runs/search", MlflowServer.M.createObjectNode().put("filter", "tags.`kiln.step_key` = 'ingest'")
          .set("experiment_ids", MlflowServer.M.createArrayNode().add(experimentId(server)))).path("runs").isEmpty()) {
        assertThat(running).as("the run ended before it was tracked").isNotDone();
        assertThat(System.nanoTime()).isLessThan(deadline);
        Thread.sleep(100);
      }
      server.stop();
      Cli.Result r = running.get(300, TimeUnit.SECONDS);
      assertThat(r.exit()).as("an outage never fails the run: " + r.err()).isZero();
      assertThat(r.err()).contains("events kept in").contains("kiln sync");
      String runId = runId(r);

      server.startAgain();
      Cli.Result sync = cli.run("sync");
      assertThat(sync.exit()).as(sync.out() + sync.err()).isZero();
      assertThat(sync.out()).contains(runId + ": delivered");
      verifyEverythingOnce(server, runId);
      assertThat(cli.run("sync").out()).contains("nothing to deliver");

      // a delivery whose commits were lost (a crash after each request) repeats them harmlessly
      Path state = dir.resolve(".kiln/outbox/mlflow/" + runId + "/state.json");
      ObjectNode st = (ObjectNode) MlflowServer.M.readTree(state.toFile());
      st.put("delivered", 0).put("finished", false);
      Files.writeString(state, st.toString());
      assertThat(cli.run("sync").exit()).isZero();
      verifyEverythingOnce(server, runId);
    }
  }

  static final String ADMIN_PASSWORD = "admin-Pw-0xC0FFEE-42";
  static final String WRONG_PASSWORD = "wrong-Pw-0xBADBAD-17";
  static final String BOB_PASSWORD = "bob-Pw-0xFACADE-99";

  /**
   * Against MLflow's basic-auth app: with the right credentials (MLFLOW_TRACKING_USERNAME/PASSWORD)
   * everything is delivered, artifacts and the registry mirror included. Wrong, missing or
   * insufficient credentials are a configuration error said at once (no waiting for an outage to
   * pass), naming the variables; nothing is claimed delivered, the events stay in the outbox, and
   * `kiln sync` with the right credentials delivers them. No password or Authorization header
   * reaches the output, Kiln's home (store, logs, outbox) or MLflow. (A bearer token is left to
   * MlflowCredentialsTest: the basic-auth app with its credential cache on answers one with a 500.)
   */
  @Test
  void credentialsFromTheEnvironmentAreSentAndRefusedOnesAreAConfigurationError() throws Exception {
    try (MlflowServer server = MlflowServer.startWithBasicAuth(serverDir, ADMIN_PASSWORD)) {
      Cli anonymous = project(0, 3, server.uri).without("MLFLOW_TRACKING_USERNAME").without("MLFLOW_TRACKING_PASSWORD").without("MLFLOW_TRACKING_TOKEN")
          .without("MLFLOW_TRACKING_INSECURE_TLS").with("KILN_TRACKING_WAIT_MS", "60000");
      Cli admin = anonymous.with("MLFLOW_TRACKING_USERNAME", "admin").with("MLFLOW_TRACKING_PASSWORD", ADMIN_PASSWORD).with("KILN_TRACKING_WAIT_MS", "180000");
      List<Cli.Result> results = new ArrayList<>();

      // the right credentials: everything delivered
      Cli.Result ok = admin.run("run", "p.yaml");
      results.add(ok);
      assertThat(ok.exit()).as(ok.err()).isZero();
      assertThat(ok.err()).contains("tracking: MLflow run " + server.uri + "/#/experiments/");
      String okRun = runId(ok);
      verifyEverythingOnce(server, okRun, 20);
      String parentId = id(only(server.runsOf(okRun), ""));
      assertThat(new String(server.download(parentId, "pipeline/p.yaml"), StandardCharsets.UTF_8)).isEqualTo(Files.readString(dir.resolve("p.yaml")));
      String trainId = id(only(server.runsOf(okRun), "train"));
      assertThat(server.artifacts(trainId, "")).anyMatch(p -> p.startsWith("model/"));
      dev.kiln.api.ModelRegistryMirror mirror = new dev.kiln.mlflow.MlflowTracker().registry(dir.resolve(".kiln"),
          Map.of("MLFLOW_TRACKING_URI", server.uri, "MLFLOW_TRACKING_USERNAME", "admin", "MLFLOW_TRACKING_PASSWORD", ADMIN_PASSWORD));
      String v1 = mirror.createVersion("iris-auth", okRun, "train", "model", Map.of());
      mirror.setAlias("iris-auth", "champion", v1);
      assertThat(mirror.versionOf("iris-auth", "champion")).isEqualTo(v1);

      // refused credentials: said at once with what to set or check, never "delivered"
      String[] refusals = {
        "MLflow at " + server.uri + " rejected the username and password in MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD (HTTP 401 on experiments/search): check them",
        "MLflow at " + server.uri + " requires authentication (HTTP 401 on experiments/search) and no credentials are set:"
            + " set MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD (basic auth) or MLFLOW_TRACKING_TOKEN (bearer token)",
        "MLflow at " + server.uri + " denied runs/create to the user in MLFLOW_TRACKING_USERNAME (HTTP 403): grant that user permission on the"
            + " experiment (EDIT) or the model (EDIT), or set MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD of a user who has it"};
      server.createUser("bob", BOB_PASSWORD); // READ only: may look, may not write to the admin's experiment
      Cli[] wrong = {
        anonymous.with("MLFLOW_TRACKING_USERNAME", "admin").with("MLFLOW_TRACKING_PASSWORD", WRONG_PASSWORD),
        anonymous,
        anonymous.with("MLFLOW_TRACKING_USERNAME", "bob").with("MLFLOW_TRACKING_PASSWORD", BOB_PASSWORD)};
      List<String> refusedRuns = new ArrayList<>();
      for (int i = 0; i < wrong.length; i++) {
        long t0 = System.nanoTime();
        Cli.Result r = wrong[i].run("run", "p.yaml");
        long seconds = (System.nanoTime() - t0) / 1_000_000_000L;
        results.add(r);
        assertThat(r.exit()).as(r.err()).isZero(); // the pipeline itself succeeded; its record is in Kiln's store
        String runId = runId(r);
        refusedRuns.add(runId);
        assertThat(r.err()).doesNotContain("tracking: MLflow run");
        assertThat(r.err()).contains("tracking: MLflow configuration error: " + refusals[i] + "; ");
        assertThat(r.err()).containsPattern("; \\d+ of \\d+ events not delivered, kept in \\S+" + runId + " - `kiln sync` delivers them once that is fixed");
        assertThat(seconds).as("a refusal is not an outage to wait out (KILN_TRACKING_WAIT_MS=60000)").isLessThan(40);
        assertThat(server.runsOf(runId)).as("nothing of a refused run in MLflow").isEmpty();
      }

      // kiln sync says the same, exits 1; with the right credentials it delivers what was kept
      Cli.Result refusedSync = wrong[0].run("sync");
      results.add(refusedSync);
      assertThat(refusedSync.exit()).isEqualTo(1);
      assertThat(refusedSync.out()).contains(refusedRuns.get(0) + ": not delivered (" + refusals[0] + ");");
      Cli.Result sync = admin.run("sync");
      results.add(sync);
      assertThat(sync.exit()).as(sync.out() + sync.err()).isZero();
      for (String runId : refusedRuns) {
        assertThat(sync.out()).contains(runId + ": delivered");
        verifyEverythingOnce(server, runId, 0);
      }

      // no credential anywhere: output, Kiln's home (store, logs, outbox), MLflow
      List<String> secrets = List.of(ADMIN_PASSWORD, WRONG_PASSWORD, BOB_PASSWORD, basic("admin", ADMIN_PASSWORD), basic("admin", WRONG_PASSWORD), basic("bob", BOB_PASSWORD));
      for (Cli.Result r : results) for (String s : secrets) assertThat(r.out() + r.err()).doesNotContain(s);
      try (var files = Files.walk(dir)) {
        for (Path f : files.filter(Files::isRegularFile).toList()) {
          String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
          for (String s : secrets) assertThat(text).as(f + " holds a credential").doesNotContain(s);
        }
      }
      List<String> all = new ArrayList<>(refusedRuns);
      all.add(okRun);
      for (String runId : all) {
        for (JsonNode x : server.runsOf(runId)) for (String s : secrets) assertThat(x.toString()).doesNotContain(s);
      }
    }
  }

  private static String basic(String user, String password) {
    return java.util.Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  private void verifyEverythingOnce(MlflowServer server, String runId) throws Exception {
    verifyEverythingOnce(server, runId, 20);
  }

  /** Each step once as an MLflow run; every metric's full history equal to Kiln's store, each point once (more than {@code minPoints}). */
  private void verifyEverythingOnce(MlflowServer server, String runId, int minPoints) throws Exception {
    List<JsonNode> runs = server.runsOf(runId);
    Map<String, List<JsonNode>> byKey = runs.stream().collect(Collectors.groupingBy(x -> MlflowServer.tag(x, "kiln.step_key")));
    try (KilnHome home = home()) {
      RunStore store = home.store();
      List<String> keys = new ArrayList<>(store.stepRuns(runId).stream().map(s -> s.stepKey()).toList());
      keys.add("");
      assertThat(byKey.keySet()).containsExactlyInAnyOrderElementsOf(keys);
      byKey.forEach((k, v) -> assertThat(v).as("MLflow runs for step " + k).hasSize(1));
      Map<String, Map<String, List<MetricRecord>>> metrics = store.metrics(runId).stream()
          .collect(Collectors.groupingBy(MetricRecord::stepKey, Collectors.groupingBy(MetricRecord::name)));
      int points = 0;
      for (var step : metrics.entrySet()) {
        String mlflowId = id(byKey.get(step.getKey()).get(0));
        for (var series : step.getValue().entrySet()) {
          List<JsonNode> history = new ArrayList<>(server.metricHistory(mlflowId, series.getKey()));
          history.sort(Comparator.comparingLong((JsonNode m) -> m.get("step").asLong()).thenComparingLong(m -> m.get("timestamp").asLong()));
          List<MetricRecord> mine = new ArrayList<>(series.getValue());
          mine.sort(Comparator.comparingLong(MetricRecord::step).thenComparingLong(MetricRecord::recordedAt));
          assertThat(history).as(step.getKey() + " " + series.getKey()).hasSize(mine.size());
          for (int i = 0; i < mine.size(); i++) {
            assertThat(history.get(i).get("value").asDouble()).isEqualTo(mine.get(i).value());
            assertThat(history.get(i).get("step").asLong()).isEqualTo(mine.get(i).step());
          }
          points += mine.size();
        }
      }
      assertThat(points).isGreaterThanOrEqualTo(minPoints);
    }
  }

  /**
   * The registry mirror end to end: kiln/register creates the version in MLflow's registry from the
   * MLflow run of the step that trained it, tagged with Kiln's version; kiln promote moves the
   * MLflow alias with Kiln's (also when forced past the gate).
   */
  @Test
  void registerAndPromoteAreMirroredToMlflowsRegistry() throws Exception {
    try (MlflowServer server = MlflowServer.start(serverDir)) {
      Files.createDirectories(dir.resolve("data"));
      Files.copy(Path.of("../../data/iris.csv"), dir.resolve("data/iris.csv"));
      Files.writeString(dir.resolve("gate.yaml"), "tracking: {experiment: kiln-gate}\n" + GateTest.PIPELINE);
      Cli ci = Cli.in(dir).with("MLFLOW_TRACKING_URI", server.uri).with("CI", "true").with("BRANCH_NAME", "main");
      Cli.Result first = ci.run("run", "gate.yaml");
      assertThat(first.exit()).as(first.err()).isZero();
      String runId = runId(first);
      JsonNode train = only(server.runsOf(runId), "train");
      JsonNode v1 = server.get("model-versions/get?name=iris&version=1").path("model_version");
      assertThat(v1.path("run_id").asText()).isEqualTo(id(train));
      assertThat(v1.path("source").asText()).endsWith("/artifacts/model");
      Map<String, String> tags = new HashMap<>();
      v1.path("tags").forEach(t -> tags.put(t.path("key").asText(), t.path("value").asText()));
      assertThat(tags).containsEntry("kiln.version", "1").containsEntry("kiln.run_id", runId).containsKey("kiln.artifact_sha256");

      Cli.Result promoted = ci.run("promote", "iris", "1");
      assertThat(promoted.exit()).as(promoted.err()).isZero();
      assertThat(server.get("registered-models/alias?name=iris&alias=champion").path("model_version").path("version").asText()).isEqualTo("1");

      // a worse model: registered (and mirrored) as version 2, not blessed; forced through, the MLflow alias follows
      Cli.Result second = ci.run("run", "gate.yaml", "-p", "depth=1");
      assertThat(second.exit()).as(second.err()).isZero();
      assertThat(server.get("model-versions/get?name=iris&version=2").path("model_version").path("run_id").asText())
          .isEqualTo(id(only(server.runsOf(runId(second)), "train")));
      assertThat(ci.run("promote", "iris", "2").exit()).isEqualTo(2);
      assertThat(server.get("registered-models/alias?name=iris&alias=champion").path("model_version").path("version").asText()).isEqualTo("1");
      Cli.Result forced = ci.run("promote", "iris", "2", "--force", "--reason", "mirror test");
      assertThat(forced.exit()).as(forced.err()).isZero();
      assertThat(server.get("registered-models/alias?name=iris&alias=champion").path("model_version").path("version").asText()).isEqualTo("2");

      // kiln ci retrain links each pipeline's run to its MLflow run in its reports
      Cli.Result retrain = ci.run("ci", "retrain", "gate.yaml");
      assertThat(retrain.exit()).as(retrain.err()).isZero();
      assertThat(Files.readString(dir.resolve("kiln-ci/summary.md"))).contains("](" + server.uri + "/#/experiments/");
      assertThat(Files.readString(dir.resolve("kiln-ci/junit.xml"))).contains("MLflow: " + server.uri + "/#/experiments/");
    }
  }

  private String experimentId(MlflowServer server) throws Exception {
    JsonNode e = server.post("experiments/search", MlflowServer.M.createObjectNode().put("max_results", 100).put("filter", "name = 'kiln-it'"));
    return e.path("experiments").isEmpty() ? "0" : e.path("experiments").get(0).get("experiment_id").asText();
  }

  private KilnHome home() {
    Map<String, String> env = new HashMap<>();
    return new KilnHome(dir.resolve(".kiln"), env);
  }

  private static JsonNode only(List<JsonNode> runs, String key) {
    List<JsonNode> m = runs.stream().filter(x -> key.equals(MlflowServer.tag(x, "kiln.step_key"))).toList();
    assertThat(m).hasSize(1);
    return m.get(0);
  }

  private static String id(JsonNode run) {
    return run.path("info").path("run_id").asText();
  }

  private static String runId(Cli.Result r) {
    Matcher m = Pattern.compile("run (\\d{8}-\\d{6}-[0-9a-f]{6}) succeeded").matcher(r.err());
    assertThat(m.find()).as(r.err()).isTrue();
    return m.group(1);
  }

  private String git(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("git"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertThat(p.waitFor()).as(String.join(" ", cmd) + ": " + out).isZero();
    return out;
  }
}
