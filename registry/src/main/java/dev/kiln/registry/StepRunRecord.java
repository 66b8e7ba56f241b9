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

  /**
   * Whether this is a child step (a trial of {@code kiln/tune}), whose key is its parent
   * instance's key, '/' and a name; a step of a sub-pipeline ({@code prepare/split}) has a '/' in
   * its id and is not one.
   */
  public boolean isChild() {
    return stepKey.length() > stepId.length() && stepKey.startsWith(stepId) && stepKey.substring(stepId.length()).matches("(\\[[^\\]/]+])?/.+");
  }

  public Long durationMillis() {
    return startedAt == null || finishedAt == null ? null : finishedAt - startedAt;
  }
}
