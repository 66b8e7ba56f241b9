package dev.kiln.stats;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one statistical test found: its status, the numbers it computed (in a fixed order, for the
 * step's {@code tests} output and the report) and, when it has them, a p-value and an interval for
 * the difference B - A.
 *
 * @param test the test's name as the step spells it ({@code z-test}, {@code welch}, ...)
 * @param status {@link #OK}, {@link #NOT_ENOUGH_DATA} or {@link #NOT_APPLICABLE}
 * @param note why the test could not run, or a caveat about it (null when none)
 * @param pValue the two-sided p-value, or NaN when the test has none
 * @param low the interval's lower end for the difference B - A, or NaN when the test has none
 * @param high the interval's upper end, or NaN
 * @param numbers everything else the test computed, by name
 */
public record TestResult(String test, String status, String note, double pValue, double low, double high, Map<String, Double> numbers) {
  public static final String OK = "ok";
  public static final String NOT_ENOUGH_DATA = "not enough data";
  public static final String NOT_APPLICABLE = "not applicable";

  public TestResult {
    numbers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(numbers));
  }

  static TestResult notEnoughData(String test, String why, Map<String, Double> numbers) {
    return new TestResult(test, NOT_ENOUGH_DATA, why, Double.NaN, Double.NaN, Double.NaN, numbers);
  }

  static TestResult notApplicable(String test, String why) {
    return new TestResult(test, NOT_APPLICABLE, why, Double.NaN, Double.NaN, Double.NaN, Map.of());
  }

  public boolean ok() {
    return status.equals(OK);
  }

  public boolean hasInterval() {
    return !Double.isNaN(low) && !Double.isNaN(high);
  }

  /** This result as plain values for a step output: status, note, p-value, ci-low, ci-high, then the numbers. NaN is left out. */
  public Map<String, Object> asValue() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("status", status);
    if (note != null) m.put("note", note);
    if (!Double.isNaN(pValue)) m.put("p-value", pValue);
    if (!Double.isNaN(low)) m.put("ci-low", low);
    if (!Double.isNaN(high)) m.put("ci-high", high);
    numbers.forEach((k, v) -> {
      if (v != null && Double.isFinite(v)) m.put(k, v);
    });
    return m;
  }
}
