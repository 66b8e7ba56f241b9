package dev.kiln.engine.exec;

import dev.kiln.registry.RunStatus;
import dev.kiln.registry.StepRunRecord;
import java.util.List;

/** How a run ended. */
public record RunOutcome(String runId, RunStatus status, String error, List<StepRunRecord> steps) {}
