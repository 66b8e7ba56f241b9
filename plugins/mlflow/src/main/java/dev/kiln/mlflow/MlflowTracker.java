package dev.kiln.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.api.Sha256;
import dev.kiln.api.Tracker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Mirrors Kiln runs to MLflow: the pipeline run is an MLflow run, each step a child run
 * ({@code mlflow.parentRunId}) and each tuning trial a child of its step. Nothing is sent from the
 * run's threads: every event goes to the run's {@link Outbox} first, and a background thread
 * delivers it, so a slow or absent server never slows or fails a run. Requests carry the
 * credentials MLflow's clients read from the environment ({@link MlflowCredentials}); a server
 * that refuses them (401, 403) is a configuration error: delivery stops at once and says which
 * variables to set or check, and the events wait in the outbox for {@code kiln sync}.
 */
public final class MlflowTracker implements Tracker {
  static final int MAX_KEY = 250;
  static final int MAX_PARAM_VALUE = 6000;
  static final int MAX_TAG_VALUE = 5000;

  @Override
  public String name() {
    return "mlflow";
  }

  static String uri(Map<String, String> env) {
    if (!configured(env)) return null;
    String u = env.get("MLFLOW_TRACKING_URI");
    if (!u.startsWith("http://") && !u.startsWith("https://")) {
      throw new IllegalArgumentException("MLFLOW_TRACKING_URI must be an http(s) URL of a tracking server, found \"" + u + "\"");
    }
    return u;
  }

  @Override
  public boolean enabled(Map<String, String> env) {
    return configured(env);
  }

  private static boolean configured(Map<String, String> env) {
    String u = env.get("MLFLOW_TRACKING_URI");
    return u != null && !u.isBlank();
  }

  @Override
  public RunTracker open(TrackedRun run) {
    String uri = uri(run.env());
    if (uri == null) return null;
    return new MlflowRunTracker(run, uri, MlflowCredentials.from(run.env()));
  }

  @Override
  public dev.kiln.api.ModelRegistryMirror registry(Path home, Map<String, String> env) {
    String uri = uri(env);
    return uri == null ? null : new MlflowRegistry(home, uri, env);
  }

  @Override
  public List<SyncLine> sync(Path home, Map<String, String> env) {
    List<SyncLine> lines = new ArrayList<>();
    String override = env.get("KILN_SYNC_TRACKING_URI");
    MlflowCredentials credentials;
    try {
      credentials = MlflowCredentials.from(env);
    } catch (IllegalArgumentException e) {
      return List.of(new SyncLine("not delivered: " + e.getMessage(), false));
    }
    try {
      for (Path dir : Outbox.runs(home)) {
        Delivery.Result before = Delivery.status(dir);
        if (before.finished() && before.delivered() == before.total()) continue;
        String uri = override != null ? override : Outbox.JSON.readTree(dir.resolve("meta.json").toFile()).path("trackingUri").asText();
        try (MlflowApi api = new MlflowApi(uri, credentials)) {
          Delivery.Result r = Delivery.deliver(dir, api);
          lines.add(new SyncLine(dir.getFileName() + ": delivered " + (r.delivered() - before.delivered()) + " events to " + uri
              + (r.finished() ? "" : " (the run has not finished; the rest follows when it does)"), true));
        } catch (IOException | RuntimeException e) {
          Delivery.Result r = Delivery.status(dir);
          lines.add(new SyncLine(dir.getFileName() + ": not delivered (" + reason(e) + "); " + (r.total() - r.delivered()) + " events pending in " + dir, false));
        }
      }
    } catch (IOException e) {
      lines.add(new SyncLine("not delivered: cannot read the outbox: " + e.getMessage(), false));
    }
    return lines;
  }

  static String reason(Throwable e) {
    if (e instanceof MlflowAccessDenied) return e.getMessage(); // says what to do; holds no credential
    Throwable c = e;
    while (c.getCause() != null && c.getCause() != c) c = c.getCause();
    String m = c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
    if (e instanceof org.mlflow.tracking.MlflowHttpException h) m = "HTTP " + h.getStatusCode() + " " + h.getBodyMessage();
    return m.length() > 300 ? m.substring(0, 300) + "..." : m;
  }

