package dev.kiln.registry;

/**
 * One step instance of a run.
 *
 * <p>Build one by what happened rather than by position: {@link #of} names the instance, then
 * {@link #started}, {@link #keyed}, and one of {@link #ended}, {@link #succeeded} or {@link
 * #cached} say how far it got, e.g. {@code StepRunRecord.of(run, key, id, uses).started(1,
 * t0).keyed(digest, components).succeeded(outputsJson, t1)}. Each returns a new record.
 *
 * @param stepKey the instance id: the step id, or {@code id[i]} for matrix instances
 * @param cacheComponents JSON object: component name -> digest or value, for {@code kiln explain}
 * @param outputsJson JSON object: output name -> {"artifact": {...}} or {"value": ...}
 * @param cachedFrom the run whose outputs a CACHED step reused
 */
public record StepRunRecord(
    String runId,
    String stepKey,
    String stepId,
    String stepType,
    RunStatus status,
    int attempt,
    String cacheKey,
    String cacheComponents,
    Long startedAt,
    Long finishedAt,
    String error,
    String outputsJson,
    String cachedFrom) {

  /**
   * Whether this is a child step (a trial of {@code kiln/tune}), whose key is its parent
   * instance's key, '/' and a name; a step of a sub-pipeline ({@code prepare/split}) has a '/' in
   * its id and is not one.
   */
  public boolean isChild() {
    return stepKey.length() > stepId.length() && stepKey.startsWith(stepId) && stepKey.substring(stepId.length()).matches("(\\[[^\\]/]+])?/.+");
  }

  /** A step instance that has not started: PENDING, attempt 0, nothing else known. */
  public static StepRunRecord of(String runId, String stepKey, String stepId, String stepType) {
    return new StepRunRecord(runId, stepKey, stepId, stepType, RunStatus.PENDING, 0, null, null, null, null, null, null, null);
  }

  /** RUNNING as attempt {@code attempt}, since {@code startedAt} (null when it never got that far). */
  public StepRunRecord started(int attempt, Long startedAt) {
    return new StepRunRecord(runId, stepKey, stepId, stepType, RunStatus.RUNNING, attempt, cacheKey, cacheComponents, startedAt, finishedAt, error, outputsJson, cachedFrom);
  }

  /** With its cache key and the components it was computed from. */
  public StepRunRecord keyed(String cacheKey, String cacheComponents) {
    return new StepRunRecord(runId, stepKey, stepId, stepType, status, attempt, cacheKey, cacheComponents, startedAt, finishedAt, error, outputsJson, cachedFrom);
  }

  /** Ended without outputs (FAILED, CANCELLED, SKIPPED) at {@code finishedAt}, for the reason {@code error} (may be null). */
  public StepRunRecord ended(RunStatus status, long finishedAt, String error) {
    return new StepRunRecord(runId, stepKey, stepId, stepType, status, attempt, cacheKey, cacheComponents, startedAt, finishedAt, error, null, null);
  }

  /** SUCCEEDED at {@code finishedAt} with these outputs. */
  public StepRunRecord succeeded(String outputsJson, long finishedAt) {
    return new StepRunRecord(runId, stepKey, stepId, stepType, RunStatus.SUCCEEDED, attempt, cacheKey, cacheComponents, startedAt, finishedAt, null, outputsJson, null);
  }

  /** CACHED at {@code finishedAt}: reuses the outputs of {@code from}, an earlier run of an instance with the same key. */
  public StepRunRecord cached(StepRunRecord from, long finishedAt) {
    return new StepRunRecord(runId, stepKey, stepId, stepType, RunStatus.CACHED, attempt, cacheKey, cacheComponents, startedAt, finishedAt, null, from.outputsJson(), from.runId());
  }

  public Long durationMillis() {
    return startedAt == null || finishedAt == null ? null : finishedAt - startedAt;
  }
}
