package dev.kiln.data.check;

import java.util.Locale;

/** The column types data/check's {@code column:} expectation names, over DuckDB's type names. */
public enum ColumnKind {
  INTEGER,
  FLOAT,
  NUMBER,
  STRING,
  BOOLEAN,
  DATE,
  TIMESTAMP;

  /** Whether a DuckDB column of {@code duckType} (as DESCRIBE prints it) is of this kind. */
  public boolean admits(String duckType) {
    String t = duckType.toUpperCase(Locale.ROOT);
    return switch (this) {
      case INTEGER -> isInteger(t);
      case FLOAT -> isFloat(t);
      case NUMBER -> isInteger(t) || isFloat(t);
      case STRING -> t.equals("VARCHAR");
      case BOOLEAN -> t.equals("BOOLEAN");
      case DATE -> t.equals("DATE");
      case TIMESTAMP -> t.startsWith("TIMESTAMP");
    };
  }

  static boolean isNumeric(String duckType) {
    String t = duckType.toUpperCase(Locale.ROOT);
    return isInteger(t) || isFloat(t);
  }

  private static boolean isInteger(String t) {
    return t.matches("U?(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT)");
  }

  private static boolean isFloat(String t) {
    return t.equals("FLOAT") || t.equals("DOUBLE") || t.startsWith("DECIMAL");
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
