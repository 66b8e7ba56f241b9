package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.engine.home.KilnHome;
import dev.kiln.registry.DataVersionRecord;
import dev.kiln.registry.LineageEdge;
import dev.kiln.registry.RunStatus;
import dev.kiln.registry.RunStore;
import dev.kiln.registry.StepRunRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real dvc CLI (infra/.venv, pinned by infra/test.sh) on a temp git + DVC repository with a
 * local-directory remote: Kiln pulls what is missing, records DVC's hash, re-runs exactly the
 * steps that read changed data, and reproduces an old run; the repository's own dvc.yaml runs
 * Kiln pipelines under `dvc repro` and `dvc exp run`.
 */
class DvcIT {
  static final Path DVC = Path.of("../../infra/.venv/bin/dvc").toAbsolutePath().normalize();
  static final ObjectMapper JSON = new ObjectMapper();
  static final String PIPELINE = """
      name: iris-dvc
      steps:
        ingest:
          uses: tribuo/ingest
          with: {data: data/iris.csv, target: species, split: {method: stratified, test: 0.3, seed: 3}}
        train:
          uses: tribuo/train
          with: {data: '${{ steps.ingest.outputs.train }}', algorithm: cart, seed: 5}
        notes:
          uses: kiln/command
          with:
            run: echo independent of the data > notes.txt
            outputs: {notes: notes.txt}
        publish:
          uses: dvc/track
          with: {artifact: '${{ steps.train.outputs.model }}', path: models/iris.model, push: true}
      """;

  @TempDir Path repo;
  @TempDir Path remote;

  @BeforeEach
  void dvcIsInstalled() throws Exception {
    if (!Files.isExecutable(DVC)) {
      String msg = DVC + " is missing: run infra/test.sh (it installs dvc into infra/.venv)";
      if ("true".equals(System.getenv("CI"))) throw new AssertionError(msg);
      org.junit.jupiter.api.Assumptions.abort(msg);
    }
  }

