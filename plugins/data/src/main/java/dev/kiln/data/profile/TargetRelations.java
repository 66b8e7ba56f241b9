package dev.kiln.data.profile;

import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How every profiled column relates to the target. A target with classes (strings, booleans, or
 * integers with few values) gets a box summary of each numeric column per class and the class
 * shares per category of each categorical column; a numeric target gets Pearson and Spearman with
 * each numeric column (on the sample, with a scatter plot) and its mean per category.
 */
public final class TargetRelations {
  /** The numeric column's summary within one class. */
  public record ClassSummary(String label, long count, Double mean, Double std, double[] p5p25p50p75p95) {}

  /** One column's relationship to the target. */
  public sealed interface Relation permits ByClass, SharesByCategory, Correlation, MeanByCategory {
    String column();
  }

  /** A numeric column against classes. */
  public record ByClass(String column, List<ClassSummary> classes) implements Relation {}

  /** A categorical column against classes: per category, its rows and the share of each class. */
  public record SharesByCategory(String column, List<String> categories, long[] counts, double[][] shares) implements Relation {}

  /** A numeric column against a numeric target, on the sample. */
  public record Correlation(String column, Double pearson, Double spearman, double[] xs, double[] ys) implements Relation {}

  /** A categorical column against a numeric target: per category, its rows and the target's mean. */
  public record MeanByCategory(String column, List<String> categories, long[] counts, double[] means) implements Relation {}

  static final String MISSING = "(missing)";
  static final String OTHER = "(other)";

  final String column;
  final boolean classes;
  final List<String> labels = new ArrayList<>();
  final List<Long> labelCounts = new ArrayList<>();
  final List<Relation> relations = new ArrayList<>();
  String note;

  private TargetRelations(String column, boolean classes) {
    this.column = column;
    this.classes = classes;
  }

  public String column() {
    return column;
  }

  /** Whether the target was profiled as classes (else as a number). */
  public boolean classes() {
    return classes;
  }

  public List<Relation> relations() {
    return relations;
  }

  public Relation of(String column) {
    for (Relation r : relations) if (r.column().equals(column)) return r;
    return null;
  }

