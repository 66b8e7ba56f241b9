package dev.kiln.stats;

import static dev.kiln.dataset.Datasets.ident;
import static dev.kiln.dataset.Datasets.literal;

import dev.kiln.api.InvalidInput;
import dev.kiln.dataset.Datasets;
import dev.kiln.dataset.Ingest;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The rows of an A/B test as read by DuckDB (through {@link Ingest}, so bad input is reported at
 * {@code file:line:col}): each row's variant and outcome (0/1 for a proportion), in the order the
 * rows arrived, for the two variants compared.
 *
 * @param control A's name
 * @param treatment B's name, or null when the data has no second variant
 * @param proportion the outcome is 0/1
 * @param values each kept row's outcome, in arrival order
 * @param inB whether each kept row is B's
 * @param variants every variant in the data -> its rows (sorted by name)
 * @param dropped rows left out because the variant or the outcome is missing
 */
record AbData(String control, String treatment, boolean proportion, double[] values, boolean[] inB, Map<String, Long> variants, long dropped) {
  private static final List<String> YES = List.of("1", "yes", "y", "true", "t");
  private static final List<String> NO = List.of("0", "no", "n", "false", "f");

  double[] arm(boolean b) {
    int n = 0;
    for (boolean x : inB) if (x == b) n++;
    double[] out = new double[n];
    int k = 0;
    for (int i = 0; i < values.length; i++) if (inB[i] == b) out[k++] = values[i];
    return out;
  }

  long successes(boolean b) {
    long s = 0;
    for (int i = 0; i < values.length; i++) if (inB[i] == b && values[i] == 1) s++;
    return s;
  }

  /** What the step was asked to read. */
  record Ask(String variant, String outcome, String time, String metric, String success, String control, String treatment) {}

