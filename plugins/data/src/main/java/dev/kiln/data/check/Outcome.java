package dev.kiln.data.check;

import java.util.List;

/**
 * What one expectation found.
 *
 * @param index its position in {@code expect:}
 * @param failing rows that broke it (null for checks of the whole table: row-count, column, distribution)
 * @param detail what was found, e.g. {@code 177 of 891 rows are null}
 * @param examples up to five failing rows, by row number
 * @param psi the population stability index (distribution only)
 * @param ks the Kolmogorov-Smirnov statistic (distribution of a numeric column only)
 */
public record Outcome(int index, Expectation expectation, Status status, Long failing, String detail, List<Example> examples, Double psi, Double ks) {

  /** pass; warn: a warn-severity expectation failed; fail: an error-severity one did. */
  public enum Status {
    PASS,
    WARN,
    FAIL;

    @Override
    public String toString() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * A failing row.
   *
   * @param row its 1-based number among the data rows (the header not counted)
   * @param values the checked columns' values in it, as text
   */
  public record Example(long row, List<String> values) {
    String text() {
      if (values.isEmpty()) return Long.toString(row);
      return row + " (" + String.join(", ", values) + ")";
    }
  }

  /** The expectation as messages name it: its name, with kind(columns) after a given name. */
  public String who() {
    Expectation e = expectation;
    return e.name() == null ? e.label() : e.name() + " (" + e.label() + ")";
  }

  /** One line, e.g. {@code not-null(age) failed: 177 of 891 rows are null; e.g. rows 6, 18, 20, 27, 29}. */
  public String message() {
    StringBuilder b = new StringBuilder(who()).append(status == Status.PASS ? " passed: " : " failed: ").append(detail);
    if (!examples.isEmpty()) {
      b.append("; e.g. row").append(examples.size() > 1 ? "s " : " ");
      for (int i = 0; i < examples.size(); i++) b.append(i == 0 ? "" : ", ").append(examples.get(i).text());
    }
    return b.toString();
  }
}