  /** One run: events into the outbox, a daemon thread delivering them. */
  static final class MlflowRunTracker implements RunTracker {
    private final TrackedRun run;
    private final String uri;
    private final Outbox outbox;
    private final Set<String> rootDatasets = ConcurrentHashMap.newKeySet();
    private final Object signal = new Object();
    private volatile boolean finished;
    private volatile boolean stop;
    private volatile String lastError;
    /** Why the server refused Kiln's credentials (401, 403); delivery has stopped. */
    private volatile String refused;
    private final Thread deliverer;
    private final MlflowApi api;

    MlflowRunTracker(TrackedRun run, String uri, MlflowCredentials credentials) {
      this.run = run;
      this.uri = uri;
      this.outbox = Outbox.open(run.home(), run.runId(), uri);
      this.api = new MlflowApi(uri, credentials);
      ObjectNode open = event("open", "").put("name", run.pipeline() + " " + run.runId()).put("start", run.startedAt())
          .put("experiment", run.experiment() != null ? run.experiment() : run.pipeline());
      ObjectNode tags = open.putObject("tags");
      tags.put("kiln.run_id", run.runId()).put("kiln.step_key", "").put("kiln.pipeline", run.pipeline());
      tags.put("mlflow.source.name", run.pipelineFile()).put("mlflow.source.type", "LOCAL");
      run.tags().forEach((k, v) -> tags.put(nameKey(k), limitTag(v)));
      open.putNull("parent");
      outbox.append(open);
      if (run.resumed()) outbox.append(tags("", Map.of("kiln.resumed", "true")));
      params("", run.params());
      String file = Path.of(run.pipelineFile()).getFileName().toString();
      artifact("", "pipeline/" + file, outbox.keep("pipeline/" + file, run.specSource().getBytes(StandardCharsets.UTF_8)));
      deliverer = new Thread(this::deliverLoop, "kiln-mlflow-delivery");
      deliverer.setDaemon(true);
      deliverer.start();
    }

    @Override
    public void stepStarted(TrackedStep step) {
      String parent = step.parentKey() == null ? "" : step.parentKey();
      String name = step.parentKey() == null ? step.key() : step.key().substring(step.key().lastIndexOf('/') + 1);
      ObjectNode open = event("open", step.key()).put("name", name).put("start", step.startedAt()).put("parent", parent);
      open.putObject("tags").put("kiln.run_id", run.runId()).put("kiln.step_key", step.key()).put("kiln.step_type", step.stepType())
          .put("mlflow.source.name", run.pipelineFile()).put("mlflow.source.type", "LOCAL")
          .put("mlflow.user", run.tags().getOrDefault("mlflow.user", "unknown"));
      step.dataVersions().forEach((path, version) -> ((ObjectNode) open.get("tags")).put(limitKey("kiln.data." + nameKey(path)), version));
      outbox.append(open);
      params(step.key(), step.params());
      if (!step.inputFiles().isEmpty()) {
        ArrayNode all = Outbox.JSON.createArrayNode();
        ArrayNode forRoot = Outbox.JSON.createArrayNode();
        step.inputFiles().forEach((path, sha) -> {
          ObjectNode d = dataset(path, sha, step.dataVersions().get(path));
          all.add(d);
          if (rootDatasets.add(path + "@" + sha)) forRoot.add(d.deepCopy());
        });
        outbox.append((ObjectNode) event("inputs", step.key()).set("datasets", all));
        if (!forRoot.isEmpty()) outbox.append((ObjectNode) event("inputs", "").set("datasets", forRoot));
      }
      wake();
    }

    @Override
    public void stepFinished(TrackedStep step, StepOutcome outcome) {
      List<Metric> ms = outcome.metrics();
      for (int i = 0; i < ms.size(); i += Delivery.MAX_METRICS) {
        ObjectNode e = event("metrics", step.key());
        ArrayNode a = e.putArray("metrics");
        for (Metric m : ms.subList(i, Math.min(ms.size(), i + Delivery.MAX_METRICS))) {
          if (Double.isNaN(m.value()) || Double.isInfinite(m.value())) continue;
          a.addArray().add(metricKey(m.name())).add(m.value()).add(m.step()).add(m.timestamp());
        }
        if (!a.isEmpty()) outbox.append(e);
      }
      Map<String, String> tags = new LinkedHashMap<>();
      tags.put("kiln.status", outcome.status());
      if (outcome.cachedFrom() != null) tags.put("kiln.cached_from", outcome.cachedFrom());
      if (outcome.error() != null) tags.put("kiln.error", limitTag(outcome.error()));
      outbox.append(tags(step.key(), tags));
      for (TrackedArtifact a : outcome.artifacts()) artifact(step.key(), a.path(), a.file());
      outbox.append(event("close", step.key()).put("status", status(outcome.status())).put("end", outcome.finishedAt()));
      wake();
    }

