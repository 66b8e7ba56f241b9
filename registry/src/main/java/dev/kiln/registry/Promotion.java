package dev.kiln.registry;

/** An alias move that happened: {@code alias} went from {@code fromVersion} (null: new) to {@code version}. */
public record Promotion(String model, String alias, int version, Integer fromVersion, boolean forced, AuditEntry audit) {}
