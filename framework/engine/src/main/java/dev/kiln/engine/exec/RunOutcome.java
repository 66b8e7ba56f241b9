package dev.kiln.engine.exec;

import dev.kiln.registry.RunStatus;
import dev.kiln.registry.StepRunRecord;
import java.util.List;

/**
 * How a run ended.
 *
 * @param invalidInput the run failed because a step rejected its input data ({@link
 *     dev.kiln.api.InvalidInput}); the CLI exits 2 as for any other bad input
 * @param tracking what each tracker said when it closed (e.g. {@code tracking: MLflow run URL (...)}),
 *     also logged with the run
 */
public record RunOutcome(String runId, RunStatus status, String error, List<StepRunRecord> steps, boolean invalidInput, List<String> tracking) {
  public RunOutcome {
    tracking = List.copyOf(tracking);
  }

  RunOutcome(String runId, RunStatus status, String error, List<StepRunRecord> steps, boolean invalidInput) {
    this(runId, status, error, steps, invalidInput, List.of());
  }

  /** This outcome with the trackers' closing lines. */
  public RunOutcome withTracking(List<String> lines) {
    return new RunOutcome(runId, status, error, steps, invalidInput, lines);
  }
}
