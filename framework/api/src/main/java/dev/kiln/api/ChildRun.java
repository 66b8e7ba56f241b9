package dev.kiln.api;

import java.util.Map;

/**
 * How a child step (e.g. one trial of {@code kiln/tune}) ended. See {@link StepContext#runChild}.
 *
 * @param key the child's step key in the run store, {@code <parent step>/<name>}
 * @param status how it ended
 * @param outputs its outputs (empty unless it succeeded or was cached)
 * @param metrics its final value of every metric it recorded (last value per name)
 * @param error what went wrong (FAILED), or why it stopped (STOPPED); null otherwise
 * @param cachedFrom the run whose result a CACHED child reused
 * @param millis how long it ran here (0 when cached)
 */
public record ChildRun(String key, Status status, Map<String, Object> outputs, Map<String, Double> metrics, String error, String cachedFrom, long millis) {

  /** How a child ended. */
  public enum Status {
    /** Ran to the end. */
    SUCCEEDED,
    /** An earlier run with the same step type, params and inputs produced the result. */
    CACHED,
    /** Its monitor asked it to stop (a pruned trial). */
    STOPPED,
    /** It failed; {@link ChildRun#error()} says why. */
    FAILED
  }

  public ChildRun {
    outputs = outputs == null ? Map.of() : Map.copyOf(outputs);
    metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
  }

  public boolean succeeded() {
    return status == Status.SUCCEEDED || status == Status.CACHED;
  }

  /** Watches a running child's metrics, e.g. to prune a trial whose intermediate score is poor. */
  @FunctionalInterface
  public interface Monitor {
    /**
     * Called for each value the child records with {@link StepContext#metric}; for a cached child,
     * with the values the original run recorded at steps above 0 (its answer is then ignored).
     *
     * @return false to ask the child to stop: its {@link StepContext#cancelled()} becomes true
     */
    boolean report(String metric, double value, long step);

    Monitor NONE = (m, v, s) -> true;
  }
}
