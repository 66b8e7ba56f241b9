package dev.kiln.registry;

/**
 * A registered model version and its lineage.
 *
 * @param artifactSha256 the model bundle in the artifact store
 * @param runId the run whose step produced and registered it
 * @param gitCommit the commit the run's project was at (null outside git)
 * @param dataJson path -> data version ({@code dvc:md5:...} or {@code sha256:...}) the run read, as JSON
 * @param metricsJson the model's metrics (from its card), as JSON
 * @param cardJson the model card, as JSON
 * @param mirrorVersion the version number in the mirror registry (MLflow), once mirrored
 */
public record ModelVersion(
    String model,
    int version,
    String artifactSha256,
    String mediaType,
    String runId,
    String stepKey,
    String pipeline,
    String gitCommit,
    String dataJson,
    String metricsJson,
    String cardJson,
    String description,
    String mirrorVersion,
    String createdBy,
    long createdAt) {}
