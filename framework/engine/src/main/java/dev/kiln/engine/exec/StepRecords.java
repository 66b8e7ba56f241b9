package dev.kiln.engine.exec;

import dev.kiln.api.Artifact;
import dev.kiln.api.StepResult;
import dev.kiln.engine.cache.CacheKey;
import dev.kiln.engine.json.Json;
import dev.kiln.engine.plan.StepInstance;
import dev.kiln.engine.state.StepOutputs;
import dev.kiln.engine.yaml.MapNode;
import dev.kiln.engine.yaml.ValueNode;
import dev.kiln.registry.ArtifactRecord;
import dev.kiln.registry.LineageEdge;
import dev.kiln.registry.MetricRecord;
import dev.kiln.registry.RunStatus;
import dev.kiln.registry.StepRunRecord;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes what happened to a step instance (or a child) to the run store, then tells the listener:
 * a state is reported only after the store has committed it. A SUCCEEDED or CACHED instance is
 * written in one transaction with its artifacts, lineage and metrics.
 */
final class StepRecords {
  private final RunScope run;

  StepRecords(RunScope run) {
    this.run = run;
  }

  /** The instance ended without running (cancelled, skipped, failed before it started). */
  StepRunRecord ended(StepInstance inst, String uses, RunStatus status, int attempt, long started, String why) {
    StepRunRecord r = StepRunRecord.of(run.runId, inst.key(), inst.stepId(), uses).started(attempt, started).ended(status, System.currentTimeMillis(), why == null ? null : run.mask(why));
    return finish(r);
  }

  StepRunRecord finish(StepRunRecord r) {
    run.store.saveStepRun(r);
    run.listener.stepFinished(r);
    return r;
  }

  StepRunRecord running(StepInstance inst, String uses, int attempt, CacheKey key, long started) {
    StepRunRecord r = StepRunRecord.of(run.runId, inst.key(), inst.stepId(), uses).started(attempt, started).keyed(key.digest(), key.componentsJson());
    run.store.saveStepRun(r);
    run.listener.stepStarted(r);
    return r;
  }

  /** An attempt failed and another follows: recorded, not reported as the instance's end. */
  void willRetry(StepInstance inst, String uses, int attempt, CacheKey key, long started, String error) {
    run.store.saveStepRun(StepRunRecord.of(run.runId, inst.key(), inst.stepId(), uses).started(attempt, started).keyed(key.digest(), key.componentsJson()).ended(RunStatus.FAILED, System.currentTimeMillis(), run.mask(error) + " (will retry)"));
  }

  /** The last attempt ended FAILED or CANCELLED; the metrics it recorded are kept. */
  StepRunRecord failed(StepInstance inst, String uses, RunStatus status, int attempt, CacheKey key, Long started, String error, List<MetricRecord> metrics) {
    StepRunRecord r = StepRunRecord.of(run.runId, inst.key(), inst.stepId(), uses).started(attempt, started).keyed(key.digest(), key.componentsJson()).ended(status, System.currentTimeMillis(), error == null ? null : run.mask(error));
    if (metrics.isEmpty()) {
      run.store.saveStepRun(r);
    } else {
      run.store.completeStep(r, List.of(), List.of(), metrics);
    }
    run.listener.stepFinished(r);
    return r;
  }

  /**
   * Records an instance that ran to the end, in one transaction: a SUCCEEDED step always has its
   * artifacts, lineage and metrics. Values holding a secret are stored, shown and passed on masked.
   */
  StepRunRecord succeeded(StepInstance inst, String uses, int attempt, long started, CacheKey key, StepResult result, List<MetricRecord> recorded, Map<String, Artifact> imported, MapNode with) throws IOException {
    Map<String, Object> outs = result.outputs();
    Map<String, Artifact> produced = new LinkedHashMap<>();
    outs.forEach((k, v) -> Json.artifacts(v, k, produced));
    for (Artifact a : produced.values()) {
      if (!run.artifacts.isIntact(a)) throw new IOException("output artifact " + a.name() + " is not in the artifact store; steps must create artifacts with StepContext.storeArtifact");
    }
    List<MetricRecord> metrics = new ArrayList<>(recorded);
    long now = System.currentTimeMillis();
    result.metrics().forEach((k, v) -> metrics.add(new MetricRecord(run.runId, inst.key(), run.mask(k), 0, v, now)));
    StepRunRecord r = StepRunRecord.of(run.runId, inst.key(), inst.stepId(), uses).started(attempt, started).keyed(key.digest(), key.componentsJson()).succeeded(Json.encodeOutputs(run.secrets.maskValues(outs)), now);
    List<Artifact> all = new ArrayList<>(produced.values());
    all.addAll(imported.values());
    run.store.completeStep(r, artifactRecords(all, now), lineage(inst.key(), imported, inputsOf(with), outs), metrics);
    run.listener.stepFinished(r);
    return r;
  }

  /**
   * Reuses an earlier result with the same cache key, if its artifacts are intact: records the
   * instance as CACHED and returns {the earlier step run, the CACHED record}; null on a miss.
   */
  StepRunRecord[] reuse(StepInstance inst, String uses, int attempt, CacheKey key, long started, Map<String, Artifact> imported, MapNode with) {
    var hit = run.store.findByCacheKey(key.digest()).filter(this::outputsIntact);
    if (hit.isEmpty()) return null;
    StepRunRecord h = hit.get();
    long now = System.currentTimeMillis();
    StepRunRecord r = StepRunRecord.of(run.runId, inst.key(), inst.stepId(), uses).started(attempt, started).keyed(key.digest(), key.componentsJson()).cached(h, now);
    run.store.completeStep(r, artifactRecords(imported.values(), now), lineage(inst.key(), imported, inputsOf(with), StepOutputs.of(h).asMap()), List.of());
    run.listener.stepFinished(r);
    return new StepRunRecord[] {h, r};
  }

  /** Whether every artifact a recorded instance produced is still in the artifact store. */
  boolean outputsIntact(StepRunRecord r) {
    return StepOutputs.of(r).artifacts().values().stream().allMatch(run.artifacts::isIntact);
  }

  private static Map<String, Artifact> inputsOf(MapNode with) {
    Map<String, Artifact> in = new LinkedHashMap<>();
    with.entries().forEach((k, e) -> {
      if (e.value() instanceof ValueNode v) Json.artifacts(v.value(), k, in);
    });
    return in;
  }

  private static List<ArtifactRecord> artifactRecords(Collection<Artifact> artifacts, long now) {
    return artifacts.stream().map(a -> new ArtifactRecord(a.sha256(), a.size(), a.mediaType(), now)).toList();
  }

  private List<LineageEdge> lineage(String stepKey, Map<String, Artifact> imported, Map<String, Artifact> inputs, Map<String, Object> outputs) {
    List<LineageEdge> edges = new ArrayList<>();
    imported.forEach((p, a) -> edges.add(new LineageEdge(run.runId, stepKey, "in", "file:" + p, a.sha256())));
    inputs.forEach((n, a) -> edges.add(new LineageEdge(run.runId, stepKey, "in", n, a.sha256())));
    Map<String, Artifact> produced = new LinkedHashMap<>();
    outputs.forEach((k, v) -> Json.artifacts(v, k, produced));
    produced.forEach((n, a) -> edges.add(new LineageEdge(run.runId, stepKey, "out", n, a.sha256())));
    return edges;
  }
}