  @Test
  void pullsRecordsReRunsWhatChangedAndReproduces() throws Exception {
    git("init", "-q", "-b", "main");
    dvc("init", "-q");
    dvc("remote", "add", "-d", "team", remote.toString());
    Files.createDirectories(repo.resolve("data"));
    Files.copy(Path.of("../../data/iris.csv"), repo.resolve("data/iris.csv"));
    Files.writeString(repo.resolve("p.yaml"), PIPELINE);
    Files.writeString(repo.resolve(".gitignore"), ".kiln/\nnotes.txt\n");
    dvc("add", "-q", "data/iris.csv");
    dvc("push", "-q");
    commit("data v1");
    String v1 = md5Of(repo.resolve("data/iris.csv.dvc"));

    // a fresh clone: neither the workspace copy nor the cache
    Files.delete(repo.resolve("data/iris.csv"));
    deleteTree(repo.resolve(".dvc/cache"));
    Cli cli = Cli.in(repo).with("KILN_DVC", DVC.toString());
    Cli.Result first = cli.run("run", "p.yaml");
    assertThat(first.exit()).as(first.err()).isZero();
    assertThat(repo.resolve("data/iris.csv")).exists(); // Kiln pulled it
    assertThat(first.err()).contains("data/iris.csv: dvc:md5:" + v1 + " (data/iris.csv.dvc)");
    String run1 = runId(first);
    // the model went to the DVC remote through dvc/track
    assertThat(repo.resolve("models/iris.model.dvc")).exists();
    String modelMd5 = md5Of(repo.resolve("models/iris.model.dvc"));
    assertThat(remote.resolve("files/md5/" + modelMd5.substring(0, 2) + "/" + modelMd5.substring(2))).exists();

    try (KilnHome home = new KilnHome(repo.resolve(".kiln"), Map.of())) {
      RunStore store = home.store();
      List<DataVersionRecord> versions = store.dataVersions(run1);
      assertThat(versions).hasSize(1);
      assertThat(versions.get(0).path()).isEqualTo("data/iris.csv");
      assertThat(versions.get(0).hash()).isEqualTo("md5:" + v1);
      assertThat(versions.get(0).source()).isEqualTo("data/iris.csv.dvc");
      assertThat(versions.get(0).modified()).isFalse();
      assertThat(versions.get(0).sha256()).isEqualTo(sha256(repo.resolve("data/iris.csv")));
      StepRunRecord ingest = step(store, run1, "ingest");
      assertThat(ingest.cacheComponents()).contains("\"dvc:data/iris.csv\":\"dvc:md5:" + v1 + "\"");
    }
    assertThat(json(cli.run("data", "status", "--json")).path("stale").size()).isZero();

    // change the data the DVC way: edit, dvc add, push, commit
    List<String> lines = new ArrayList<>(Files.readAllLines(repo.resolve("data/iris.csv")));
    lines.addAll(lines.subList(1, 7)); // six more rows: every split changes
    Files.write(repo.resolve("data/iris.csv"), lines);
    JsonNode modified = json(cli.run("data", "status", "--json"));
    assertThat(modified.path("inputs").get(0).path("state").asText()).isEqualTo("modified in the workspace (not added)");
    dvc("add", "-q", "data/iris.csv");
    dvc("push", "-q");
    commit("data v2");
    String v2 = md5Of(repo.resolve("data/iris.csv.dvc"));
    assertThat(v2).isNotEqualTo(v1);
    JsonNode stale = json(cli.run("data", "status", "--json"));
    assertThat(stale.path("stale").path("iris-dvc").get(0).asText()).isEqualTo("data/iris.csv");
    assertThat(stale.path("inputs").get(0).path("state").asText()).isEqualTo("changed");

    Cli.Result second = cli.run("run", "p.yaml");
    assertThat(second.exit()).as(second.err()).isZero();
    String run2 = runId(second);
    try (KilnHome home = new KilnHome(repo.resolve(".kiln"), Map.of())) {
      RunStore store = home.store();
      // exactly the steps that depend on the data ran again; publish is never cached (a workspace side effect)
      Map<String, RunStatus> status = store.stepRuns(run2).stream().collect(Collectors.toMap(StepRunRecord::stepKey, StepRunRecord::status));
      assertThat(status).containsEntry("ingest", RunStatus.SUCCEEDED).containsEntry("train", RunStatus.SUCCEEDED)
          .containsEntry("notes", RunStatus.CACHED).containsEntry("publish", RunStatus.SUCCEEDED);
      assertThat(store.dataVersions(run2).get(0).hash()).isEqualTo("md5:" + v2);
      assertThat(store.lineage(run2)).filteredOn(e -> e.name().equals("file:data/iris.csv"))
          .extracting(LineageEdge::sha256).containsOnly(sha256(repo.resolve("data/iris.csv")));
    }
    assertThat(json(cli.run("data", "status", "--json")).path("stale").size()).isZero();

    // reproduce the first run: the old data comes back and every hash matches
    Cli.Result again = cli.run("reproduce", run1, "--json");
    assertThat(again.exit()).as(again.out() + again.err()).isZero();
    JsonNode report = json(again);
    assertThat(report.path("reproduced").asBoolean()).isTrue();
    assertThat(report.path("artifacts").size()).isGreaterThan(8);
    for (JsonNode row : report.path("artifacts")) assertThat(row.path("matches").asBoolean()).as(row.toString()).isTrue();
    assertThat(md5Of(repo.resolve("data/iris.csv.dvc"))).isEqualTo(v1);
    assertThat(again.err()).contains("restored data/iris.csv to md5:" + v1);
    try (KilnHome home = new KilnHome(repo.resolve(".kiln"), Map.of())) {
      assertThat(home.store().dataVersions(report.path("reproduction").asText()).get(0).hash()).isEqualTo("md5:" + v1);
    }
  }

  @Test
  void badInputIsSaidNotThrown() throws Exception {
    git("init", "-q", "-b", "main");
    dvc("init", "-q");
    dvc("remote", "add", "-d", "team", repo.resolve("no-such-remote").toString());
    Files.createDirectories(repo.resolve("data"));
    Files.copy(Path.of("../../data/iris.csv"), repo.resolve("data/iris.csv"));
    Files.writeString(repo.resolve("p.yaml"), PIPELINE);
    dvc("add", "-q", "data/iris.csv");
    commit("data");
    Files.delete(repo.resolve("data/iris.csv"));
    deleteTree(repo.resolve(".dvc/cache"));
    Cli.Result r = Cli.in(repo).with("KILN_DVC", DVC.toString()).run("run", "p.yaml");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("data/iris.csv").contains("neither in the DVC cache nor on the remote").doesNotContain("Exception").doesNotContain("\tat ");

    Cli.Result missing = Cli.in(repo).with("KILN_DVC", repo.resolve("no-dvc-here").toString()).run("run", "p.yaml");
    assertThat(missing.exit()).isEqualTo(1);
    assertThat(missing.err()).contains("is not installed").contains("pip install dvc").doesNotContain("\tat ");
  }

