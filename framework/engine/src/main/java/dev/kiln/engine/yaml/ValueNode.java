package dev.kiln.engine.yaml;

import dev.kiln.engine.diag.Location;

/**
 * A value computed from an expression at run time (String, Long, Double, Boolean, List, Map,
 * Artifact or null), standing where the expression was written.
 *
 * @param redacted the value's text as it is shown and persisted (cache key, explain, errors): with
 *     secret values masked, and for a shell script the text with the values in place instead of the
 *     variable references it runs with; {@code null} when the value is shown as it is
 */
public record ValueNode(Object value, String redacted, Location location) implements Node {
  /** True when the value is shown and persisted in another form ({@link #redacted}). */
  public boolean hasShownForm() {
    return redacted != null;
  }

  @Override
  public String kindName() {
    if (value == null) return "null";
    if (value instanceof String) return "string";
    if (value instanceof Long || value instanceof Integer) return "integer";
    if (value instanceof Number) return "number";
    if (value instanceof Boolean) return "boolean";
    if (value instanceof java.util.List) return "list";
    if (value instanceof java.util.Map) return "mapping";
    if (value instanceof dev.kiln.api.Artifact) return "artifact";
    return value.getClass().getSimpleName();
  }
}
