package dev.kiln.engine.yaml;

/**
 * A value computed from an expression at run time (String, Long, Double, Boolean, List, Map,
 * Artifact or null), standing where the expression was written.
 *
 * @param redacted the value's text with secret values masked, used wherever the value is shown or
 *     persisted; {@code null} when the value holds no secret
 */
public record ValueNode(Object value, String redacted, Location location) implements Node {
  public boolean holdsSecret() {
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
