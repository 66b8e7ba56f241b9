package dev.kiln.registry;

/**
 * One step instance of a run.
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

  public Long durationMillis() {
    return startedAt == null || finishedAt == null ? null : finishedAt - startedAt;
  }
}