    @Override
    public void runFinished(String status, String error, long finishedAt) {
      Map<String, String> tags = new LinkedHashMap<>();
      tags.put("kiln.status", status);
      if (error != null) tags.put("kiln.error", limitTag(error));
      outbox.append(tags("", tags));
      outbox.append(event("close", "").put("status", status(status)).put("end", finishedAt));
      finished = true;
      wake();
    }

    @Override
    public String close(long waitMillis) {
      long deadline = System.currentTimeMillis() + waitMillis;
      Delivery.Result r;
      try {
        while (true) {
          // the state alone says how far delivery got; this process knows the last seq it wrote
          var st = Delivery.state(outbox.dir());
          r = new Delivery.Result(st.path("delivered").asLong(), outbox.lastSeq(), st.path("finished").asBoolean());
          boolean done = r.delivered() >= outbox.lastSeq() && (!finished || r.finished());
          if (done || refused != null || System.currentTimeMillis() >= deadline) break;
          wake();
          Thread.sleep(50);
        }
      } catch (IOException e) {
        return "tracking: cannot read the outbox " + outbox.dir() + ": " + e.getMessage();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        r = new Delivery.Result(0, outbox.lastSeq(), false);
      } finally {
        stop = true;
        wake();
      }
      try {
        deliverer.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      api.close();
      long pending = outbox.lastSeq() - r.delivered();
      if (pending <= 0) {
        String link = "";
        try {
          String id = Delivery.mlflowRun(outbox.dir(), "").orElse("?");
          String exp = Delivery.state(outbox.dir()).path("experimentId").asText();
          link = " " + uri.replaceAll("/+$", "") + "/#/experiments/" + exp + "/runs/" + id;
        } catch (IOException e) {
          // the link is a convenience
        }
        int rejected = 0;
        try {
          rejected = Delivery.state(outbox.dir()).path("rejected").size();
        } catch (IOException e) {
          // counted as none
        }
        return "tracking: MLflow run" + link + " (" + outbox.lastSeq() + " events, " + api.requests.get() + " requests"
            + (rejected == 0 ? ")" : "; " + rejected + " events refused by the server, listed in " + outbox.dir().resolve("state.json") + ")");
      }
      if (refused != null) {
        return "tracking: MLflow configuration error: " + refused + "; " + pending + " of " + outbox.lastSeq() + " events not delivered, kept in " + outbox.dir()
            + " - `kiln sync` delivers them once that is fixed";
      }
      return "tracking: MLflow at " + uri + " " + (lastError == null ? "is slow" : "unreachable (" + lastError + ")") + "; " + pending + " of " + outbox.lastSeq()
          + " events kept in " + outbox.dir() + " - the next run or `kiln sync` delivers them";
    }

    private void deliverLoop() {
      long backoff = 500;
      Set<Path> settled = new java.util.HashSet<>(); // older outboxes found delivered, or for another server: not read again
      settled.add(outbox.dir());
      while (!stop) {
        try {
          // older runs this outbox still holds for the same server go first, so MLflow sees them in order
          for (Path dir : Outbox.runs(run.home())) {
            if (stop || settled.contains(dir)) continue;
            boolean sameServer = Outbox.JSON.readTree(dir.resolve("meta.json").toFile()).path("trackingUri").asText().equals(uri);
            Delivery.Result st = sameServer ? Delivery.deliver(dir, api) : null;
            if (st == null || (st.finished() && st.delivered() == st.total())) settled.add(dir);
          }
          Delivery.deliver(outbox.dir(), api);
          lastError = null;
          backoff = 500;
          await(2000);
        } catch (MlflowAccessDenied e) {
          refused = e.getMessage(); // retrying cannot help until the configuration changes
          return;
        } catch (IOException | RuntimeException e) {
          lastError = reason(e);
          await(backoff);
          backoff = Math.min(10_000, backoff * 2);
        }
      }
    }

    private void wake() {
      synchronized (signal) {
        signal.notifyAll();
      }
    }

    private void await(long millis) {
      synchronized (signal) {
        try {
          signal.wait(millis);
        } catch (InterruptedException e) {
          stop = true;
        }
      }
    }

    private ObjectNode event(String type, String key) {
      return Outbox.JSON.createObjectNode().put("type", type).put("key", key);
    }

    private ObjectNode tags(String key, Map<String, String> tags) {
      ObjectNode e = event("tags", key);
      ObjectNode t = e.putObject("tags");
      tags.forEach((k, v) -> t.put(nameKey(k), limitTag(v)));
      return e;
    }

    /** Params flattened with dotted keys; a value over MLflow's limit is cut with a hash suffix, the full value kept as an artifact. */
    private void params(String key, Map<String, Object> params) {
      Map<String, String> flat = new LinkedHashMap<>();
      flatten("", params, flat);
      List<Map.Entry<String, String>> entries = new ArrayList<>(flat.entrySet());
      for (int i = 0; i < entries.size(); i += Delivery.MAX_PARAMS) {
        ObjectNode e = event("params", key);
        ObjectNode p = e.putObject("params");
        for (Map.Entry<String, String> en : entries.subList(i, Math.min(entries.size(), i + Delivery.MAX_PARAMS))) {
          String k = nameKey(en.getKey());
          String v = en.getValue();
          if (v.length() > MAX_PARAM_VALUE) {
            String h = Sha256.hex(v.getBytes(StandardCharsets.UTF_8)).substring(0, 12);
            String file = "params/" + k.replaceAll("[^A-Za-z0-9._-]", "_") + "-" + h + ".txt";
            artifact(key, file, outbox.keep((key.isEmpty() ? "run" : key.replace('/', '_')) + "/" + file, v.getBytes(StandardCharsets.UTF_8)));
            v = v.substring(0, MAX_PARAM_VALUE - 16) + "...#" + h;
          }
          p.put(k, v);
        }
        if (!p.isEmpty()) outbox.append(e);
      }
    }

    private void artifact(String key, String path, Path file) {
      outbox.append(event("artifact", key).put("path", path).put("file", file.toAbsolutePath().toString()));
    }

    /** An input dataset; a DVC-tracked one is named by DVC's hash, the digest its users know. */
    private ObjectNode dataset(String path, String sha, String version) {
      ObjectNode d = Outbox.JSON.createObjectNode();
      ObjectNode ds = d.putObject("dataset");
      ds.put("name", Path.of(path).getFileName().toString());
      String hash = version == null ? sha : version.substring(version.lastIndexOf(':') + 1).replace("+modified", "");
      ds.put("digest", hash.substring(0, Math.min(8, hash.length())));
      ds.put("source_type", version == null ? "local" : version.substring(0, version.indexOf(':')));
      ObjectNode source = Outbox.JSON.createObjectNode().put("uri", run.projectDir().resolve(path).normalize().toUri().toString()).put("sha256", sha);
      if (version != null) source.put("version", version);
      ds.put("source", source.toString());
      d.putArray("tags").addObject().put("key", "mlflow.data.context").put("value", "input");
      return d;
    }
  }

