package dev.kiln.registry;

/**
 * A validation verdict on a candidate artifact for a model name.
 *
 * @param checksJson every check with its value, threshold and outcome, as JSON
 * @param championVersion the champion it was compared with (null when there was none)
 */
public record Blessing(
    long id, String model, String artifactSha256, boolean blessed, String checksJson, Integer championVersion, String runId, String stepKey, long createdAt) {}
