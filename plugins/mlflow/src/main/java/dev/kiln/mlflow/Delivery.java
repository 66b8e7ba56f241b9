package dev.kiln.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.mlflow.api.proto.Service;

/**
 * Delivers the outbox of one Kiln run to MLflow, in order, from where the last delivery stopped.
 * Consecutive params, metrics and tags of one MLflow run go out in as few {@code logBatch}
 * requests as MLflow's limits allow (1000 metrics, 100 params, 100 tags). After each request the
 * progress is committed to {@code state.json}; a request that succeeded just before a crash is
 * repeated harmlessly (same params, same tags, metrics with the same timestamp and step, which
 * MLflow keeps once; a run is found by its {@code kiln.run_id}/{@code kiln.step_key} tags
 * instead of being created twice). A file lock keeps two processes from delivering one outbox;
 * within one process (the run's delivery thread and a step mirroring a model version, which
 * delivers first) deliveries of one outbox take turns on a lock of their own, since a JVM cannot
 * hold one file lock twice.
 */
final class Delivery {
  static final int MAX_METRICS = 1000;
  static final int MAX_PARAMS = 100;
  static final int MAX_TAGS = 100;

  /** How far a run's delivery got. */
  record Result(long delivered, long total, boolean finished) {}

  private Delivery() {}

  /**
   * Delivers what is pending; returns how far it got. Throws when the server cannot be reached
   * or refuses (what was delivered before stays delivered).
   */
  static Result deliver(Path dir, MlflowApi api) throws IOException {
    ReentrantLock inProcess = IN_PROCESS.computeIfAbsent(dir.toAbsolutePath().normalize(), k -> new ReentrantLock());
    inProcess.lock();
    try {
      return deliverLocked(dir, api);
    } finally {
      inProcess.unlock();
    }
  }

  private static final ConcurrentHashMap<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

  private static Result deliverLocked(Path dir, MlflowApi api) throws IOException {
    try (FileChannel lockCh = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = lockCh.tryLock()) {
      if (lock == null) return status(dir); // another process is delivering this run
      ObjectNode state = state(dir);
      long delivered = state.path("delivered").asLong();
      List<JsonNode> events = Outbox.read(dir, delivered);
      Iterator<JsonNode> it = events.iterator();
      JsonNode pending = it.hasNext() ? it.next() : null;
      while (pending != null) {
        JsonNode e = pending;
        pending = null;
        String type = e.path("type").asText();
        ObjectNode runs = state.with("runs");
        String key = e.path("key").asText();
        long last = e.path("seq").asLong();
        try {
          switch (type) {
            case "open" -> open(e, state, api, dir);
            case "params", "metrics", "tags" -> {
              // gather what follows for the same run while it fits one request
              List<JsonNode> group = new ArrayList<>(List.of(e));
              int[] sizes = sizes(e);
              while (it.hasNext()) {
                JsonNode n = it.next();
                String t = n.path("type").asText();
                if (!n.path("key").asText().equals(key) || !(t.equals("params") || t.equals("metrics") || t.equals("tags")) || !fits(sizes, n)) {
                  pending = n;
                  break;
                }
                group.add(n);
                int[] more = sizes(n);
                for (int i = 0; i < 3; i++) sizes[i] += more[i];
                last = n.path("seq").asLong();
              }
              String runId = runs.path(key).path("id").asText();
              try {
                logBatch(api, runId, group);
              } catch (org.mlflow.tracking.MlflowHttpException refused) {
                if (!refusedForGood(refused) || group.size() == 1) throw refused;
                // one bad value must not drop the others gathered with it: send them one event at a time
                // (MLflow validates a batch before it writes any of it; what a partial split wrote it ignores when sent again)
                for (JsonNode one : group) {
                  try {
                    logBatch(api, runId, List.of(one));
                  } catch (org.mlflow.tracking.MlflowHttpException r1) {
                    if (!refusedForGood(r1)) throw r1;
                    reject(state, one.path("seq").asLong(), one.path("seq").asLong(), one.path("type").asText(), key, r1);
                  }
                }
              }
            }
            case "artifact" -> api.upload(runs.path(key).path("artifactUri").asText(), e.path("path").asText(), Path.of(e.path("file").asText()));
            case "inputs" -> api.logInputs(runs.path(key).path("id").asText(), e.path("datasets"));
            case "close" -> api.terminate(runs.path(key).path("id").asText(), Service.RunStatus.valueOf(e.path("status").asText()), e.path("end").asLong());
            default -> { } // an event type from a newer Kiln: skip it
          }
        } catch (org.mlflow.tracking.MlflowHttpException refused) {
          // the server refuses this event for good (400: invalid, 404: its run is gone): record it and go on, or it would block
          // every later event; anything else (down, 5xx, 429) is an outage and delivery stops here to retry later
          if (!refusedForGood(refused)) throw refused;
          reject(state, e.path("seq").asLong(), last, type, key, refused);
        }
        state.put("delivered", last);
        if (type.equals("close") && key.isEmpty()) state.put("finished", true);
        save(dir, state);
        if (pending == null && it.hasNext()) pending = it.next();
      }
      return status(dir);
    }
  }

  private static boolean refusedForGood(org.mlflow.tracking.MlflowHttpException refused) {
    return refused.getStatusCode() == 400 || refused.getStatusCode() == 404;
  }

