package dev.kiln.data.profile;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Every number the profile holds about one column (filled in by {@link Profiler}). */
public final class ColumnProfile {
  /** The quantiles computed for numeric columns, as fractions. */
  public static final double[] QUANTILES = {0.01, 0.05, 0.25, 0.50, 0.75, 0.95, 0.99};
  /** Their names in the summary. */
  public static final List<String> QUANTILE_NAMES = List.of("p1", "p5", "p25", "p50", "p75", "p95", "p99");

  /** A value and how many rows hold it. */
  public record Count(String value, long count) {}

  final String name;
  final String sqlType;
  ColumnKind kind;
  long count;
  long missing;
  long distinct;
  long nonFinite;
  String minText;
  String maxText;
  Double min;
  Double max;
  Double mean;
  Double std;
  double[] quantiles;
  long outliersIqr;
  long outliersZ;
  final List<Count> top = new ArrayList<>();
  double[] edges;
  long[] counts;

  ColumnProfile(String name, String sqlType) {
    this.name = name;
    this.sqlType = sqlType;
  }

  public String name() {
    return name;
  }

  public ColumnKind kind() {
    return kind;
  }

  public long count() {
    return count;
  }

  public long missing() {
    return missing;
  }

  public long distinct() {
    return distinct;
  }

  public Double mean() {
    return mean;
  }

  public Double std() {
    return std;
  }

  /** The quantile named as in {@link #QUANTILE_NAMES}, or null. */
  public Double quantile(String name) {
    int i = QUANTILE_NAMES.indexOf(name);
    return quantiles == null || i < 0 ? null : quantiles[i];
  }

  public long outliersIqr() {
    return outliersIqr;
  }

  public long outliersZ() {
    return outliersZ;
  }

  public List<Count> top() {
    return top;
  }

  double missingPercent(long rows) {
    return rows == 0 ? 0 : 100.0 * missing / rows;
  }

  Double iqr() {
    return quantiles == null ? null : quantiles[4] - quantiles[2];
  }

  Map<String, Object> toJson(long rows) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    m.put("type", sqlType);
    m.put("kind", kind.label());
    m.put("count", count);
    m.put("missing", missing);
    m.put("missing-percent", missingPercent(rows));
    m.put("distinct", distinct);
    if (kind == ColumnKind.NUMERIC) {
      if (nonFinite > 0) m.put("non-finite", nonFinite);
      m.put("min", min);
      m.put("max", max);
      m.put("mean", mean);
      m.put("std", std);
      Map<String, Object> q = new LinkedHashMap<>();
      for (int i = 0; i < QUANTILES.length; i++) q.put(QUANTILE_NAMES.get(i), quantiles == null ? null : quantiles[i]);
      m.put("quantiles", q);
      Map<String, Object> o = new LinkedHashMap<>();
      Double iqr = iqr();
      o.put("iqr-low", iqr == null ? null : quantiles[2] - 1.5 * iqr);
      o.put("iqr-high", iqr == null ? null : quantiles[4] + 1.5 * iqr);
      o.put("iqr", outliersIqr);
      o.put("z", outliersZ);
      m.put("outliers", o);
      if (edges != null) {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("edges", toList(edges));
        h.put("counts", toList(counts));
        m.put("histogram", h);
      }
    } else {
      if (minText != null) m.put("min", minText);
      if (maxText != null) m.put("max", maxText);
    }
    if (!top.isEmpty()) {
      List<Object> t = new ArrayList<>();
      for (Count c : top) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("value", c.value());
        e.put("count", c.count());
        e.put("percent", count == 0 ? 0.0 : 100.0 * c.count() / count);
        t.add(e);
      }
      m.put("top", t);
    }
    return m;
  }

  static List<Double> toList(double[] a) {
    List<Double> l = new ArrayList<>(a.length);
    for (double d : a) l.add(Double.isFinite(d) ? d : null);
    return l;
  }

  static List<Long> toList(long[] a) {
    List<Long> l = new ArrayList<>(a.length);
    for (long d : a) l.add(d);
    return l;
  }
}
