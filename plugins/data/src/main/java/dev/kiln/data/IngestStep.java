package dev.kiln.data;

import static dev.kiln.data.Datasets.ident;
import static dev.kiln.data.Datasets.literal;

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
  static final List<String> DEFAULT_MISSING = List.of("", "NA", "N/A", "NaN", "nan", "null", "NULL", "?");
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
    String format = p.format() != null ? p.format() : formatOf(shown);
    if (Files.size(file) == 0) throw new InvalidInput(shown + ": the file is empty\n  hint: a CSV needs a header line and at least one row");
    long t0 = System.nanoTime();
    try (Connection c = Datasets.connect()) {
      boolean csv = format.equals("csv") || format.equals("tsv");
      if (csv) readCsv(c, file, shown, p, format.equals("tsv") ? "\t" : ",");
      else readOther(c, file, shown, format);
      List<String> names = Datasets.columns(c, "raw");
      long rows = Datasets.count(c, "SELECT count(*) FROM raw");
      if (rows == 0) throw new InvalidInput(shown + ": has a header but no rows");
      for (String name : p.columns().keySet()) {
        if (!names.contains(name)) throw new InvalidInput(shown + ": columns: names \"" + name + "\", which is not a column of the file" + hint(name, names));
      }
      for (String[] role : new String[][] {{"target", p.target()}, {"id", p.id()}, {"weight", p.weight()}, {"time", p.time()}}) {
        if (role[1] != null && !names.contains(role[1])) throw new InvalidInput(shown + ": the " + role[0] + " column \"" + role[1] + "\" is not in the file" + hint(role[1], names));
      }
      int headerLines = csv && p.header() ? 1 : 0;
      Map<String, String> types = types(c, names, p);
      String where = "";
      if (p.target() != null) {
        if (p.dropMissingTarget()) where = " WHERE " + ident(p.target()) + " IS NOT NULL";
        else {
          long at = firstRow(c, ident(p.target()) + " IS NULL");
          if (at >= 0) {
            throw new InvalidInput(shown + ":" + (at + 1 + headerLines) + ":" + (names.indexOf(p.target()) + 1) + ": the target \"" + p.target() + "\" is missing in this row"
                + "\n  hint: remove the row, or set drop-missing-target: true to skip such rows");
          }
        }
      }
      List<String> select = new ArrayList<>();
      List<String> numeric = new ArrayList<>();
      for (String n : names) {
        String type = types.get(n);
        if (type.equals("ignore")) continue;
        if (type.equals("numeric")) numeric.add(n);
        select.add(type.equals("numeric") ? "CAST(" + ident(n) + " AS DOUBLE) AS " + ident(n) : ident(n));
      }
      checkFinite(c, shown, file, csv ? csvOptions(p, format.equals("tsv") ? "\t" : ",") : null, names, numeric, headerLines, where);
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

  private static String formatOf(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    if (n.endsWith(".jsonl") || n.endsWith(".ndjson") || n.endsWith(".json")) return "jsonl";
    if (n.endsWith(".parquet") || n.endsWith(".pq")) return "parquet";
    if (n.endsWith(".tsv") || n.endsWith(".tab")) return "tsv";
    return "csv";
  }

  /** read_csv's options for the step's params (delimiter, quote, header, missing markers). */
  private static String csvOptions(Params p, String defaultDelimiter) {
    String delim = p.delimiter() == null ? defaultDelimiter : Params.unescape(p.delimiter());
    String quote = p.quote() == null ? "\"" : p.quote();
    List<String> nulls = new ArrayList<>();
    for (String m : p.missing()) nulls.add(literal(m));
    return "delim = " + literal(delim) + ", quote = " + literal(quote) + ", escape = " + literal(quote) + ", header = " + p.header() + ", nullstr = [" + String.join(", ", nulls) + "]";
  }

  /**
   * Reads the CSV into table raw in one typed pass: the declared types, else DuckDB's inference from
   * a sample (DOUBLE or VARCHAR). A value that does not fit its column's type, a ragged row and a
   * byte that is not UTF-8 land in DuckDB's rejects table with their line.
   */
  private static void readCsv(Connection c, Path file, String shown, Params p, String defaultDelimiter) throws SQLException, IOException, InvalidInput {
    String options = csvOptions(p, defaultDelimiter);
    String delim = p.delimiter() == null ? defaultDelimiter : Params.unescape(p.delimiter());
    List<String> declared = new ArrayList<>();
    List<String> header;
    try {
      header = Datasets.columns(c, "SELECT * FROM read_csv(" + literal(file.toString()) + ", " + options + ", all_varchar = true, store_rejects = true)");
    } catch (SQLException e) {
      String m = e.getMessage();
      if (m != null && m.contains("not utf-8")) throw notUtf8(file, shown);
      throw new InvalidInput(shown + ": cannot be read as " + (delim.equals("\t") ? "TSV" : "CSV") + ": " + firstLine(m) + "\n  hint: check delimiter:, quote: and header:");
    }
    for (String n : header) {
      String t = p.columns().get(n);
      if (t == null && n.equals(p.id())) t = "id";
      if (t != null) declared.add(literal(n) + ": " + (t.equals("numeric") ? "'DOUBLE'" : "'VARCHAR'"));
    }
    String sql = "CREATE TABLE raw AS SELECT * FROM read_csv(" + literal(file.toString()) + ", " + options
        + ", auto_type_candidates = ['DOUBLE', 'VARCHAR']" + (declared.isEmpty() ? "" : ", types = {" + String.join(", ", declared) + "}")
        + ", store_rejects = true, rejects_limit = 1)";
    try {
      Datasets.exec(c, sql);
    } catch (SQLException e) {
      String m = e.getMessage();
      if (m != null && m.contains("not utf-8")) throw notUtf8(file, shown);
      throw new InvalidInput(shown + ": cannot be read as " + (delim.equals("\t") ? "TSV" : "CSV") + ": " + firstLine(m)
          + "\n  hint: check delimiter:, quote: and header:");
    }
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT line, column_idx, error_type, error_message FROM reject_errors ORDER BY line, column_idx LIMIT 1")) {
      if (!r.next()) return;
      long line = r.getLong(1);
      String type = r.getString(3);
      String message = r.getString(4);
      if (type.equals("INVALID ENCODING")) throw notUtf8(file, shown);
      List<String> names = Datasets.columns(c, "raw");
      if (type.equals("MISSING COLUMNS") || type.equals("TOO MANY COLUMNS")) {
        Matcher found = Pattern.compile("Found: (\\d+)").matcher(message);
        String fields = found.find() ? found.group(1) + " field" + (found.group(1).equals("1") ? "" : "s") : (type.equals("MISSING COLUMNS") ? "too few fields" : "too many fields");
        throw new InvalidInput(shown + ":" + line + ": ragged row: " + fields + ", expected " + names.size() + " (" + String.join(", ", names) + ")"
            + "\n  hint: check the delimiter (delimiter:) and that fields containing it are quoted");
      }
      if (type.equals("CAST")) {
        Matcher m = Pattern.compile("Could not convert string \"(.*)\" to").matcher(message);
        String value = shorten(m.find() ? m.group(1) : "?");
        String name = names.get((int) r.getLong(2) - 1);
        throw new InvalidInput(shown + ":" + line + ":" + r.getLong(2) + ": column \"" + name + "\" is numeric, found \"" + value + "\""
            + "\n  hint: declare it another type (columns: {" + name + ": categorical}) or list \"" + value + "\" under missing:");
      }
      throw new InvalidInput(shown + ":" + line + ":" + r.getLong(2) + ": " + message + "\n  hint: check delimiter: and quote:");
    }
  }

  private static void readOther(Connection c, Path file, String shown, String format) throws InvalidInput {
    String reader = format.equals("parquet") ? "read_parquet(" + literal(file.toString()) + ")" : "read_json(" + literal(file.toString()) + ", format = 'newline_delimited')";
    try {
      Datasets.exec(c, "CREATE TABLE raw AS SELECT * FROM " + reader);
    } catch (SQLException e) {
      throw new InvalidInput(shown + ": cannot be read as " + (format.equals("parquet") ? "Parquet" : "JSON lines") + ": " + firstLine(e.getMessage()));
    }
  }

  /** Column -> numeric, categorical, text, id or ignore: the overrides, else from the type DuckDB read it as. */
  private static Map<String, String> types(Connection c, List<String> names, Params p) throws SQLException {
    Map<String, String> typesOfRaw = new LinkedHashMap<>();
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("DESCRIBE raw")) {
      while (r.next()) typesOfRaw.put(r.getString(1), r.getString(2));
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (String n : names) {
      String t = p.columns().get(n);
      if (t == null && n.equals(p.id())) t = "id";
      if (t == null) t = isNumericType(typesOfRaw.get(n)) ? "numeric" : "categorical";
      out.put(n, t);
    }
    return out;
  }

  private static boolean isNumericType(String duckType) {
    return duckType != null && duckType.matches("(?i)(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL.*)");
  }

  /** The 0-based position of the first row of raw matching {@code condition}, or -1. */
  private static long firstRow(Connection c, String condition) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT rowid FROM raw WHERE " + condition + " ORDER BY rowid LIMIT 1")) {
      return r.next() ? r.getLong(1) : -1;
    }
  }

  /**
   * The first value of a numeric column that is infinite or not a number, in file order. For CSV
   * its text is read back from the file (an error path only), so the message shows what was written.
   */
  private static void checkFinite(Connection c, String shown, Path file, String csvOptions, List<String> names, List<String> numeric, int headerLines, String where) throws SQLException, InvalidInput {
    if (numeric.isEmpty()) return;
    List<String> agg = new ArrayList<>();
    for (String n : numeric) agg.add("min(rowid) FILTER (WHERE NOT isfinite(CAST(" + ident(n) + " AS DOUBLE)))");
    String at = null;
    long row = Long.MAX_VALUE;
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT " + String.join(", ", agg) + " FROM raw" + where)) {
      r.next();
      for (int i = 0; i < numeric.size(); i++) {
        long x = r.getLong(i + 1);
        if (!r.wasNull() && x < row) {
          row = x;
          at = numeric.get(i);
        }
      }
    }
    if (at == null) return;
    int col = names.indexOf(at) + 1;
    if (csvOptions == null) {
      String v = null;
      try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT CAST(" + ident(at) + " AS VARCHAR) FROM raw WHERE rowid = " + row)) {
        if (r.next()) v = r.getString(1);
      }
      throw notFinite(shown + ": row " + (row + 1) + ", column " + col, at, shorten(String.valueOf(v)));
    }
    String v = "?";
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT " + ident(at) + " FROM read_csv(" + literal(file.toString()) + ", " + csvOptions + ", all_varchar = true) LIMIT 1 OFFSET " + row)) {
      if (r.next()) v = r.getString(1);
    }
    throw notFinite(shown + ":" + (row + 1 + headerLines) + ":" + col, at, shorten(v));
  }

  static InvalidInput notFinite(String where, String name, String v) {
    return new InvalidInput(where + ": column \"" + name + "\" is numeric, found \"" + v + "\", which is not a finite number"
        + "\n  hint: numbers must be finite (at most about 1.8e308 in magnitude); if \"" + v + "\" marks an unknown value, list it under missing: (e.g. missing: ['', NA, '" + v + "'])");
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

  static String hint(String name, List<String> names) {
    String best = null;
    int bestD = Integer.MAX_VALUE;
    for (String n : names) {
      int d = dev.kiln.api.EditDistance.between(name.toLowerCase(Locale.ROOT), n.toLowerCase(Locale.ROOT));
      if (d < bestD) {
        bestD = d;
        best = n;
      }
    }
    boolean near = best != null && bestD <= Math.max(2, name.length() / 3);
    return "\n  hint: " + (near ? "did you mean \"" + best + "\"? " : "") + "columns: " + String.join(", ", names);
  }

  static String shorten(String v) {
    return v.length() > 40 ? v.substring(0, 37) + "..." : v;
  }

  static String firstLine(String m) {
    if (m == null) return "unknown error";
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  /** Where the first byte that is not UTF-8 is, as line:col (columns count characters). */
  static InvalidInput notUtf8(Path path, String shown) throws IOException {
    byte[] b = Files.readAllBytes(path);
    long line = 1;
    long col = 1;
    int i = 0;
    while (i < b.length) {
      int x = b[i] & 0xff;
      int len = x < 0x80 ? 1 : x >= 0xc2 && x < 0xe0 ? 2 : x >= 0xe0 && x < 0xf0 ? 3 : x >= 0xf0 && x < 0xf5 ? 4 : 0;
      boolean ok = len > 0 && i + len <= b.length;
      for (int k = 1; ok && k < len; k++) ok = (b[i + k] & 0xc0) == 0x80;
      if (!ok) {
        String bad = String.format(Locale.ROOT, "0x%02X", x);
        return new InvalidInput(shown + ":" + line + ":" + col + ": not UTF-8: invalid byte " + bad + iconvHint(shown));
      }
      if (x == '\n') {
        line++;
        col = 1;
      } else {
        col++;
      }
      i += len;
    }
    return new InvalidInput(shown + ": not UTF-8" + iconvHint(shown));
  }

  private static String iconvHint(String shown) {
    int dot = shown.lastIndexOf('.');
    String converted = dot > shown.lastIndexOf('/') && dot > 0 ? shown.substring(0, dot) + "-utf8" + shown.substring(dot) : shown + "-utf8";
    return "\n  hint: the file must be UTF-8; if it was saved as Latin-1 (ISO-8859-1), convert it: iconv -f latin1 -t utf-8 " + shown + " > " + converted;
  }
}
