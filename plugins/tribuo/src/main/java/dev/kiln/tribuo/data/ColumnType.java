package dev.kiln.tribuo.data;

import java.util.Locale;

/** How a column is used: a number, a category, free text, or not a feature at all. */
public enum ColumnType {
  NUMERIC,
  CATEGORICAL,
  TEXT,
  ID,
  IGNORE;

  public String yamlName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static ColumnType parse(String s) {
    for (ColumnType t : values()) if (t.yamlName().equals(s.toLowerCase(Locale.ROOT))) return t;
    return null;
  }
}
