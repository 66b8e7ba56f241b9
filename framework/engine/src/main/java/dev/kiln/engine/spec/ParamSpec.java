package dev.kiln.engine.spec;

import dev.kiln.engine.diag.Location;
import java.util.List;

/**
 * A pipeline param: typed, optionally with a default (no default = must be given with {@code -p}),
 * a range and a set of choices.
 */
public record ParamSpec(
    String name,
    ParamType type,
    Object defaultValue,
    Double min,
    Double max,
    List<Object> choices,
    String description,
    Location location) {

  public boolean required() {
    return defaultValue == null;
  }
}
