package dev.kiln.registry;

import java.util.List;
import java.util.Optional;

/**
 * Where runs and their step runs live. Every method is one transaction: when it returns, the
 * change is durable, so what the engine reports has already been recorded.
 */
public interface RunStore extends AutoCloseable {

  void createRun(RunRecord run);

  /**
   * Takes ownership of a run for this process and marks it RUNNING. Fails when another live
   * process owns it or the run changed since {@code expectedVersion} (optimistic lock).
   */
  RunRecord claimRun(String runId, int expectedVersion, long pid, String host, long now);

  void finishRun(String runId, RunStatus status, String error, long now);

  Optional<RunRecord> findRun(String runId);

  /** Newest first. */
  List<RunRecord> listRuns(int limit);

  /** Inserts or replaces the step run's state. */
  void saveStepRun(StepRunRecord stepRun);

  List<StepRunRecord> stepRuns(String runId);

  /** The newest SUCCEEDED step run with this cache key, whose outputs can be reused. */
  Optional<StepRunRecord> findByCacheKey(String cacheKey);

  /** The newest step run of the same pipeline and step instance before {@code runId}. */
  Optional<StepRunRecord> previousStepRun(String pipeline, String stepKey, String runId);

  /**
   * Records the end of a step in one transaction: the artifacts it produced, its lineage and
   * metrics, and its terminal state, so a SUCCEEDED step always has all of them.
   */
  void completeStep(StepRunRecord stepRun, List<ArtifactRecord> artifacts, List<LineageEdge> lineage, List<MetricRecord> metrics);

  /** Records an artifact's metadata (idempotent). */
  void recordArtifact(String sha256, long size, String mediaType, long now);

  void recordLineage(List<LineageEdge> edges);

  List<LineageEdge> lineage(String runId);

  void recordMetrics(List<MetricRecord> metrics);

  List<MetricRecord> metrics(String runId);

  /** The metrics of one step instance, ordered by name and step. */
  default List<MetricRecord> metrics(String runId, String stepKey) {
    return metrics(runId).stream().filter(m -> m.stepKey().equals(stepKey)).toList();
  }

  /** Records {@code name = value} in the durable state of a step instance (insert or replace). */
  void saveState(String runId, String stepKey, String name, String value, long now);

  /** The durable state of a step instance: name -> value. */
  java.util.Map<String, String> state(String runId, String stepKey);

  /** Records (or replaces) the version of a project file a run read. */
  void recordDataVersion(DataVersionRecord version);

  /** The data versions a run read, by path. */
  List<DataVersionRecord> dataVersions(String runId);

  /**
   * The sha256 of the content a system's hash names, from an earlier unmodified read of it (so a
   * tracked file is not hashed again); empty when never read.
   */
  Optional<String> sha256OfDataVersion(String system, String hash);

  /** The model registry in the same database. */
  ModelRegistry models();

  @Override
  void close();
}
