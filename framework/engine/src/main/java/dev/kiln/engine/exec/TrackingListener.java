package dev.kiln.engine.exec;

import dev.kiln.engine.json.Json;
import dev.kiln.engine.resolve.SecretMask;

import dev.kiln.api.Artifact;
import dev.kiln.api.Tracker;
import dev.kiln.engine.home.KilnHome;
import dev.kiln.engine.models.Provenance;
import dev.kiln.engine.plan.ExecutionPlan;
import dev.kiln.engine.state.CacheComponents;
import dev.kiln.engine.state.StepOutputs;
import dev.kiln.registry.MetricRecord;
import dev.kiln.registry.RunRecord;
import dev.kiln.registry.RunStatus;
import dev.kiln.registry.StepRunRecord;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Feeds a run to the configured {@link Tracker}s: what the store recorded for each step (params,
 * input files, metrics, output artifacts), secrets masked once more on the way out. Trackers only
 * queue what they get (MLflow's goes through a durable outbox), so a tracker never slows or fails
 * a run; {@link #close} gives them a bounded time to deliver.
 */
public final class TrackingListener implements RunListener {
  private final List<Tracker> trackers;
  private final KilnHome home;
  private final RunOptions options;
  private final List<Tracker.RunTracker> open = new ArrayList<>();
  private final Map<String, Tracker.TrackedStep> started = new ConcurrentHashMap<>();
  private volatile SecretMask secrets;

  private final java.util.function.Consumer<String> notice;

  /** {@code notice} shows the user a line about tracking (e.g. an output withheld because it holds a secret). */
  public TrackingListener(List<Tracker> trackers, KilnHome home, RunOptions options, java.util.function.Consumer<String> notice) {
    this.trackers = trackers;
    this.notice = notice;
    this.home = home;
    this.options = options;
  }

  /** The secrets the run resolves (its executor's), to mask what is tracked. */
  public void maskingWith(SecretMask secrets) {
    this.secrets = secrets;
  }

  private String mask(String s) {
    SecretMask m = secrets;
    return m == null ? s : m.mask(s);
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> maskAll(Map<String, Object> m) {
    SecretMask masks = secrets;
    return masks == null ? m : (Map<String, Object>) masks.maskSorted(m);
  }

  @Override
  public synchronized void runStarted(String runId, ExecutionPlan plan, boolean resumed) {
    List<Tracker> enabled = trackers.stream().filter(t -> t.enabled(options.env())).toList();
    if (enabled.isEmpty()) return; // nothing to read or ask git for when no tracker is configured
    RunRecord run = home.store().findRun(runId).orElseThrow();
    Map<String, String> tags = new LinkedHashMap<>(plan.spec().tracking().tags());
    tags.putAll(gitTags(options.projectDir()));
    tags.put("mlflow.user", options.env().getOrDefault("USER", System.getProperty("user.name", "unknown")));
    Map<String, Object> params = Json.MAPPER.convertValue(Json.read(run.paramsJson() == null ? "{}" : run.paramsJson()), Map.class);
    Tracker.TrackedRun tr = new Tracker.TrackedRun(runId, run.pipeline(), run.pipelineFile(), run.specSource(), maskAll(params),
        plan.spec().tracking().experiment(), tags, run.startedAt() == null ? run.createdAt() : run.startedAt(), resumed,
        home.dir(), options.projectDir(), options.env());
    for (Tracker t : enabled) {
      try {
        Tracker.RunTracker rt = t.open(tr);
        if (rt != null) open.add(rt);
      } catch (RuntimeException e) {
        notice.accept("kiln: tracking: " + t.name() + " cannot track this run: " + mask(String.valueOf(e.getMessage())));
      }
    }
  }

  public boolean active() {
    return !open.isEmpty();
  }

  @Override
  public void stepStarted(StepRunRecord r) {
    if (open.isEmpty()) return;
    Tracker.TrackedStep step = step(r);
    started.put(r.stepKey(), step);
    each(rt -> rt.stepStarted(step));
  }

  @Override
  public void stepFinished(StepRunRecord r) {
    if (open.isEmpty()) return;
    Tracker.TrackedStep step = started.remove(r.stepKey());
    if (step == null) {
      step = step(r); // CACHED, SKIPPED, or failed before it started: opened and closed at once
      Tracker.TrackedStep s = step;
      each(rt -> rt.stepStarted(s));
    }
    List<Tracker.Metric> metrics = new ArrayList<>();
    for (MetricRecord m : home.store().metrics(r.runId(), r.stepKey())) metrics.add(new Tracker.Metric(m.name(), m.value(), m.step(), m.recordedAt()));
    List<Tracker.TrackedArtifact> artifacts = new ArrayList<>();
    if (r.outputsJson() != null && (r.status() == RunStatus.SUCCEEDED || r.status() == RunStatus.CACHED)) {
      Map<String, Object> outs = StepOutputs.of(r).asMap();
      Map<String, Artifact> produced = new LinkedHashMap<>();
      outs.forEach((k, v) -> Json.artifacts(revive(v), k, produced));
      produced.forEach((path, a) -> {
        try {
          java.nio.file.Path file = home.artifacts().path(a);
          if (holdsSecret(file, a.size())) {
            notice.accept("kiln: tracking: " + r.stepKey() + " output " + path + " contains a secret value; it is not sent to trackers");
            return;
          }
          artifacts.add(new Tracker.TrackedArtifact(path.replace('.', '/') + "/" + a.name(), file, a.mediaType(), a.sha256(), a.size()));
        } catch (IOException e) {
          // not intact: nothing to mirror
        }
      });
    }
    long finished = r.finishedAt() == null ? System.currentTimeMillis() : r.finishedAt();
    Tracker.StepOutcome outcome = new Tracker.StepOutcome(r.status().name(), mask(r.error()), finished, r.cachedFrom(), metrics, artifacts);
    Tracker.TrackedStep s = step;
    each(rt -> rt.stepFinished(s, outcome));
  }

  @Override
  public void runFinished(String runId, RunStatus status, String error) {
    each(rt -> rt.runFinished(status.name(), mask(error), System.currentTimeMillis()));
  }

  /** Gives each tracker up to {@code waitMillis} to deliver; returns their lines for the user. */
  public List<String> close(long waitMillis) {
    List<String> lines = new ArrayList<>();
    for (Tracker.RunTracker rt : open) {
      try {
        String line = rt.close(waitMillis);
        if (line != null) lines.add(mask(line));
      } catch (RuntimeException e) {
        lines.add("tracking: " + mask(String.valueOf(e.getMessage())));
      }
    }
    open.clear();
    return lines;
  }

  /** Artifacts nested in an output value come back from the store as plain maps; make them artifacts again. */
  private static Object revive(Object v) {
    if (v instanceof Map<?, ?> m) {
      if (m.size() == 4 && m.get("sha256") instanceof String sha && sha.matches("[0-9a-f]{64}") && m.get("size") instanceof Number n && m.containsKey("mediaType") && m.containsKey("name")) {
        return new Artifact(sha, n.longValue(), (String) m.get("mediaType"), (String) m.get("name"));
      }
      Map<Object, Object> out = new LinkedHashMap<>();
      m.forEach((k, x) -> out.put(k, revive(x)));
      return out;
    }
    if (v instanceof List<?> l) return l.stream().map(TrackingListener::revive).toList();
    return v;
  }

  /** True when the file contains a secret value this run resolved; files over 64 MB are not read and go out as they are. */
  private boolean holdsSecret(java.nio.file.Path file, long size) throws IOException {
    SecretMask e = secrets;
    if (size > 64L << 20 || e == null || !e.any()) return false;
    String text = new String(java.nio.file.Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1);
    String utf8 = new String(text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), java.nio.charset.StandardCharsets.UTF_8);
    return !e.mask(text).equals(text) || !e.mask(utf8).equals(utf8);
  }

  private void each(java.util.function.Consumer<Tracker.RunTracker> call) {
    for (Tracker.RunTracker rt : open) {
      try {
        call.accept(rt);
      } catch (RuntimeException e) {
        notice.accept("kiln: tracking: " + mask(String.valueOf(e.getMessage())));
      }
    }
  }

  private Tracker.TrackedStep step(StepRunRecord r) {
    Map<String, Object> params = Map.of();
    Map<String, String> inputs = new LinkedHashMap<>();
    Map<String, String> versions = new LinkedHashMap<>();
    CacheComponents c = CacheComponents.of(r).orElse(null);
    if (c != null) {
      if (c.params() instanceof Map<?, ?>) params = maskAll(c.paramsMap());
      c.inputs().forEach((k, v) -> {
        int colon = k.indexOf(':');
        if (k.startsWith("file:")) inputs.put(k.substring(5), v);
        else if (colon > 0) versions.put(k.substring(colon + 1), v); // dvc:<path> -> dvc:md5:...
      });
    }
    String parent = r.isChild() ? r.stepKey().substring(0, r.stepKey().lastIndexOf('/')) : null;
    long startedAt = r.startedAt() == null ? System.currentTimeMillis() : r.startedAt();
    return new Tracker.TrackedStep(r.stepKey(), parent, r.stepType(), params, inputs, versions, startedAt);
  }

  /** mlflow.source.git.* tags of the project directory, when it is a git work tree. */
  static Map<String, String> gitTags(java.nio.file.Path dir) {
    Map<String, String> tags = new LinkedHashMap<>();
    String commit = Provenance.git(dir, "rev-parse", "HEAD");
    if (commit == null || commit.isEmpty()) return tags;
    tags.put("mlflow.source.git.commit", commit);
    String branch = Provenance.git(dir, "rev-parse", "--abbrev-ref", "HEAD");
    if (branch != null && !branch.isEmpty() && !branch.equals("HEAD")) tags.put("mlflow.source.git.branch", branch);
    String remote = Provenance.git(dir, "config", "--get", "remote.origin.url");
    if (remote != null && !remote.isEmpty()) tags.put("mlflow.source.git.repoURL", remote.replaceAll("//[^/@]+@", "//")); // no credentials in URLs
    return tags;
  }
}