  @SuppressWarnings("unchecked")
  static void flatten(String prefix, Object v, Map<String, String> out) {
    if (v instanceof Map<?, ?> m) {
      if (m.isEmpty() && !prefix.isEmpty()) out.put(prefix, "{}");
      m.forEach((k, x) -> flatten(prefix.isEmpty() ? String.valueOf(k) : prefix + "." + k, x, out));
    } else if (!prefix.isEmpty()) {
      out.put(prefix, v == null ? "null" : v instanceof String s ? s : v instanceof List<?> ? Outbox.JSON.valueToTree(v).toString() : String.valueOf(v));
    }
  }

  static String limitKey(String k) {
    return k.length() <= MAX_KEY ? k : k.substring(0, MAX_KEY - 13) + "~" + Sha256.hex(k.getBytes(StandardCharsets.UTF_8)).substring(0, 12);
  }

  static String limitTag(String v) {
    return v.length() <= MAX_TAG_VALUE ? v : v.substring(0, MAX_TAG_VALUE - 16) + "...#" + Sha256.hex(v.getBytes(StandardCharsets.UTF_8)).substring(0, 12);
  }

  /** MLflow param and metric names allow letters, digits, '_', '-', '.', ' ', ':', '/' (e.g. {@code impute.*} becomes {@code impute._}). */
  static String nameKey(String name) {
    return limitKey(name.replaceAll("[^A-Za-z0-9_\\-. :/]", "_"));
  }

  static String metricKey(String name) {
    return nameKey(name);
  }

  static String status(String kilnStatus) {
    return switch (kilnStatus) {
      case "SUCCEEDED", "CACHED", "SKIPPED" -> "FINISHED";
      case "CANCELLED" -> "KILLED";
      default -> "FAILED";
    };
  }
}
