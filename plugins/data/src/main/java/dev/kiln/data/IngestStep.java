package dev.kiln.data;

import dev.kiln.dataset.Datasets;
import dev.kiln.dataset.Ingest;

import static dev.kiln.dataset.Datasets.ident;
import static dev.kiln.dataset.Datasets.literal;

import dev.kiln.api.Artifact;
import dev.kiln.api.InvalidInput;
import dev.kiln.api.InvalidParamException;
import dev.kiln.api.Output;
import dev.kiln.api.Param;
import dev.kiln.api.StepContext;
import dev.kiln.api.StepResult;
import dev.kiln.api.StepType;
import java.io.IOException;
import java.nio.file.Files;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads CSV / TSV, JSON lines or Parquet with DuckDB, types the columns and writes one Parquet
 * dataset with the column roles in its metadata.
 *
 * <p>CSV is read in one typed pass: a column is numeric (DOUBLE) when DuckDB's sniffer finds numbers
 * in its sample of the file (as {@code tribuo/ingest} infers from its first rows), unless {@code
 * columns:} says otherwise. Structural problems and values that do not fit their column's type — a
 * ragged row, a byte that is not UTF-8, "abc" in a numeric column — come from DuckDB's rejects table
 * with their line. A non-finite number or a missing target is reported at the line of its row,
 * counted as one line per row after the header, as DuckDB counts (exact unless a quoted field spans
 * lines).
 */
final class IngestStep implements StepType<IngestStep.Params> {
  static final List<String> DEFAULT_MISSING = Ingest.DEFAULT_MISSING;
  private static final List<String> TYPES = List.of("numeric", "categorical", "text", "id", "ignore");

  record Params(
      @Param(value = "the file to read: CSV, TSV, JSON lines or Parquet (a path, or an artifact)", required = true) Artifact data,
      @Param(value = "csv, tsv, jsonl or parquet", defaultValue = "from the file name") String format,
      @Param(value = "CSV field delimiter (one character; \\t for tab)", defaultValue = ", (tab for tsv)") String delimiter,
      @Param(value = "CSV quote character", defaultValue = "\"") String quote,
      @Param(value = "the first CSV line names the columns", defaultValue = "true") Boolean header,
      @Param(value = "values that mean missing (CSV)", defaultValue = "['', NA, N/A, NaN, nan, null, NULL, '?']") List<String> missing,
      @Param("column -> numeric | categorical | text | id | ignore (overrides inference)") Map<String, String> columns,
      @Param("the column to learn (role target)") String target,
      @Param("the column that identifies rows (role id)") String id,
      @Param("the column of row weights (role weight)") String weight,
      @Param("the column that orders rows in time (role time)") String time,
      @Param(value = "skip rows whose target is missing instead of failing", defaultValue = "false") Boolean dropMissingTarget) {
    Params {
      if (format != null && !List.of("csv", "tsv", "jsonl", "parquet").contains(format)) {
        throw new InvalidParamException("format", false, "unknown format \"" + format + "\"", "valid: csv, tsv, jsonl, parquet");
      }
      if (delimiter != null && unescape(delimiter).length() != 1) {
        throw new InvalidParamException("delimiter", false, "the delimiter must be one character, found \"" + delimiter + "\"", "e.g. ',' ';' '|' or \\t");
      }
      if (quote != null && quote.length() != 1) throw new InvalidParamException("quote", false, "the quote must be one character, found \"" + quote + "\"", null);
      if (columns != null) {
        for (var e : columns.entrySet()) {
          if (!TYPES.contains(e.getValue())) {
            throw new InvalidParamException("columns." + e.getKey(), false, "unknown column type \"" + e.getValue() + "\"", "valid: numeric, categorical, text, id, ignore");
          }
        }
      }
      columns = columns == null ? Map.of() : columns;
      missing = missing == null ? DEFAULT_MISSING : missing;
      header = header == null || header;
      dropMissingTarget = Boolean.TRUE.equals(dropMissingTarget);
    }

    static String unescape(String d) {
      return d.equals("\\t") ? "\t" : d;
    }
  }

  @Override
  public Info<Params> info() {
    return new Info<>(
        "data/ingest",
        "Reads CSV/TSV, JSON lines or Parquet with DuckDB, types the columns, writes a Parquet dataset with column roles",
        Params.class,
        "1",
        List.of(
            Output.artifact("data", "the dataset: Parquet, column roles in its metadata (kiln.roles, kiln.split = all)"),
            Output.value("rows", "rows read"),
            Output.value("columns", "column -> type as ingested (numeric, categorical, text, id)"),
            Output.value("profile", "per column: type and missing count")));
  }

