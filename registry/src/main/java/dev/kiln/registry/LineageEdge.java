package dev.kiln.registry;

/** A step instance read ({@code in}) or produced ({@code out}) an artifact under a name. */
public record LineageEdge(String runId, String stepKey, String direction, String name, String sha256) {}
