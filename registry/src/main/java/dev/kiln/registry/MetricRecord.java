package dev.kiln.registry;

/** One value of a metric series of a step instance. */
public record MetricRecord(String runId, String stepKey, String name, long step, double value, long recordedAt) {}
