package dev.kiln.data.profile;

import java.util.List;
import java.util.stream.Collectors;

/** Quoting for the SQL text the profile sends to DuckDB. */
final class Sql {
  private Sql() {}

  /** A string literal. */
  static String literal(String s) {
    return "'" + s.replace("'", "''") + "'";
  }

  /** A quoted identifier. */
  static String id(String s) {
    return "\"" + s.replace("\"", "\"\"") + "\"";
  }

  /** A list of string literals. */
  static String list(List<String> items) {
    return items.stream().map(Sql::literal).collect(Collectors.joining(", ", "[", "]"));
  }

  /** A double as an exact literal (finite values only). */
  static String number(double d) {
    return "CAST(" + literal(Double.toString(d)) + " AS DOUBLE)";
  }
}
