package dev.kiln.registry;

/**
 * A version of a project file a run read, as a data-versioning system knows it.
 *
 * @param hash the system's content hash with its algorithm ({@code md5:...})
 * @param source the file recording the version ({@code data/x.csv.dvc}, {@code dvc.lock})
 * @param descriptor the source's entry for this file as it was, so it can be restored
 * @param modified the workspace copy differed from the tracked version
 * @param sha256 the content the run's steps read (an artifact in the store)
 */
public record DataVersionRecord(
    String runId,
    String path,
    String system,
    String hash,
    long size,
    String source,
    String descriptor,
    boolean modified,
    String sha256,
    long recordedAt) {}
