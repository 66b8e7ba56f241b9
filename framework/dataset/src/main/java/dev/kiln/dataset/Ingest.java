package dev.kiln.dataset;

import static dev.kiln.dataset.Datasets.ident;
import static dev.kiln.dataset.Datasets.literal;

import dev.kiln.api.InvalidInput;
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
 * Kiln's one reader of tabular files: CSV / TSV, JSON lines or Parquet into a DuckDB table named
 * {@code raw}, with bad input reported as {@code file:line:col} (used by {@code data/ingest} and
 * {@code tribuo/ingest}).
 *
 * <p>CSV is read in one typed pass: a column is DOUBLE when DuckDB's sniffer finds numbers in its
 * sample of the file, unless {@link Options#declared()} says otherwise. Structural problems and
 * values that do not fit their column's type — a ragged row, a byte that is not UTF-8, "abc" in a
 * numeric column — come from DuckDB's rejects table with their line. A non-finite number or a
 * missing target is reported at the line of its row, counted as one line per row after the header,
 * as DuckDB counts (exact unless a quoted field spans lines).
 */
public final class Ingest {
  /** The markers read as missing unless a step says otherwise. */
  public static final List<String> DEFAULT_MISSING = List.of("", "NA", "N/A", "NaN", "nan", "null", "NULL", "?");

  private Ingest() {}

  /**
   * How to read a file.
   *
   * @param format csv, tsv, jsonl or parquet
   * @param delimiter the CSV delimiter (one character), or null for the format's (comma, tab for tsv)
   * @param quote the CSV quote character, or null for {@code "}
   * @param header whether the first CSV line names the columns
   * @param missing the values that mean missing (CSV)
   * @param declared column -> DOUBLE or VARCHAR, read so instead of inferred (CSV)
   */
  public record Options(String format, String delimiter, String quote, boolean header, List<String> missing, Map<String, String> declared) {
    public Options {
      missing = missing == null ? DEFAULT_MISSING : List.copyOf(missing);
      declared = declared == null ? Map.of() : Map.copyOf(declared);
    }

    boolean csv() {
      return format.equals("csv") || format.equals("tsv");
    }

    String delimiterOrDefault() {
      return delimiter != null ? delimiter : format.equals("tsv") ? "\t" : ",";
    }

    /** read_csv's options (delimiter, quote, header, missing markers). */
    String csvOptions() {
      String q = quote == null ? "\"" : quote;
      List<String> nulls = new ArrayList<>();
      for (String m : missing) nulls.add(literal(m));
      return "delim = " + literal(delimiterOrDefault()) + ", quote = " + literal(q) + ", escape = " + literal(q) + ", header = " + header + ", nullstr = [" + String.join(", ", nulls) + "]";
    }
  }

  /**
   * What was read into table {@code raw}.
   *
   * @param names the columns, in file order
   * @param types column -> DuckDB type
   * @param rows the rows read
   * @param headerLines lines before the first row (1 for a CSV with a header)
   */
  public record Loaded(Path file, String shown, Options options, List<String> names, Map<String, String> types, long rows, int headerLines) {
    public boolean numeric(String column) {
      return isNumericType(types.get(column));
    }
  }

  /** The format a file name suggests: csv, tsv, jsonl or parquet. */
  public static String formatOf(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    if (n.endsWith(".jsonl") || n.endsWith(".ndjson") || n.endsWith(".json")) return "jsonl";
    if (n.endsWith(".parquet") || n.endsWith(".pq")) return "parquet";
    if (n.endsWith(".tsv") || n.endsWith(".tab")) return "tsv";
    return "csv";
  }

  /** Reads {@code file} into table {@code raw}; an empty file, a file without rows or unreadable input is an {@link InvalidInput}. */
  public static Loaded load(Connection c, Path file, String shown, Options o) throws SQLException, IOException, InvalidInput {
    if (Files.size(file) == 0) throw new InvalidInput(shown + ": the file is empty\n  hint: a CSV needs a header line and at least one row");
    if (o.csv()) readCsv(c, file, shown, o);
    else readOther(c, file, shown, o.format());
    List<String> names = Datasets.columns(c, "raw");
    long rows = Datasets.count(c, "SELECT count(*) FROM raw");
    if (rows == 0) throw new InvalidInput(shown + ": has a header but no rows");
    int headerLines = o.csv() && o.header() ? 1 : 0;
    Map<String, String> types = describe(c);
    if (o.csv()) {
      for (String n : names) {
        if (!o.declared().containsKey(n) && types.get(n).equals("VARCHAR")) numbersTheSnifferMissed(c, file, shown, names, n, headerLines);
      }
      types = describe(c);
    }
    return new Loaded(file, shown, o, names, types, rows, headerLines);
  }

  private static Map<String, String> describe(Connection c) throws SQLException {
    Map<String, String> types = new LinkedHashMap<>();
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("DESCRIBE raw")) {
      while (r.next()) types.put(r.getString(1), r.getString(2));
    }
    return types;
  }

  /** A number, or a spelling of infinity or not-a-number (as spreadsheets and numpy write them). */
  private static final String NUMBER = "[+-]?(([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?|inf|infinity|nan)";

  /**
   * DuckDB's sniffer reads a column as text when its sample holds a spelling of infinity it does not
   * know ({@code +inf}, {@code -INF}): such a column is numeric when every value of its first rows is
   * a number or such a word, so the word is reported as not finite instead of silently turning the
   * column categorical. A later value that is not a number is an error at its line.
   */
  private static void numbersTheSnifferMissed(Connection c, Path file, String shown, List<String> names, String n, int headerLines) throws SQLException, IOException, InvalidInput {
    String q = ident(n);
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT count(" + q + "), count(*) FILTER (WHERE regexp_full_match(" + q + ", " + literal(NUMBER) + ", 'i')) FROM (SELECT " + q + " FROM raw LIMIT 1000)")) {
      r.next();
      if (r.getLong(1) == 0 || r.getLong(1) != r.getLong(2)) return;
    }
    long at = firstRow(c, q + " IS NOT NULL AND TRY_CAST(" + q + " AS DOUBLE) IS NULL");
    if (at >= 0) {
      String v = "?";
      try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT " + q + " FROM raw WHERE rowid = " + at)) {
        if (r.next()) v = shorten(r.getString(1));
      }
      throw new InvalidInput(shown + ":" + (at + 1 + headerLines) + ":" + (names.indexOf(n) + 1) + ": column \"" + n + "\" is numeric, found \"" + v + "\""
          + "\n  hint: declare it another type (columns: {" + n + ": categorical}) or list \"" + v + "\" under missing:");
    }
    Datasets.exec(c, "ALTER TABLE raw ALTER " + q + " TYPE DOUBLE USING TRY_CAST(" + q + " AS DOUBLE)");
  }

  /** The header of a CSV (as DuckDB reads it), before the typed read: to decide which columns to declare. */
  public static List<String> csvHeader(Connection c, Path file, String shown, Options o) throws IOException, InvalidInput {
    if (Files.size(file) == 0) throw new InvalidInput(shown + ": the file is empty\n  hint: a CSV needs a header line and at least one row");
    try {
      return Datasets.columns(c, "SELECT * FROM read_csv(" + literal(file.toString()) + ", " + o.csvOptions() + ", all_varchar = true, store_rejects = true)");
    } catch (SQLException e) {
      String m = e.getMessage();
      if (m != null && m.contains("not utf-8")) throw notUtf8(file, shown);
      throw new InvalidInput(shown + ": cannot be read as " + (o.delimiterOrDefault().equals("\t") ? "TSV" : "CSV") + ": " + firstLine(m) + "\n  hint: check delimiter:, quote: and header:");
    }
  }

  private static void readCsv(Connection c, Path file, String shown, Options o) throws SQLException, IOException, InvalidInput {
    String options = o.csvOptions();
    String kind = o.delimiterOrDefault().equals("\t") ? "TSV" : "CSV";
    List<String> header = csvHeader(c, file, shown, o);
    List<String> declared = new ArrayList<>();
    for (String n : header) {
      String t = o.declared().get(n);
      if (t != null) declared.add(literal(n) + ": " + literal(t));
    }
    String sql = "CREATE TABLE raw AS SELECT * FROM read_csv(" + literal(file.toString()) + ", " + options
        + ", auto_type_candidates = ['DOUBLE', 'VARCHAR']" + (declared.isEmpty() ? "" : ", types = {" + String.join(", ", declared) + "}")
        + ", store_rejects = true, rejects_limit = 1)";
    try {
      Datasets.exec(c, sql);
    } catch (SQLException e) {
      String m = e.getMessage();
      if (m != null && m.contains("not utf-8")) throw notUtf8(file, shown);
      throw new InvalidInput(shown + ": cannot be read as " + kind + ": " + firstLine(m) + "\n  hint: check delimiter:, quote: and header:");
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

  public static boolean isNumericType(String duckType) {
    return duckType != null && duckType.matches("(?i)(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL.*)");
  }

  /** The 0-based position of the first row of raw matching {@code condition}, or -1. */
  public static long firstRow(Connection c, String condition) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT rowid FROM raw WHERE " + condition + " ORDER BY rowid LIMIT 1")) {
      return r.next() ? r.getLong(1) : -1;
    }
  }

  /** Fails at the first row whose {@code target} is missing, unless {@code drop}; returns the WHERE clause that keeps the rows to use ("" for all). */
  public static String target(Connection c, Loaded l, String target, boolean drop) throws SQLException, InvalidInput {
    if (target == null) return "";
    if (drop) return " WHERE " + ident(target) + " IS NOT NULL";
    long at = firstRow(c, ident(target) + " IS NULL");
    if (at >= 0) {
      throw new InvalidInput(l.shown() + ":" + (at + 1 + l.headerLines()) + ":" + (l.names().indexOf(target) + 1) + ": the target \"" + target + "\" is missing in this row"
          + "\n  hint: remove the row, or set drop-missing-target: true to skip such rows");
    }
    return "";
  }

  /**
   * Fails at the first value of a {@code numeric} column that is infinite or not a number, in file
   * order. For CSV its text is read back from the file (an error path only), so the message shows
   * what was written.
   */
  public static void checkFinite(Connection c, Loaded l, List<String> numeric, String where) throws SQLException, InvalidInput {
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
    int col = l.names().indexOf(at) + 1;
    if (!l.options().csv()) {
      String v = null;
      try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT CAST(" + ident(at) + " AS VARCHAR) FROM raw WHERE rowid = " + row)) {
        if (r.next()) v = r.getString(1);
      }
      throw notFinite(l.shown() + ": row " + (row + 1) + ", column " + col, at, shorten(String.valueOf(v)));
    }
    String v = "?";
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT " + ident(at) + " FROM read_csv(" + literal(l.file().toString()) + ", " + l.options().csvOptions() + ", all_varchar = true) LIMIT 1 OFFSET " + row)) {
      if (r.next()) v = r.getString(1);
    }
    throw notFinite(l.shown() + ":" + (row + 1 + l.headerLines()) + ":" + col, at, shorten(v));
  }

  static InvalidInput notFinite(String where, String name, String v) {
    return new InvalidInput(where + ": column \"" + name + "\" is numeric, found \"" + v + "\", which is not a finite number"
        + "\n  hint: numbers must be finite (at most about 1.8e308 in magnitude); if \"" + v + "\" marks an unknown value, list it under missing: (e.g. missing: ['', NA, '" + v + "'])");
  }

  /** The hint line after an unknown column name: the nearest column when it looks like a typo, then every column. */
  public static String hint(String name, List<String> names) {
    String best = closest(name, names);
    return "\n  hint: " + (best != null ? "did you mean \"" + best + "\"? " : "") + "columns: " + String.join(", ", names);
  }

  /** The candidate nearest to {@code s} by edit distance (ignoring case), when it is near enough to be a typo. */
  public static String closest(String s, List<String> candidates) {
    String best = null;
    int bestD = Integer.MAX_VALUE;
    for (String c : candidates) {
      int d = dev.kiln.api.EditDistance.between(s.toLowerCase(Locale.ROOT), c.toLowerCase(Locale.ROOT));
      if (d < bestD) {
        bestD = d;
        best = c;
      }
    }
    return best != null && bestD <= Math.max(2, s.length() / 3) ? best : null;
  }

  public static String shorten(String v) {
    return v.length() > 40 ? v.substring(0, 37) + "..." : v;
  }

  public static String firstLine(String m) {
    if (m == null) return "unknown error";
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  /** Where the first byte that is not UTF-8 is, as line:col (columns count characters). */
  public static InvalidInput notUtf8(Path path, String shown) throws IOException {
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
  }}
