package dev.kiln.data.profile;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The result of profiling a table: every number the summary JSON and the report show. */
public final class Profile {
  final String source;
  final long rows;
  final int tableColumns;
  final Profiler.Options options;
  final List<ColumnProfile> columns = new ArrayList<>();
  long duplicateRows;
  int sampleRows;
  String targetFrom;
  String split;
  String timing = "";
  Profiler.Matrix pearson;
  Profiler.Matrix spearman;
  Profiler.Matrix cramersV;
  TargetRelations target;

  Profile(String source, long rows, int tableColumns, Profiler.Options options) {
    this.source = source;
    this.rows = rows;
    this.tableColumns = tableColumns;
    this.options = options;
  }

  /** Where the time went, for the step's log. */
  public String timing() {
    return timing;
  }

  public long rows() {
    return rows;
  }

  /** The columns profiled. */
  public List<ColumnProfile> columns() {
    return columns;
  }

  public ColumnProfile column(String name) {
    for (ColumnProfile c : columns) if (c.name.equals(name)) return c;
    throw new IllegalArgumentException("no profiled column " + name);
  }

  /** Missing values over the profiled columns. */
  public long missingCells() {
    long m = 0;
    for (ColumnProfile c : columns) m += c.missing;
    return m;
  }

  public long duplicateRows() {
    return duplicateRows;
  }

  public Profiler.Matrix pearson() {
    return pearson;
  }

  public Profiler.Matrix spearman() {
    return spearman;
  }

  public Profiler.Matrix cramersV() {
    return cramersV;
  }

  public TargetRelations target() {
    return target;
  }

  /** The summary artifact's content; ordered, with null where a number is undefined. */
  public Map<String, Object> toJson(String title) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("title", title);
    m.put("source", source);
    if (split != null) m.put("split", split);
    m.put("rows", rows);
    m.put("columns", columns.size());
    m.put("table-columns", tableColumns);
    m.put("missing-cells", missingCells());
    long cells = rows * columns.size();
    m.put("missing-cells-percent", cells == 0 ? 0.0 : 100.0 * missingCells() / cells);
    m.put("duplicate-rows", duplicateRows);
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("rows", sampleRows);
    s.put("cap", options.sample());
    s.put("seed", options.seed());
    m.put("sample", s);
    List<Object> cols = new ArrayList<>();
    for (ColumnProfile c : columns) cols.add(c.toJson(rows));
    m.put("profile", cols);
    Map<String, Object> corr = new LinkedHashMap<>();
    if (pearson != null) corr.put("pearson", pearson.toJson());
    if (spearman != null) corr.put("spearman", spearman.toJson());
    if (cramersV != null) corr.put("cramers-v", cramersV.toJson());
    m.put("correlations", corr);
    if (target != null) {
      Map<String, Object> t = target.toJson();
      t.put("from", targetFrom);
      m.put("target", t);
    }
    return m;
  }
}
