package dev.kiln.engine.exec;

import dev.kiln.registry.RunStatus;
import dev.kiln.registry.StepRunRecord;
import java.util.List;

/**
 * How a run ended.
 *
 * @param invalidInput the run failed because a step rejected its input data ({@link
 *     dev.kiln.api.InvalidInput}); the CLI exits 2 as for any other bad input
 */
public record RunOutcome(String runId, RunStatus status, String error, List<StepRunRecord> steps, boolean invalidInput) {}
