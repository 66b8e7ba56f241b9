package dev.kiln.registry;

/**
 * One attempt at running a pipeline, as the store keeps it. Times are epoch milliseconds.
 *
 * @param specSource the exact YAML that ran, so the run can be resumed and explained
 * @param paramsJson the resolved pipeline params, as JSON
 * @param ownerPid the process running it while RUNNING, to tell a live run from a killed one
 */
public record RunRecord(
    String id,
    String pipeline,
    String pipelineFile,
    String specSource,
    String specSha256,
    String paramsJson,
    RunStatus status,
    long createdAt,
    Long startedAt,
    Long finishedAt,
    String error,
    Long ownerPid,
    String ownerHost,
    int version) {

  /** A run that is recorded but not started: PENDING, owned by no process, version 0. */
  public static RunRecord pending(String id, String pipeline, String pipelineFile, String specSource, String specSha256, String paramsJson, long createdAt) {
    return new RunRecord(id, pipeline, pipelineFile, specSource, specSha256, paramsJson, RunStatus.PENDING, createdAt, null, null, null, null, null, 0);
  }

  public RunRecord withStatus(RunStatus s, Long finished, String err) {
    return new RunRecord(id, pipeline, pipelineFile, specSource, specSha256, paramsJson, s, createdAt, startedAt, finished, err, ownerPid, ownerHost, version);
  }
}
