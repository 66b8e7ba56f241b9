package dev.kiln.engine.yaml;

import dev.kiln.engine.diag.Location;

/**
 * A scalar as written. {@code kind} is what YAML's core schema makes of it: a quoted scalar is
 * always a string.
 */
public record ScalarNode(String text, Kind kind, Location location) implements Node {
  /** The YAML core-schema type of a scalar. */
  public enum Kind {
    STRING,
    INT,
    FLOAT,
    BOOL,
    NULL
  }

  public boolean isNull() {
    return kind == Kind.NULL;
  }

  /** Whether the text contains an expression {@code ${{ ... }}}. */
  public boolean hasExpression() {
    return kind == Kind.STRING && text.contains("${{");
  }

  /** The plain Java value: String, Long, Double, Boolean or null. */
  public Object value() {
    return switch (kind) {
      case STRING -> text;
      case INT -> parseLong(text);
      case FLOAT -> parseDouble(text);
      // YAML 1.1 (which the parser follows) also reads yes/no and on/off as booleans
      case BOOL -> switch (text.toLowerCase(java.util.Locale.ROOT)) {
        case "true", "yes", "on" -> Boolean.TRUE;
        default -> Boolean.FALSE;
      };
      case NULL -> null;
    };
  }

  private static Object parseLong(String t) {
    String s = t.replace("_", "");
    try {
      if (s.startsWith("0x") || s.startsWith("0X")) return Long.parseLong(s.substring(2), 16);
      if (s.startsWith("0o")) return Long.parseLong(s.substring(2), 8);
      return Long.parseLong(s.startsWith("+") ? s.substring(1) : s);
    } catch (NumberFormatException e) {
      return new java.math.BigInteger(s).doubleValue();
    }
  }

  private static Double parseDouble(String t) {
    String s = t.replace("_", "").toLowerCase(java.util.Locale.ROOT);
    return switch (s) {
      case ".nan" -> Double.NaN;
      case ".inf", "+.inf" -> Double.POSITIVE_INFINITY;
      case "-.inf" -> Double.NEGATIVE_INFINITY;
      default -> Double.parseDouble(s);
    };
  }

  @Override
  public String kindName() {
    return switch (kind) {
      case STRING -> "string";
      case INT -> "integer";
      case FLOAT -> "number";
      case BOOL -> "boolean";
      case NULL -> "null";
    };
  }
}
