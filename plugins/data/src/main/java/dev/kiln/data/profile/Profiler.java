package dev.kiln.data.profile;

import dev.kiln.api.EditDistance;
import dev.kiln.api.InvalidInput;
import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Computes a {@link Profile} of a loaded table: per-column numbers in DuckDB (two passes over a
 * numeric column, one over any other), correlations on a seeded sample in Java, and the
 * relationship of every column to the target.
 */
public final class Profiler {
  /** What to profile and how. */
  public record Options(String target, List<String> columns, List<String> exclude, int maxCategories, int sample, long seed) {}

  /** A target with more distinct values than this is not profiled as classes. */
  static final int MAX_CLASSES = 20;
  /** An integer target with at most this many distinct values is profiled as classes. */
  static final int INTEGER_CLASSES = 10;
  /** Points drawn in a scatter plot. */
  static final int SCATTER_POINTS = 2000;

  private Profiler() {}

  public static Profile run(TableSource src, String shown, Options o) throws SQLException, InvalidInput {
    Connection c = src.connection();
    Map<String, TableSource.Column> byName = new LinkedHashMap<>();
    for (TableSource.Column col : src.columns()) byName.put(col.name(), col);
    List<String> names = new ArrayList<>();
    if (o.columns() == null || o.columns().isEmpty()) names.addAll(byName.keySet());
    else {
      for (String n : o.columns()) {
        if (!byName.containsKey(n)) throw noColumn(shown, "columns", n, byName.keySet());
        if (!names.contains(n)) names.add(n);
      }
    }
    if (o.exclude() != null) {
      for (String n : o.exclude()) {
        if (!byName.containsKey(n)) throw noColumn(shown, "exclude", n, byName.keySet());
        names.remove(n);
      }
    }
    String target = o.target();
    String targetFrom = "target:";
    if (target == null && src.rolesTarget() != null) {
      target = src.rolesTarget();
      targetFrom = "the dataset's kiln.roles";
    }
    if (target != null) {
      if (!byName.containsKey(target)) throw noColumn(shown, "target", target, byName.keySet());
      if (!names.contains(target)) names.add(target);
    }
    Profile p = new Profile(shown, src.rows(), byName.size(), o);
    p.targetFrom = target == null ? null : targetFrom;
    p.split = src.split();
    long t0 = System.nanoTime();
    for (String n : names) p.columns.add(describe(c, byName.get(n), src.rows()));
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT count(*) FROM (SELECT DISTINCT * FROM t)")) {
      r.next();
      p.duplicateRows = src.rows() - r.getLong(1);
    }
    for (ColumnProfile cp : p.columns) {
      if (cp.kind == ColumnKind.NUMERIC && cp.count - cp.nonFinite > 0) histogramAndOutliers(c, cp);
      if (cp.kind == ColumnKind.CATEGORICAL || cp.kind == ColumnKind.TEXT) top(c, cp, o.maxCategories());
    }
    long t1 = System.nanoTime();
    Sample sample = Sample.draw(c, p.columns, src.rows(), o.sample(), o.seed());
    p.sampleRows = sample.rows;
    correlations(p, sample);
    long t2 = System.nanoTime();
    if (target != null) TargetRelations.compute(c, p, p.column(target), sample, o.maxCategories());
    p.timing = String.format(Locale.ROOT, "columns %.2fs, sample and correlations %.2fs, target %.2fs", (t1 - t0) / 1e9, (t2 - t1) / 1e9, (System.nanoTime() - t2) / 1e9);
    return p;
  }

  private static InvalidInput noColumn(String shown, String param, String name, Set<String> columns) {
    String near = columns.stream().min(Comparator.comparingInt(k -> EditDistance.between(k.toLowerCase(Locale.ROOT), name.toLowerCase(Locale.ROOT)))).orElse(null);
    String hint = near != null && EditDistance.between(near.toLowerCase(Locale.ROOT), name.toLowerCase(Locale.ROOT)) <= Math.max(2, name.length() / 3)
        ? "did you mean \"" + near + "\"?"
        : "columns: " + String.join(", ", columns.stream().limit(20).toList()) + (columns.size() > 20 ? ", ..." : "");
    return new InvalidInput(shown + ": " + param + ": no column \"" + name + "\"\n  hint: " + hint);
  }

  /** The value expression the numeric aggregates see: a double, non-finite values as missing. */
  static String value(ColumnProfile cp) {
    String id = Sql.id(cp.name);
    return ColumnKind.isFloat(cp.sqlType) ? "(CASE WHEN isfinite(" + id + ") THEN CAST(" + id + " AS DOUBLE) END)" : "CAST(" + id + " AS DOUBLE)";
  }

  private static ColumnProfile describe(Connection c, TableSource.Column col, long rows) throws SQLException {
    ColumnProfile cp = new ColumnProfile(col.name(), col.sqlType());
    String id = Sql.id(col.name());
    ColumnKind byType = ColumnKind.of(col.sqlType(), 0, 0);
    boolean numeric = byType == ColumnKind.NUMERIC;
    // lists, structs and maps are counted by their text, and have no min or max worth showing
    String distinct = byType == ColumnKind.OTHER ? "CAST(" + id + " AS VARCHAR)" : id;
    String range = byType == ColumnKind.DATETIME ? "CAST(min(" + id + ") AS VARCHAR), CAST(max(" + id + ") AS VARCHAR)" : "NULL, NULL";
    StringBuilder q = new StringBuilder("SELECT count(").append(id).append("), count(DISTINCT ").append(distinct).append("), ").append(range);
    if (numeric) {
      String e = value(cp);
      q.append(", count(").append(e).append("), min(").append(e).append("), max(").append(e).append("), avg(").append(e).append("), stddev_samp(").append(e)
          .append("), quantile_cont(").append(e).append(", [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99])");
    }
    q.append(" FROM t");
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(q.toString())) {
      r.next();
      cp.count = r.getLong(1);
      cp.missing = rows - cp.count;
      cp.distinct = r.getLong(2);
      cp.kind = ColumnKind.of(col.sqlType(), cp.count, cp.distinct);
      if (cp.kind == ColumnKind.DATETIME) {
        cp.minText = r.getString(3);
        cp.maxText = r.getString(4);
      }
      if (numeric) {
        cp.nonFinite = cp.count - r.getLong(5);
        cp.min = dbl(r, 6);
        cp.max = dbl(r, 7);
        cp.mean = dbl(r, 8);
        cp.std = dbl(r, 9);
        Array a = r.getArray(10);
        if (a != null) {
          Object[] qs = (Object[]) a.getArray();
          cp.quantiles = new double[qs.length];
          for (int i = 0; i < qs.length; i++) cp.quantiles[i] = ((Number) qs[i]).doubleValue();
        }
      }
    }
    return cp;
  }

  static Double dbl(ResultSet r, int i) throws SQLException {
    double d = r.getDouble(i);
    return r.wasNull() || !Double.isFinite(d) ? null : d;
  }

  /** The bins: one per integer for integer columns spanning at most 50 values, else 10 to 50 by Freedman-Diaconis. */
  static double[] edges(ColumnProfile cp) {
    double lo = cp.min;
    double hi = cp.max;
    boolean integers = !ColumnKind.isFloat(cp.sqlType) && !cp.sqlType.startsWith("DECIMAL");
    if (integers && hi - lo <= 50) {
      int n = (int) (hi - lo) + 1;
      double[] e = new double[n + 1];
      for (int i = 0; i <= n; i++) e[i] = lo - 0.5 + i;
      return e;
    }
    if (hi == lo) return new double[] {lo - 0.5, hi + 0.5};
    long n = cp.count - cp.nonFinite;
    double iqr = cp.iqr();
    int bins = 20;
    if (iqr > 0) bins = (int) Math.ceil((hi - lo) / (2 * iqr / Math.cbrt(n)));
    bins = Math.max(10, Math.min(50, bins));
    double[] e = new double[bins + 1];
    for (int i = 0; i <= bins; i++) e[i] = lo + (hi - lo) * i / bins;
    e[bins] = hi;
    return e;
  }

  /** The second pass over a numeric column: the histogram's counts and the outliers by IQR and by z-score. */
  private static void histogramAndOutliers(Connection c, ColumnProfile cp) throws SQLException {
    double[] e = edges(cp);
    int bins = e.length - 1;
    double lo = e[0];
    double width = (e[bins] - e[0]) / bins;
    String v = value(cp);
    double iqr = cp.iqr();
    double low = cp.quantiles[2] - 1.5 * iqr;
    double high = cp.quantiles[4] + 1.5 * iqr;
    String z = cp.std == null || cp.std == 0 ? "false" : "abs(v - " + Sql.number(cp.mean) + ") > 3 * " + Sql.number(cp.std);
    String sql = "SELECT least(greatest(CAST(floor((v - " + Sql.number(lo) + ") / " + Sql.number(width) + ") AS BIGINT), 0), " + (bins - 1) + ") AS b, count(*), "
        + "count_if(v < " + Sql.number(low) + " OR v > " + Sql.number(high) + "), count_if(" + z + ") FROM (SELECT " + v + " AS v FROM t) WHERE v IS NOT NULL GROUP BY b ORDER BY b";
    cp.edges = e;
    cp.counts = new long[bins];
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
      while (r.next()) {
        cp.counts[r.getInt(1)] = r.getLong(2);
        cp.outliersIqr += r.getLong(3);
        cp.outliersZ += r.getLong(4);
      }
    }
  }

  /** The most frequent values, ties in value order. */
  private static void top(Connection c, ColumnProfile cp, int k) throws SQLException {
    String id = Sql.id(cp.name);
    String sql = "SELECT CAST(" + id + " AS VARCHAR) AS v, count(*) AS n FROM t WHERE " + id + " IS NOT NULL GROUP BY v ORDER BY n DESC, v LIMIT " + k;
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
      while (r.next()) cp.top.add(new ColumnProfile.Count(r.getString(1), r.getLong(2)));
    }
  }

  private static void correlations(Profile p, Sample s) {
    List<String> num = new ArrayList<>(s.numeric.keySet());
    if (num.size() >= 2) {
      p.pearson = new Matrix(num, new Double[num.size()][num.size()]);
      p.spearman = new Matrix(num, new Double[num.size()][num.size()]);
      Map<String, double[]> ranks = new HashMap<>();
      for (int i = 0; i < num.size(); i++) {
        p.pearson.values()[i][i] = 1.0;
        p.spearman.values()[i][i] = 1.0;
        for (int j = 0; j < i; j++) {
          double[] x = s.numeric.get(num.get(i));
          double[] y = s.numeric.get(num.get(j));
          p.pearson.values()[i][j] = p.pearson.values()[j][i] = Correlations.pearson(x, y);
          p.spearman.values()[i][j] = p.spearman.values()[j][i] = spearman(num.get(i), num.get(j), s, ranks);
        }
      }
      clearConstants(p.pearson);
      clearConstants(p.spearman);
    }
    List<String> cat = new ArrayList<>(s.codes.keySet());
    if (cat.size() >= 2) {
      p.cramersV = new Matrix(cat, new Double[cat.size()][cat.size()]);
      for (int i = 0; i < cat.size(); i++) {
        p.cramersV.values()[i][i] = s.levels.get(cat.get(i)).size() >= 2 ? 1.0 : null;
        for (int j = 0; j < i; j++) {
          Double v = Correlations.cramersV(s.codes.get(cat.get(i)), s.levels.get(cat.get(i)).size(), s.codes.get(cat.get(j)), s.levels.get(cat.get(j)).size());
          p.cramersV.values()[i][j] = p.cramersV.values()[j][i] = v;
        }
      }
    }
  }

  /** Spearman, with each column's ranks computed once when neither has a missing value. */
  private static Double spearman(String a, String b, Sample s, Map<String, double[]> ranks) {
    double[] x = s.numeric.get(a);
    double[] y = s.numeric.get(b);
    if (s.complete.contains(a) && s.complete.contains(b)) {
      return Correlations.pearson(ranks.computeIfAbsent(a, k -> Correlations.ranks(x)), ranks.computeIfAbsent(b, k -> Correlations.ranks(y)));
    }
    return Correlations.spearman(x, y);
  }

  /** A constant column correlates with nothing, itself included. */
  private static void clearConstants(Matrix m) {
    int n = m.columns().size();
    for (int i = 0; i < n; i++) {
      boolean any = false;
      for (int j = 0; j < n; j++) if (j != i && m.values()[i][j] != null) any = true;
      if (!any && n > 1) m.values()[i][i] = null;
    }
  }

  /** A symmetric matrix over named columns; null where undefined. */
  public record Matrix(List<String> columns, Double[][] values) {
    public Double get(String a, String b) {
      return values[columns.indexOf(a)][columns.indexOf(b)];
    }

    Map<String, Object> toJson() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("columns", columns);
      List<List<Double>> rows = new ArrayList<>();
      for (Double[] r : values) rows.add(java.util.Arrays.asList(r));
      m.put("matrix", rows);
      return m;
    }
  }

  /** The sampled rows in Java arrays: numeric columns as doubles (NaN missing), categorical ones as codes (-1 missing). */
  static final class Sample {
    int rows;
    final Map<String, double[]> numeric = new LinkedHashMap<>();
    final Map<String, int[]> codes = new LinkedHashMap<>();
    final Map<String, List<String>> levels = new LinkedHashMap<>();
    final Set<String> complete = new LinkedHashSet<>();

    /**
     * Every row when there are at most {@code cap}, else the {@code cap} rows whose hash of row
     * number and seed is smallest, in file order: the same rows for the same seed every time.
     */
    static Sample draw(Connection c, List<ColumnProfile> columns, long rows, int cap, long seed) throws SQLException {
      Sample s = new Sample();
      List<ColumnProfile> num = columns.stream().filter(cp -> cp.kind == ColumnKind.NUMERIC).toList();
      List<ColumnProfile> cat = columns.stream().filter(cp -> cp.kind == ColumnKind.CATEGORICAL).toList();
      if (num.isEmpty() && cat.isEmpty()) return s;
      List<String> select = new ArrayList<>();
      for (ColumnProfile cp : num) select.add(value(cp));
      for (ColumnProfile cp : cat) select.add("CAST(" + Sql.id(cp.name) + " AS VARCHAR)");
      String from = rows <= cap ? "(SELECT * FROM t ORDER BY rowid)"
          : "(SELECT * FROM t WHERE rowid IN (SELECT rowid FROM t ORDER BY hash(rowid, " + seed + "), rowid LIMIT " + cap + ") ORDER BY rowid)";
      int n = (int) Math.min(rows, cap);
      s.rows = n;
      List<double[]> nv = new ArrayList<>();
      for (ColumnProfile cp : num) {
        double[] a = new double[n];
        nv.add(a);
        s.numeric.put(cp.name, a);
      }
      List<int[]> cv = new ArrayList<>();
      List<Map<String, Integer>> dict = new ArrayList<>();
      for (ColumnProfile cp : cat) {
        int[] a = new int[n];
        cv.add(a);
        dict.add(new HashMap<>());
        s.codes.put(cp.name, a);
        s.levels.put(cp.name, new ArrayList<>());
      }
      String sql = "SELECT " + String.join(", ", select) + " FROM " + from;
      try (Statement st = c.createStatement(); ResultSet r = st.executeQuery(sql)) {
        int i = 0;
        while (r.next() && i < n) {
          for (int k = 0; k < num.size(); k++) {
            double d = r.getDouble(k + 1);
            nv.get(k)[i] = r.wasNull() ? Double.NaN : d;
          }
          for (int k = 0; k < cat.size(); k++) {
            String v = r.getString(num.size() + k + 1);
            if (v == null) cv.get(k)[i] = -1;
            else {
              List<String> lv = s.levels.get(cat.get(k).name);
              cv.get(k)[i] = dict.get(k).computeIfAbsent(v, x -> {
                lv.add(x);
                return lv.size() - 1;
              });
            }
          }
          i++;
        }
      }
      for (var e : s.numeric.entrySet()) {
        boolean all = true;
        for (double d : e.getValue()) if (Double.isNaN(d)) all = false;
        if (all) s.complete.add(e.getKey());
      }
      return s;
    }
  }
}