  static void compute(Connection c, Profile p, ColumnProfile target, Profiler.Sample sample, int maxCategories) throws SQLException {
    boolean integer = target.kind == ColumnKind.NUMERIC && !ColumnKind.isFloat(target.sqlType) && !target.sqlType.startsWith("DECIMAL");
    boolean classes = target.kind == ColumnKind.CATEGORICAL || (integer && target.distinct <= Profiler.INTEGER_CLASSES);
    TargetRelations t = new TargetRelations(target.name, classes);
    p.target = t;
    if (!classes && target.kind != ColumnKind.NUMERIC) {
      t.note = "the target " + target.name + " is " + target.kind.label() + "; relationships are computed for a numeric target or one with classes";
      return;
    }
    if (classes && target.distinct > Profiler.MAX_CLASSES) {
      t.note = "the target " + target.name + " has " + target.distinct + " classes; relationships are computed for at most " + Profiler.MAX_CLASSES;
      return;
    }
    String g = Sql.id(target.name);
    if (classes) {
      try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT CAST(g AS VARCHAR), count(*) FROM (SELECT " + g + " AS g FROM t WHERE " + g + " IS NOT NULL) GROUP BY g ORDER BY g")) {
        while (r.next()) {
          t.labels.add(r.getString(1));
          t.labelCounts.add(r.getLong(2));
        }
      }
    }
    for (ColumnProfile f : p.columns) {
      if (f == target || (f.kind != ColumnKind.NUMERIC && f.kind != ColumnKind.CATEGORICAL)) continue;
      if (classes && f.kind == ColumnKind.NUMERIC) t.relations.add(byClass(c, f, g));
      else if (classes) t.relations.add(sharesByCategory(c, f, g, t.labels, maxCategories));
      else if (f.kind == ColumnKind.NUMERIC) t.relations.add(correlation(p, f, target, sample));
      else t.relations.add(meanByCategory(c, f, target, maxCategories));
    }
  }

  private static ByClass byClass(Connection c, ColumnProfile f, String g) throws SQLException {
    String sql = "SELECT CAST(g AS VARCHAR), count(v), avg(v), stddev_samp(v), quantile_cont(v, [0.05, 0.25, 0.5, 0.75, 0.95]) FROM (SELECT " + g + " AS g, "
        + Profiler.value(f) + " AS v FROM t WHERE " + g + " IS NOT NULL) GROUP BY g ORDER BY g";
    List<ClassSummary> out = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
      while (r.next()) {
        Array a = r.getArray(5);
        double[] q = null;
        if (a != null) {
          Object[] qs = (Object[]) a.getArray();
          if (qs.length == 5 && qs[0] != null) {
            q = new double[5];
            for (int i = 0; i < 5; i++) q[i] = ((Number) qs[i]).doubleValue();
          }
        }
        out.add(new ClassSummary(r.getString(1), r.getLong(2), Profiler.dbl(r, 3), Profiler.dbl(r, 4), q));
      }
    }
    return new ByClass(f.name, out);
  }

  /** A category's rows per target value (or its sum and count for a numeric target). */
  private record Cell(String category, String label, long count, double sum) {}

  private static List<Cell> cells(Connection c, String sql) throws SQLException {
    List<Cell> out = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
      while (r.next()) out.add(new Cell(r.getString(1), r.getString(2), r.getLong(3), r.getDouble(4)));
    }
    return out;
  }

  /** Categories by rows (most first, ties by name), the tail beyond {@code max} folded into (other). */
  private static List<String> categories(List<Cell> cells, int max) {
    Map<String, Long> totals = new LinkedHashMap<>();
    for (Cell x : cells) totals.merge(x.category(), x.count(), Long::sum);
    List<String> order = new ArrayList<>(totals.keySet());
    order.sort(Comparator.comparing((String k) -> -totals.get(k)).thenComparing(k -> k));
    if (order.size() <= max) return order;
    List<String> kept = new ArrayList<>(order.subList(0, max - 1));
    kept.add(OTHER);
    return kept;
  }

  private static int slot(List<String> categories, String category) {
    int i = categories.indexOf(category);
    return i >= 0 ? i : categories.indexOf(OTHER);
  }

  private static String category(ColumnProfile f) {
    return "coalesce(CAST(" + Sql.id(f.name) + " AS VARCHAR), '" + MISSING + "')";
  }

  private static SharesByCategory sharesByCategory(Connection c, ColumnProfile f, String g, List<String> labels, int max) throws SQLException {
    String sql = "SELECT v, CAST(g AS VARCHAR), count(*), 0.0 FROM (SELECT " + category(f) + " AS v, " + g + " AS g FROM t WHERE " + g + " IS NOT NULL) GROUP BY v, g ORDER BY v, g";
    List<Cell> cells = cells(c, sql);
    List<String> cats = categories(cells, max);
    long[] counts = new long[cats.size()];
    double[][] shares = new double[cats.size()][labels.size()];
    for (Cell x : cells) {
      int i = slot(cats, x.category());
      counts[i] += x.count();
      shares[i][labels.indexOf(x.label())] += x.count();
    }
    for (int i = 0; i < cats.size(); i++) for (int k = 0; k < labels.size(); k++) shares[i][k] /= counts[i];
    return new SharesByCategory(f.name, cats, counts, shares);
  }

  private static MeanByCategory meanByCategory(Connection c, ColumnProfile f, ColumnProfile target, int max) throws SQLException {
    String sql = "SELECT v, '', count(y), sum(y) FROM (SELECT " + category(f) + " AS v, " + Profiler.value(target) + " AS y FROM t) WHERE y IS NOT NULL GROUP BY v ORDER BY v";
    List<Cell> cells = cells(c, sql);
    List<String> cats = categories(cells, max);
    long[] counts = new long[cats.size()];
    double[] sums = new double[cats.size()];
    for (Cell x : cells) {
      int i = slot(cats, x.category());
      counts[i] += x.count();
      sums[i] += x.sum();
    }
    double[] means = new double[cats.size()];
    for (int i = 0; i < cats.size(); i++) means[i] = sums[i] / counts[i];
    return new MeanByCategory(f.name, cats, counts, means);
  }

  private static Correlation correlation(Profile p, ColumnProfile f, ColumnProfile target, Profiler.Sample sample) {
    double[] x = sample.numeric.get(f.name);
    double[] y = sample.numeric.get(target.name);
    int n = Math.min(x.length, Profiler.SCATTER_POINTS);
    return new Correlation(f.name, p.pearson == null ? null : p.pearson.get(f.name, target.name), p.spearman == null ? null : p.spearman.get(f.name, target.name),
        java.util.Arrays.copyOf(x, n), java.util.Arrays.copyOf(y, n));
  }

  Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("column", column);
    m.put("treated-as", classes ? "classes" : "numeric");
    if (note != null) m.put("note", note);
    if (classes) {
      Map<String, Object> counts = new LinkedHashMap<>();
      for (int i = 0; i < labels.size(); i++) counts.put(labels.get(i), labelCounts.get(i));
      m.put("classes", counts);
    }
    Map<String, Object> rel = new LinkedHashMap<>();
    for (Relation r : relations) rel.put(r.column(), json(r));
    m.put("relationships", rel);
    return m;
  }

  private static Map<String, Object> json(Relation r) {
    Map<String, Object> m = new LinkedHashMap<>();
    if (r instanceof ByClass b) {
        m.put("kind", "per-class");
        Map<String, Object> per = new LinkedHashMap<>();
        for (ClassSummary s : b.classes()) {
          Map<String, Object> e = new LinkedHashMap<>();
          e.put("count", s.count());
          e.put("mean", s.mean());
          e.put("std", s.std());
          if (s.p5p25p50p75p95() != null) {
            List<String> names = List.of("p5", "p25", "p50", "p75", "p95");
            for (int i = 0; i < 5; i++) e.put(names.get(i), s.p5p25p50p75p95()[i]);
          }
          per.put(s.label(), e);
        }
        m.put("classes", per);
    } else if (r instanceof SharesByCategory s) {
        m.put("kind", "class-shares-per-category");
        Map<String, Object> per = new LinkedHashMap<>();
        for (int i = 0; i < s.categories().size(); i++) {
          Map<String, Object> e = new LinkedHashMap<>();
          e.put("count", s.counts()[i]);
          e.put("shares", ColumnProfile.toList(s.shares()[i]));
          per.put(s.categories().get(i), e);
        }
        m.put("categories", per);
    } else if (r instanceof Correlation k) {
        m.put("kind", "correlation");
        m.put("pearson", k.pearson());
        m.put("spearman", k.spearman());
    } else if (r instanceof MeanByCategory mb) {
        m.put("kind", "mean-per-category");
        Map<String, Object> per = new LinkedHashMap<>();
        for (int i = 0; i < mb.categories().size(); i++) {
          Map<String, Object> e = new LinkedHashMap<>();
          e.put("count", mb.counts()[i]);
          e.put("mean", mb.means()[i]);
          per.put(mb.categories().get(i), e);
        }
        m.put("categories", per);
    }
    return m;
  }
}
