package dev.kiln.registry;

/** An artifact's metadata as the store keeps it. */
public record ArtifactRecord(String sha256, long size, String mediaType, long createdAt) {}
