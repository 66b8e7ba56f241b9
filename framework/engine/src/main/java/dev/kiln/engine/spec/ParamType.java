package dev.kiln.engine.spec;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The types a pipeline param can have. */
public enum ParamType {
  STRING,
  INT,
  FLOAT,
  BOOL,
  LIST,
  MAP;

  public String yamlName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static ParamType of(Object value) {
    if (value instanceof Boolean) return BOOL;
    if (value instanceof Long || value instanceof Integer) return INT;
    if (value instanceof Number) return FLOAT;
    if (value instanceof List) return LIST;
    if (value instanceof Map) return MAP;
    return STRING;
  }

  /** Whether {@code value} is acceptable for this type (an int is a valid float). */
  public boolean accepts(Object value) {
    ParamType t = of(value);
    return t == this || (this == FLOAT && t == INT);
  }

  /** Parses a {@code -p name=value} override. */
  public Object parse(String text) {
    return switch (this) {
      case STRING -> text;
      case INT -> Long.parseLong(text.strip());
      case FLOAT -> Double.parseDouble(text.strip());
      case BOOL -> {
        String s = text.strip().toLowerCase(Locale.ROOT);
        if (!s.equals("true") && !s.equals("false")) throw new IllegalArgumentException("expected true or false");
        yield Boolean.parseBoolean(s);
      }
      case LIST, MAP -> throw new IllegalArgumentException("list and map params cannot be set with -p");
    };
  }
}
