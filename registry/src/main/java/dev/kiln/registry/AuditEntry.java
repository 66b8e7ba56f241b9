package dev.kiln.registry;

/**
 * One transition of a model, as the append-only audit log keeps it.
 *
 * @param action {@code register}, {@code promote} or {@code demote}
 * @param fromVersion where the alias pointed before (null when it was new)
 * @param origin where it was done from: a CI build URL, or {@code user@host}
 */
public record AuditEntry(
    long id, String model, String action, String alias, Integer version, Integer fromVersion, String actor, String origin, String gitCommit, String reason, boolean forced, long at) {}