  @Override
  public StepResult execute(Params p, StepContext ctx) throws Exception {
    Path file = ctx.open(p.data());
    String shown = shown(p.data());
    String format = p.format() != null ? p.format() : Ingest.formatOf(shown);
    var options = new Ingest.Options(format, p.delimiter() == null ? null : Params.unescape(p.delimiter()), p.quote(), p.header(), p.missing(), declared(p));
    long t0 = System.nanoTime();
    try (Connection c = Datasets.connect()) {
      Ingest.Loaded loaded = Ingest.load(c, file, shown, options);
      List<String> names = loaded.names();
      long rows = loaded.rows();
      for (String name : p.columns().keySet()) {
        if (!names.contains(name)) throw new InvalidInput(shown + ": columns: names \"" + name + "\", which is not a column of the file" + Ingest.hint(name, names));
      }
      for (String[] role : new String[][] {{"target", p.target()}, {"id", p.id()}, {"weight", p.weight()}, {"time", p.time()}}) {
        if (role[1] != null && !names.contains(role[1])) throw new InvalidInput(shown + ": the " + role[0] + " column \"" + role[1] + "\" is not in the file" + Ingest.hint(role[1], names));
      }
      Map<String, String> types = types(loaded, p);
      String where = Ingest.target(c, loaded, p.target(), p.dropMissingTarget());
      List<String> select = new ArrayList<>();
      List<String> numeric = new ArrayList<>();
      for (String n : names) {
        String type = types.get(n);
        if (type.equals("ignore")) continue;
        if (type.equals("numeric")) numeric.add(n);
        select.add(type.equals("numeric") ? "CAST(" + ident(n) + " AS DOUBLE) AS " + ident(n) : ident(n));
      }
      Ingest.checkFinite(c, loaded, numeric, where);
      if (select.isEmpty()) throw new InvalidInput(shown + ": every column is ignored\n  hint: remove some columns: {x: ignore}");
      List<String> text = new ArrayList<>();
      String id = p.id();
      for (var e : types.entrySet()) {
        if (e.getValue().equals("text")) text.add(e.getKey());
        if (e.getValue().equals("id") && id == null) id = e.getKey();
      }
      var roles = new Datasets.Roles(p.target(), id, p.weight(), text, p.time());
      String query = "SELECT " + String.join(", ", select) + " FROM raw" + where; // a table scan keeps the file's order (preserve_insertion_order)
      Artifact data = Datasets.store(ctx, c, query, roles, "all", "data.parquet");
      long kept = Datasets.count(c, "SELECT count(*) FROM raw" + where);
      double secs = (System.nanoTime() - t0) / 1e9;
      ctx.log(String.format(Locale.ROOT, "read %d rows x %d columns from %s in %.2fs", kept, select.size(), shown, secs));
      Map<String, Object> columns = new LinkedHashMap<>();
      for (String n : names) if (!types.get(n).equals("ignore")) columns.put(n, types.get(n));
      List<Object> profile = profile(c, columns, where);
      var out = StepResult.builder().output("data", data).output("rows", kept).output("columns", columns).output("profile", profile);
      out.metric("rows", kept);
      if (kept < rows) out.metric("dropped-rows", rows - kept);
      return out.build();
    }
  }

  static String shown(Artifact a) {
    return a.name() != null && !a.name().isEmpty() ? a.name() : "artifact " + a.sha256().substring(0, 12);
  }

  /** The CSV columns read with a fixed type: the declared ones (numeric as DOUBLE, the others as text) and the id. */
  private static Map<String, String> declared(Params p) {
    Map<String, String> out = new LinkedHashMap<>();
    p.columns().forEach((n, t) -> out.put(n, t.equals("numeric") ? "DOUBLE" : "VARCHAR"));
    if (p.id() != null) out.putIfAbsent(p.id(), "VARCHAR");
    return out;
  }

  /** Column -> numeric, categorical, text, id or ignore: the overrides, else from the type DuckDB read it as. */
  private static Map<String, String> types(Ingest.Loaded loaded, Params p) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String n : loaded.names()) {
      String t = p.columns().get(n);
      if (t == null && n.equals(p.id())) t = "id";
      if (t == null) t = loaded.numeric(n) ? "numeric" : "categorical";
      out.put(n, t);
    }
    return out;
  }

  private static List<Object> profile(Connection c, Map<String, Object> columns, String where) throws SQLException {
    List<String> agg = new ArrayList<>();
    for (String n : columns.keySet()) agg.add("count(*) - count(" + ident(n) + ")");
    List<Object> out = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT " + String.join(", ", agg) + " FROM raw" + where)) {
      r.next();
      int i = 1;
      for (var e : columns.entrySet()) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", e.getKey());
        m.put("type", e.getValue());
        m.put("missing", r.getLong(i++));
        out.add(m);
      }
    }
    return out;
  }

}
