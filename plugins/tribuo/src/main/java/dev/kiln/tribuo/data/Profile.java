package dev.kiln.tribuo.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A data profile: rows, missing values per column, numeric summaries, top categories, class balance. */
public final class Profile {
  private Profile() {}

  /** The profile of {@code t}; {@code classes} is {@link Split#classCounts} of it, computed once by the caller. */
  public static Map<String, Object> of(Table t, Map<String, Integer> classes) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("rows", t.rows());
    out.put("target", t.schema().target());
    out.put("task", t.schema().task().yamlName());
    List<Map<String, Object>> cols = new ArrayList<>();
    for (int c = 0; c < t.width(); c++) {
      Schema.Column col = t.schema().columns().get(c);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", col.name());
      m.put("type", col.type().yamlName());
      Object data = t.column(c);
      if (data instanceof double[] d) {
        double[] present = Arrays.stream(d).filter(x -> !Double.isNaN(x)).sorted().toArray();
        m.put("missing", d.length - present.length);
        if (present.length > 0) {
          double mean = Arrays.stream(present).average().orElse(Double.NaN);
          double var = Arrays.stream(present).map(x -> (x - mean) * (x - mean)).sum() / Math.max(1, present.length - 1);
          m.put("mean", mean);
          m.put("std", Math.sqrt(var));
          m.put("min", present[0]);
          m.put("p25", quantile(present, 0.25));
          m.put("median", quantile(present, 0.5));
          m.put("p75", quantile(present, 0.75));
          m.put("max", present[present.length - 1]);
        }
      } else {
        String[] s = (String[]) data;
        Map<String, Integer> counts = new HashMap<>();
        int missing = 0;
        for (String v : s) {
          if (v == null) missing++;
          else if (col.type() != ColumnType.TEXT) counts.merge(v, 1, Integer::sum);
        }
        m.put("missing", missing);
        if (col.type() != ColumnType.TEXT) {
          m.put("distinct", counts.size());
          Map<String, Integer> top = new LinkedHashMap<>();
          counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey())).limit(10).forEach(e -> top.put(e.getKey(), e.getValue()));
          m.put("top", top);
        }
      }
      cols.add(m);
    }
    out.put("columns", cols);
    if (!classes.isEmpty()) out.put("classes", classes);
    return out;
  }

  public static double quantile(double[] sorted, double q) {
    if (sorted.length == 0) return Double.NaN;
    double pos = q * (sorted.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = (int) Math.ceil(pos);
    return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
  }
}