  private static void reject(ObjectNode state, long from, long to, String type, String key, org.mlflow.tracking.MlflowHttpException refused) {
    state.withArray("rejected").addObject().put("from", from).put("to", to).put("type", type).put("key", key)
        .put("error", "HTTP " + refused.getStatusCode() + " " + String.valueOf(refused.getBodyMessage()));
  }

  /** The events' values in as few requests as the limits allow (one event alone can exceed them: a long metric series). */
  private static void logBatch(MlflowApi api, String runId, List<JsonNode> events) {
    List<Service.Metric> metrics = new ArrayList<>();
    List<Service.Param> params = new ArrayList<>();
    List<Service.RunTag> tags = new ArrayList<>();
    for (JsonNode e : events) add(e, metrics, params, tags);
    for (int m = 0, p = 0, g = 0; m < metrics.size() || p < params.size() || g < tags.size(); ) {
      int m2 = Math.min(metrics.size(), m + MAX_METRICS);
      int p2 = Math.min(params.size(), p + MAX_PARAMS);
      int g2 = Math.min(tags.size(), g + MAX_TAGS);
      api.logBatch(runId, metrics.subList(m, m2), params.subList(p, p2), tags.subList(g, g2));
      m = m2;
      p = p2;
      g = g2;
    }
  }

  private static void open(JsonNode e, ObjectNode state, MlflowApi api, Path dir) {
    String key = e.path("key").asText();
    ObjectNode runs = state.with("runs");
    if (runs.has(key)) return; // a resumed run reopens what exists
    if (key.isEmpty() || !state.has("experimentId")) state.put("experimentId", api.experiment(e.path("experiment").asText()));
    String experimentId = state.path("experimentId").asText();
    String kilnRun = e.path("tags").path("kiln.run_id").asText();
    Optional<Service.RunInfo> existing = state.path("creating").asText().equals(key) ? api.findRun(experimentId, kilnRun, key) : Optional.empty();
    Service.RunInfo info;
    if (existing.isPresent()) {
      info = existing.get();
    } else {
      state.put("creating", key); // if we die after the server created it, the next delivery searches first
      save(dir, state);
      Map<String, String> tags = new java.util.LinkedHashMap<>();
      e.path("tags").fields().forEachRemaining(t -> tags.put(t.getKey(), t.getValue().asText()));
      String parent = e.path("parent").isNull() || e.path("parent").isMissingNode() ? null : e.path("parent").asText();
      if (parent != null) tags.put("mlflow.parentRunId", runs.path(parent).path("id").asText());
      info = api.createRun(experimentId, e.path("name").asText(), e.path("start").asLong(), tags);
    }
    runs.putObject(key).put("id", info.getRunId()).put("artifactUri", info.getArtifactUri());
    state.remove("creating");
  }

  private static void add(JsonNode e, List<Service.Metric> metrics, List<Service.Param> params, List<Service.RunTag> tags) {
    switch (e.path("type").asText()) {
      case "metrics" -> {
        for (JsonNode m : e.path("metrics")) {
          metrics.add(Service.Metric.newBuilder().setKey(m.get(0).asText()).setValue(m.get(1).asDouble()).setStep(m.get(2).asLong()).setTimestamp(m.get(3).asLong()).build());
        }
      }
      case "params" -> e.path("params").fields().forEachRemaining(p -> params.add(Service.Param.newBuilder().setKey(p.getKey()).setValue(p.getValue().asText()).build()));
      case "tags" -> e.path("tags").fields().forEachRemaining(t -> tags.add(Service.RunTag.newBuilder().setKey(t.getKey()).setValue(t.getValue().asText()).build()));
      default -> throw new IllegalArgumentException(e.path("type").asText());
    }
  }

  /** How many metrics, params and tags an event carries. */
  private static int[] sizes(JsonNode e) {
    return new int[] {e.path("metrics").size(), e.path("params").size(), e.path("tags").size()};
  }

  /** Whether event {@code n} still fits in a request that already holds {@code sizes}. */
  private static boolean fits(int[] sizes, JsonNode n) {
    int[] more = sizes(n);
    return sizes[0] + more[0] <= MAX_METRICS && sizes[1] + more[1] <= MAX_PARAMS && sizes[2] + more[2] <= MAX_TAGS;
  }



  static ObjectNode state(Path dir) throws IOException {
    Path f = dir.resolve("state.json");
    if (!Files.exists(f)) return Outbox.JSON.createObjectNode().put("delivered", 0);
    return (ObjectNode) Outbox.JSON.readTree(f.toFile());
  }

  static void save(Path dir, ObjectNode state) {
    try {
      dev.kiln.api.AtomicFiles.write(dir.resolve("state.json"), Outbox.JSON.writeValueAsBytes(state));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static Result status(Path dir) throws IOException {
    ObjectNode state = state(dir);
    List<JsonNode> all = Outbox.read(dir, 0);
    long total = all.isEmpty() ? 0 : all.get(all.size() - 1).path("seq").asLong();
    return new Result(state.path("delivered").asLong(), total, state.path("finished").asBoolean());
  }

  /** The MLflow run id a Kiln step (key "" for the pipeline run) was delivered as, if it was. */
  static Optional<String> mlflowRun(Path dir, String key) throws IOException {
    JsonNode r = state(dir).path("runs").path(key).path("id");
    return r.isMissingNode() ? Optional.empty() : Optional.of(r.asText());
  }
}
