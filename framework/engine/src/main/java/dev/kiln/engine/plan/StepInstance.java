package dev.kiln.engine.plan;

import java.util.Map;

/**
 * One execution of a step: the step itself, or one combination of its matrix.
 *
 * @param key unique within the run: {@code train}, or {@code train[0]} for a matrix instance
 * @param matrix this instance's axis values (empty without a matrix)
 */
public record StepInstance(String key, String stepId, int index, Map<String, Object> matrix) {}
