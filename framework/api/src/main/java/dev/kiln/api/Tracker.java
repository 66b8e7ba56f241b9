package dev.kiln.api;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * An experiment tracker (e.g. MLflow) that mirrors runs: a plugin registers one with
 * {@link KilnPlugin#tracker}. The engine calls {@link #open} when a run starts; a tracker that is
 * not configured for the run (no tracking URI, say) returns null and is left out. Every string the
 * engine hands over already has secrets masked.
 */
public interface Tracker {
  /** A short name for messages, e.g. {@code mlflow}. */
  String name();

  /**
   * Whether this tracker is configured for a run with this environment (e.g. a tracking URI is
   * set). When no tracker is, the engine does no tracking work at all.
   */
  default boolean enabled(Map<String, String> env) {
    return true;
  }

  /** Starts tracking a run, or returns null when this tracker is not configured for it. */
  RunTracker open(TrackedRun run);

  /**
   * Delivers what earlier runs left undelivered (an outage, a killed process) and returns one line
   * per run saying what happened; {@code kiln sync} calls it. Null when not configured.
   */
  List<SyncLine> sync(Path home, Map<String, String> env);

  /** What {@link #sync} did for one run: {@code delivered} is false when something is still pending because delivery failed. */
  record SyncLine(String text, boolean delivered) {}

  /**
   * The tracker's model registry, for mirroring Kiln's registry, or null when this tracker has none
   * or is not configured in {@code env}.
   */
  default ModelRegistryMirror registry(Path home, Map<String, String> env) {
    return null;
  }

  /** The calls of one run, in the order things happened. Implementations must not block on the network. */
  interface RunTracker {
    void stepStarted(TrackedStep step);

    void stepFinished(TrackedStep step, StepOutcome outcome);

    void runFinished(String status, String error, long finishedAt);

    /**
     * Waits up to {@code waitMillis} for delivery of what was recorded and returns a line for the
     * user (what was delivered, or what is kept for later and how to deliver it).
     */
    String close(long waitMillis);
  }

  /**
   * A run as it starts.
   *
   * @param pipelineFile the pipeline file as the user named it
   * @param specSource the YAML exactly as it ran
   * @param params the resolved pipeline params
   * @param experiment the experiment named by the pipeline's {@code tracking.experiment}, or null
   * @param tags the pipeline's {@code tracking.tags} plus the source tags (git commit, branch, remote, user)
   * @param env the environment the run sees (the tracker reads its configuration from it)
   */
  record TrackedRun(
      String runId,
      String pipeline,
      String pipelineFile,
      String specSource,
      Map<String, Object> params,
      String experiment,
      Map<String, String> tags,
      long startedAt,
      boolean resumed,
      Path home,
      Path projectDir,
      Map<String, String> env) {}

  /**
   * A step instance, or a child step (a tuning trial) when {@code parentKey} is set.
   *
   * @param params the step's {@code with:} as canonical values (artifacts by content hash)
   * @param inputFiles project files the step read: path -> sha256
   * @param dataVersions those of them a data-versioning system tracks: path -> version label
   *     (e.g. {@code dvc:md5:3f2a...})
   */
  record TrackedStep(
      String key,
      String parentKey,
      String stepType,
      Map<String, Object> params,
      Map<String, String> inputFiles,
      Map<String, String> dataVersions,
      long startedAt) {}

  /** How a step instance ended: status is a run status name (SUCCEEDED, CACHED, FAILED, ...). */
  record StepOutcome(
      String status,
      String error,
      long finishedAt,
      String cachedFrom,
      List<Metric> metrics,
      List<TrackedArtifact> artifacts) {}

  record Metric(String name, double value, long step, long timestamp) {}

  /** An output artifact: {@code path} names it within the step (e.g. {@code model/model.tribuo}). */
  record TrackedArtifact(String path, Path file, String mediaType, String sha256, long size) {}
}
