package dev.kiln.registry;

/** The state of a pipeline run or a step run. */
public enum RunStatus {
  PENDING,
  RUNNING,
  SUCCEEDED,
  FAILED,
  CACHED,
  SKIPPED,
  CANCELLED;

  /** No further change is expected. */
  public boolean isTerminal() {
    return this != PENDING && this != RUNNING;
  }

  /** Finished with usable outputs. */
  public boolean isDone() {
    return this == SUCCEEDED || this == CACHED;
  }
}
