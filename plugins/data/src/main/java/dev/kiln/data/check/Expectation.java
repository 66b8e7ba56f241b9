package dev.kiln.data.check;

import dev.kiln.api.InvalidParamException;
import dev.kiln.api.Param;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One item of data/check's {@code expect:} list: exactly one kind of check (one key per kind, as
 * Great Expectations names its expectations), an optional name and a severity. Values outside the
 * check (nulls for in-range, in-set and matches) pass: combine with not-null to forbid them.
 */
public record Expectation(
    @Param("how reports and messages call it; default kind(column), e.g. not-null(age)") String name,
    @Param(value = "error fails the step; warn only reports", defaultValue = "error") Severity severity,
    @Param("a column that must hold no nulls") String notNull,
    @Param("columns whose value (or combination of values) no two rows share") Unique unique,
    @Param("a numeric column whose values lie in [min, max] (either bound optional)") InRange inRange,
    @Param("a column whose values are among values:") InSet inSet,
    @Param("a column whose values match regex: as a whole (DuckDB regexp_full_match)") Matches matches,
    @Param("the number of rows lies in [min, max]") RowCount rowCount,
    @Param("a column that is present, with type: integer | float | number | string | boolean | date | timestamp") Column column,
    @Param("a column's distribution against reference: by max-psi and/or max-ks") Distribution distribution) {

  /** error: a failure fails the step; warn: it is reported and logged. */
  public enum Severity {
    ERROR,
    WARN
  }

  /** The kinds' YAML keys, in the order their components are declared. */
  static final List<String> KINDS = List.of("not-null", "unique", "in-range", "in-set", "matches", "row-count", "column", "distribution");

  public Expectation {
    severity = severity == null ? Severity.ERROR : severity;
    List<String> given = new ArrayList<>();
    if (notNull != null) given.add("not-null");
    if (unique != null) given.add("unique");
    if (inRange != null) given.add("in-range");
    if (inSet != null) given.add("in-set");
    if (matches != null) given.add("matches");
    if (rowCount != null) given.add("row-count");
    if (column != null) given.add("column");
    if (distribution != null) given.add("distribution");
    if (given.isEmpty()) {
      throw new IllegalArgumentException("an expectation needs one of " + String.join(", ", KINDS) + ", found none");
    }
    if (given.size() > 1) {
      throw new InvalidParamException(given.get(1), true, "an expectation holds one check, found " + String.join(" and ", given), "write each check as its own item of expect:");
    }
    if (name != null && name.isBlank()) throw new InvalidParamException("name", false, "name must not be blank", null);
  }

  /** The kind's YAML key, e.g. {@code not-null}. */
  public String kind() {
    if (notNull != null) return "not-null";
    if (unique != null) return "unique";
    if (inRange != null) return "in-range";
    if (inSet != null) return "in-set";
    if (matches != null) return "matches";
    if (rowCount != null) return "row-count";
    if (column != null) return "column";
    return "distribution";
  }

  /** The columns it reads (none for row-count). */
  public List<String> columns() {
    return switch (kind()) {
      case "not-null" -> List.of(notNull);
      case "unique" -> unique.columns();
      case "in-range" -> List.of(inRange.column());
      case "in-set" -> List.of(inSet.column());
      case "matches" -> List.of(matches.column());
      case "column" -> List.of(column.name());
      case "distribution" -> List.of(distribution.column());
      default -> List.of();
    };
  }

  /** kind(columns), e.g. {@code unique(first, last)}; {@code row-count} has none. */
  public String label() {
    return columns().isEmpty() ? kind() : kind() + "(" + String.join(", ", columns()) + ")";
  }

  /** The given name, else {@link #label()}. */
  public String displayName() {
    return name != null ? name : label();
  }

  /** {@code unique: {columns: [a, b]}}. */
  public record Unique(@Param(value = "one column or a combination", required = true, min = 1) List<String> columns) {}

  /** {@code in-range: {column, min, max}}, both bounds inclusive. */
  public record InRange(
      @Param(value = "a numeric column", required = true) String column,
      @Param("the smallest value allowed") Double min,
      @Param("the largest value allowed") Double max) {
    public InRange {
      if (min == null && max == null) throw new IllegalArgumentException("in-range needs min, max or both, found neither");
      if (min != null && max != null && min > max) {
        throw new InvalidParamException("max", false, "max must be at least min (" + Numbers.format(min) + "), found " + Numbers.format(max), null);
      }
    }
  }

  /** {@code in-set: {column, values: [...]}}. */
  public record InSet(
      @Param(value = "the column", required = true) String column,
      @Param(value = "the values allowed (strings, numbers or booleans)", required = true, min = 1) List<Object> values) {
    public InSet {
      for (int i = 0; i < values.size(); i++) {
        Object v = values.get(i);
        if (!(v instanceof String || v instanceof Number || v instanceof Boolean)) {
          throw new InvalidParamException("values", false, "values[" + i + "] must be a string, number or boolean, found " + (v == null ? "null" : v instanceof java.util.List ? "a list" : v instanceof java.util.Map ? "a mapping" : v.toString()), null);
        }
      }
    }
  }

  /** {@code matches: {column, regex}}. */
  public record Matches(
      @Param(value = "the column (compared as text)", required = true) String column,
      @Param(value = "a regular expression the whole value must match (RE2 syntax)", required = true) String regex) {
    public Matches {
      try {
        Pattern.compile(regex);
      } catch (PatternSyntaxException e) {
        throw new InvalidParamException("regex", false, "bad regular expression: " + e.getDescription() + " near index " + e.getIndex(), "RE2 syntax, e.g. [A-Z][a-z]+ or \\d{3}-\\d{4}");
      }
    }
  }

  /** {@code row-count: {min, max}}. */
  public record RowCount(
      @Param(value = "the fewest rows allowed", min = 0) Long min,
      @Param(value = "the most rows allowed", min = 0) Long max) {
    public RowCount {
      if (min == null && max == null) throw new IllegalArgumentException("row-count needs min, max or both, found neither");
      if (min != null && max != null && min > max) throw new InvalidParamException("max", false, "max must be at least min (" + min + "), found " + max, null);
    }
  }

  /** {@code column: {name, type}}. */
  public record Column(
      @Param(value = "the column that must be present", required = true) String name,
      @Param("its type; any when absent") ColumnKind type) {}

  /** {@code distribution: {column, max-psi, max-ks}} against the step's reference. */
  public record Distribution(
      @Param(value = "the column, in the data and in the reference", required = true) String column,
      @Param(value = "largest population stability index allowed (10 reference-quantile bins for numbers, categories otherwise); 0.1 small, 0.2 large", min = 0) Double maxPsi,
      @Param(value = "largest two-sample Kolmogorov-Smirnov statistic allowed (numeric columns)", min = 0, max = 1) Double maxKs) {
    public Distribution {
      if (maxPsi == null && maxKs == null) throw new IllegalArgumentException("distribution needs max-psi, max-ks or both, found neither");
    }
  }
}