  static AbData read(Path file, String shown, Ask ask) throws SQLException, IOException, InvalidInput {
    String format = Ingest.formatOf(shown);
    var options = new Ingest.Options(format, null, null, true, null, Map.of(ask.variant(), "VARCHAR"));
    try (Connection c = Datasets.connect()) {
      Ingest.Loaded l = Ingest.load(c, file, shown, options);
      String at = l.headerLines() > 0 ? shown + ":1" : shown;
      for (String[] col : new String[][] {{"variant", ask.variant()}, {"outcome", ask.outcome()}, {"time", ask.time()}}) {
        if (col[1] != null && !l.names().contains(col[1])) {
          throw new InvalidInput(at + ": no column \"" + col[1] + "\" (the " + col[0] + ": column)" + Ingest.hint(col[1], l.names()));
        }
      }
      String time = ask.time();
      if (time == null && format.equals("parquet")) {
        String t = Datasets.meta(c, file).roles().time();
        if (t != null && l.names().contains(t)) time = t;
      }
      String v = ident(ask.variant());
      String o = ident(ask.outcome());
      String keep = " WHERE " + v + " IS NOT NULL AND " + o + " IS NOT NULL";
      String type = l.types().get(ask.outcome());
      boolean proportion;
      String y;
      if (Ingest.isNumericType(type)) {
        Ingest.checkFinite(c, l, List.of(ask.outcome()), keep);
        boolean zeroOne = Datasets.count(c, "SELECT count(*) FROM raw" + keep + " AND " + o + " NOT IN (0, 1)") == 0;
        if (ask.metric().equals("proportion") && !zeroOne) {
          long row = Ingest.firstRow(c, o + " IS NOT NULL AND " + v + " IS NOT NULL AND " + o + " NOT IN (0, 1)");
          throw new InvalidInput(where(c, l, shown, row, ask.outcome()) + ": column \"" + ask.outcome() + "\" holds " + valueAt(c, o, row) + ", and metric: proportion needs 0 or 1"
              + "\n  hint: use metric: mean for a numeric outcome (or auto)");
        }
        proportion = ask.metric().equals("proportion") || (ask.metric().equals("auto") && zeroOne);
        y = "CAST(" + o + " AS DOUBLE)";
      } else if (type != null && type.equals("BOOLEAN")) {
        proportion = !ask.metric().equals("mean");
        y = "CASE WHEN " + o + " THEN 1.0 ELSE 0.0 END";
      } else {
        String norm = "lower(trim(CAST(" + o + " AS VARCHAR)))";
        String bad;
        if (ask.success() != null) {
          y = "CASE WHEN " + norm + " = " + literal(ask.success().trim().toLowerCase(Locale.ROOT)) + " THEN 1.0 ELSE 0.0 END";
          bad = null;
        } else {
          y = "CASE WHEN " + norm + " IN (" + list(YES) + ") THEN 1.0 WHEN " + norm + " IN (" + list(NO) + ") THEN 0.0 END";
          bad = norm + " NOT IN (" + list(YES) + ", " + list(NO) + ")";
        }
        if (bad != null) {
          long row = Ingest.firstRow(c, v + " IS NOT NULL AND " + o + " IS NOT NULL AND " + bad);
          if (row >= 0) {
            throw new InvalidInput(where(c, l, shown, row, ask.outcome()) + ": column \"" + ask.outcome() + "\" holds " + valueAt(c, o, row)
                + "; an outcome is a number, or a yes/no answer (1/0, yes/no, y/n, true/false)"
                + "\n  hint: set success: to the value that counts as a success (every other value then counts as a failure)");
          }
        }
        proportion = !ask.metric().equals("mean");
      }
      long total = Datasets.count(c, "SELECT count(*) FROM raw");
      Map<String, Long> variants = new LinkedHashMap<>();
      try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT CAST(" + v + " AS VARCHAR) AS k, count(*) FROM raw" + keep + " GROUP BY k ORDER BY k")) {
        while (r.next()) variants.put(r.getString(1), r.getLong(2));
      }
      long kept = variants.values().stream().mapToLong(Long::longValue).sum();
      String[] pair = pick(shown, ask, variants);
      String control = pair[0];
      String treatment = pair[1];
      String order = time == null ? "rowid" : ident(time) + " NULLS LAST, rowid";
      int rows = (int) Math.min(Integer.MAX_VALUE - 8, variants.getOrDefault(control, 0L) + (treatment == null ? 0 : variants.getOrDefault(treatment, 0L)));
      double[] values = new double[rows];
      boolean[] inB = new boolean[rows];
      if (rows > 0) {
        String in = treatment == null ? literal(control) : literal(control) + ", " + literal(treatment);
        int i = 0;
        try (Statement s = c.createStatement();
            ResultSet r = s.executeQuery("SELECT CAST(" + v + " AS VARCHAR) = " + literal(String.valueOf(treatment)) + ", " + y + " FROM raw" + keep + " AND CAST(" + v + " AS VARCHAR) IN (" + in + ") ORDER BY " + order)) {
          while (r.next() && i < rows) {
            inB[i] = r.getBoolean(1);
            values[i++] = r.getDouble(2);
          }
        }
      }
      return new AbData(control, treatment, proportion, values, inB, variants, total - kept);
    }
  }

  /**
   * Control and treatment: as named, else the two variants in name order. More than two variants
   * with one of them unnamed is bad input (which to compare is not guessed); a named variant that
   * the data lacks is bad input when another unnamed variant is there (a typo), else the result is
   * "not enough data".
   */
  private static String[] pick(String shown, Ask ask, Map<String, Long> variants) throws InvalidInput {
    List<String> names = new ArrayList<>(variants.keySet());
    String control = ask.control();
    String treatment = ask.treatment();
    for (String named : new String[] {control, treatment}) {
      if (named == null || variants.containsKey(named)) continue;
      List<String> others = names.stream().filter(n -> !n.equals(ask.control()) && !n.equals(ask.treatment())).toList();
      if (!others.isEmpty()) {
        throw new InvalidInput(shown + ": column \"" + ask.variant() + "\" has no rows of variant \"" + named + "\"; it has " + describe(variants)
            + Ingest.hint(named, names).replace("columns: ", "variants: "));
      }
    }
    List<String> rest = names.stream().filter(n -> !n.equals(ask.control()) && !n.equals(ask.treatment())).toList();
    if (control == null && treatment == null) {
      if (names.size() > 2) throw tooMany(shown, ask, variants);
      control = names.isEmpty() ? null : names.get(0);
      treatment = names.size() < 2 ? null : names.get(1);
    } else if (control == null) {
      if (rest.size() > 1) throw tooMany(shown, ask, variants);
      control = rest.isEmpty() ? null : rest.get(0);
    } else if (treatment == null) {
      if (rest.size() > 1) throw tooMany(shown, ask, variants);
      treatment = rest.isEmpty() ? null : rest.get(0);
    }
    if (control == null) control = "(none)"; // no control rows (or no rows at all): A is empty, the result says not enough data
    return new String[] {control, treatment};
  }

  private static InvalidInput tooMany(String shown, Ask ask, Map<String, Long> variants) {
    return new InvalidInput(shown + ": column \"" + ask.variant() + "\" has " + variants.size() + " variants: " + describe(variants) + "; stats/ab-test compares two"
        + "\n  hint: set control: and treatment: (the other variants' rows are left out), one step per treatment to compare each with the control");
  }

  static String describe(Map<String, Long> variants) {
    List<String> parts = new ArrayList<>();
    variants.forEach((k, n) -> parts.add("\"" + k + "\" (" + n + " rows)"));
    return String.join(", ", parts);
  }

  private static String where(Connection c, Ingest.Loaded l, String shown, long row, String column) {
    int col = l.names().indexOf(column) + 1;
    return l.headerLines() > 0 ? shown + ":" + (row + 1 + l.headerLines()) + ":" + col : shown + ": row " + (row + 1) + ", column " + col;
  }

  private static String valueAt(Connection c, String o, long row) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT CAST(" + o + " AS VARCHAR) FROM raw WHERE rowid = " + row)) {
      return r.next() ? "\"" + Ingest.shorten(String.valueOf(r.getString(1))) + "\"" : "?";
    }
  }

  private static String list(List<String> xs) {
    List<String> q = new ArrayList<>();
    for (String x : xs) q.add(literal(x));
    return String.join(", ", q);
  }
}