  /** The repository's dvc.yaml and params.yaml, as shipped: `dvc repro` runs the Kiln pipeline, `dvc exp run -S` sweeps its param. */
  @Test
  void dvcReproAndExpRunDriveKilnPipelines() throws Exception {
    Path root = Path.of("../..").toAbsolutePath().normalize();
    for (String f : List.of("dvc.yaml", "params.yaml", "pipelines/iris.yaml", "pipelines/churn.yaml", "data/iris.csv", "data/churn.csv")) {
      Files.createDirectories(repo.resolve(f).getParent());
      Files.copy(root.resolve(f), repo.resolve(f));
    }
    Path jar = Path.of("target/kiln-cli.jar").toAbsolutePath();
    Path kiln = repo.resolve("kiln");
    Files.writeString(kiln, "#!/bin/sh\nexec '" + Path.of(System.getProperty("java.home"), "bin", "java") + "' -XX:+UseSerialGC -jar '" + jar + "' \"$@\"\n");
    kiln.toFile().setExecutable(true);
    Files.writeString(repo.resolve(".gitignore"), ".kiln/\n");
    git("init", "-q", "-b", "main");
    dvc("init", "-q");
    commit("kiln project under DVC");

    String repro = dvc("repro", "iris");
    assertThat(repro).contains("Running stage 'iris'");
    assertThat(repo.resolve("models/iris.model")).exists();
    JsonNode metrics = dvcJson("metrics", "show", "--json");
    JsonNode iris = metrics.path("").path("data").path("metrics/iris.json").path("data");
    assertThat(iris.path("evaluate").path("accuracy").asDouble()).isGreaterThan(0.8);
    assertThat(Files.readString(repo.resolve("dvc.lock"))).contains("iris:").contains("models/iris.model").contains("seed: 7");
    // nothing changed: DVC skips the stage
    assertThat(dvc("repro", "iris")).contains("didn't change, skipping");
    commit("first repro");

    String exp = dvc("exp", "run", "-S", "iris.seed=3", "iris");
    assertThat(exp).contains("Running stage 'iris'");
    JsonNode shown = dvcJson("exp", "show", "--json");
    assertThat(shown.toString()).contains("\"seed\":3");
  }

  private static StepRunRecord step(RunStore store, String runId, String key) {
    return store.stepRuns(runId).stream().filter(s -> s.stepKey().equals(key)).findFirst().orElseThrow();
  }

  private static String runId(Cli.Result r) {
    Matcher m = Pattern.compile("run (\\d{8}-\\d{6}-[0-9a-f]{6}) succeeded").matcher(r.err());
    assertThat(m.find()).as(r.err()).isTrue();
    return m.group(1);
  }

  private static JsonNode json(Cli.Result r) throws Exception {
    assertThat(r.exit()).as(r.err()).isZero();
    return JSON.readTree(r.out());
  }

  private static String md5Of(Path dvcFile) throws Exception {
    Matcher m = Pattern.compile("md5: ([0-9a-f]{32})").matcher(Files.readString(dvcFile));
    assertThat(m.find()).isTrue();
    return m.group(1);
  }

  private static String sha256(Path f) throws Exception {
    return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
  }

  private static void deleteTree(Path p) throws Exception {
    if (!Files.exists(p)) return;
    try (var s = Files.walk(p)) {
      s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }

  private void commit(String message) throws Exception {
    git("add", "-A");
    git("-c", "user.email=it@kiln.dev", "-c", "user.name=it", "commit", "-q", "-m", message);
  }

  private String dvc(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(DVC.toString()));
    cmd.addAll(List.of(args));
    return exec(cmd);
  }

  /** A dvc command's JSON (stdout only; DVC's notices go to stderr). */
  private JsonNode dvcJson(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(DVC.toString()));
    cmd.addAll(List.of(args));
    Path err = Files.createTempFile("dvc", ".err");
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(repo.toFile()).redirectError(err.toFile());
    pb.environment().put("DVC_NO_ANALYTICS", "1");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertThat(p.waitFor()).as(String.join(" ", cmd) + ": " + out + Files.readString(err)).isZero();
    return JSON.readTree(out);
  }

  private String git(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("git"));
    cmd.addAll(List.of(args));
    return exec(cmd);
  }

  private String exec(List<String> cmd) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(repo.toFile()).redirectErrorStream(true);
    pb.environment().put("DVC_NO_ANALYTICS", "1");
    pb.environment().put("GIT_AUTHOR_NAME", "it");
    pb.environment().put("GIT_AUTHOR_EMAIL", "it@kiln.dev");
    pb.environment().put("GIT_COMMITTER_NAME", "it");
    pb.environment().put("GIT_COMMITTER_EMAIL", "it@kiln.dev");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertThat(p.waitFor()).as(String.join(" ", cmd) + ": " + out).isZero();
    return out;
  }
}
