package dev.kiln.data.check;

import dev.kiln.api.EditDistance;
import dev.kiln.api.InvalidInput;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Evaluates expectations with SQL over an in-memory DuckDB holding the data (table {@code data})
 * and the reference (table {@code reference}). Row numbers are DuckDB's rowid + 1: the order the
 * file holds the rows in, so examples come in a stable order.
 */
public final class CheckRun implements AutoCloseable {
  private static final int EXAMPLES = 5;
  private static final int LONGEST_VALUE = 40;

  private final Connection db;
  private final String dataName;
  private final String referenceName;
  private final Map<String, String> columns;
  private final Map<String, String> referenceColumns;
  private final long rows;

  private CheckRun(Connection db, String dataName, String referenceName, Map<String, String> columns, Map<String, String> referenceColumns, long rows) {
    this.db = db;
    this.dataName = dataName;
    this.referenceName = referenceName;
    this.columns = columns;
    this.referenceColumns = referenceColumns;
    this.rows = rows;
  }

  /**
   * Loads {@code data} (and {@code reference}, when not null): Parquet when the file starts with
   * Parquet's magic bytes, else CSV with a header row (comma-separated, tab for a .tsv name), its
   * columns typed by DuckDB's sniffer as BIGINT, DOUBLE, DATE, TIMESTAMP or VARCHAR: yes/no and
   * true/false stay text, as the file spells them, so in-set and matches see what the file holds. A
   * tribuo/ingest dataset is such a CSV below a schema line, which is skipped.
   */
  public static CheckRun open(Path data, String dataName, Path reference, String referenceName) throws SQLException, IOException, InvalidInput {
    Connection db = DriverManager.getConnection("jdbc:duckdb:");
    try {
      Map<String, String> cols = load(db, "data", data, dataName);
      Map<String, String> refCols = reference == null ? Map.of() : load(db, "reference", reference, referenceName);
      long n;
      try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM data")) {
        rs.next();
        n = rs.getLong(1);
      }
      return new CheckRun(db, dataName, referenceName, cols, refCols, n);
    } catch (SQLException | IOException | InvalidInput | RuntimeException e) {
      db.close();
      throw e;
    }
  }

  private static Map<String, String> load(Connection db, String table, Path file, String name) throws SQLException, IOException, InvalidInput {
    if (Files.size(file) == 0) throw new InvalidInput("data/check: cannot read " + name + ": the file is empty");
    // a tribuo/ingest dataset: its schema line holds JSON (quotes, commas) that DuckDB's CSV
    // sniffer parses even when told to skip it, so the CSV below it is read from a copy
    Path csv = !isParquet(file) && startsWith(file, TRIBUO_DATASET) ? withoutFirstLine(file) : file;
    try {
      return load(db, table, csv, file, name);
    } finally {
      if (csv != file) Files.deleteIfExists(csv);
    }
  }

  private static Path withoutFirstLine(Path file) throws IOException {
    Path copy = Files.createTempFile("kiln-check-", ".csv");
    try (var in = new java.io.BufferedInputStream(Files.newInputStream(file)); var out = Files.newOutputStream(copy)) {
      int b;
      while ((b = in.read()) != -1 && b != '\n') {
        // the schema line
      }
      in.transferTo(out);
    }
    return copy;
  }

  private static Map<String, String> load(Connection db, String table, Path readFrom, Path file, String name) throws SQLException, IOException, InvalidInput {
    String path = "'" + readFrom.toAbsolutePath().toString().replace("'", "''") + "'";
    String reader = isParquet(file) ? "read_parquet(" + path + ")" : "read_csv(" + path + ", header = true, skip = 0, auto_type_candidates = ['BIGINT', 'DOUBLE', 'DATE', 'TIMESTAMP', 'VARCHAR'], delim = '" + (name.toLowerCase(java.util.Locale.ROOT).endsWith(".tsv") ? "\t" : ",") + "', quote = '\"', escape = '\"', strict_mode = true, null_padding = false)";
    try (Statement s = db.createStatement()) {
      s.execute("CREATE TABLE " + table + " AS SELECT * FROM " + reader);
    } catch (SQLException e) {
      throw new InvalidInput(readError(e.getMessage(), file, name));
    }
    Map<String, String> cols = new LinkedHashMap<>();
    try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("DESCRIBE " + table)) {
      while (rs.next()) cols.put(rs.getString("column_name"), rs.getString("column_type"));
    }
    return cols;
  }

  private static final java.util.regex.Pattern CSV_LINE = java.util.regex.Pattern.compile("CSV Error on Line: (\\d+)");
  private static final java.util.regex.Pattern COLUMNS = java.util.regex.Pattern.compile("Expected Number of Columns: (\\d+) Found: (\\d+)");

  /** DuckDB's reader error as one line naming the file (not its place in the store) and, for CSV, the line. */
  static String readError(String message, Path file, String name) {
    String m = message == null ? "" : message;
    java.util.regex.Matcher line = CSV_LINE.matcher(m);
    if (line.find()) {
      java.util.regex.Matcher cols = COLUMNS.matcher(m);
      String what = cols.find() ? "expected " + cols.group(1) + " fields, found " + cols.group(2) : firstLine(m.substring(line.end()).strip());
      return "data/check: " + name + ":" + line.group(1) + ": " + what;
    }
    if (m.contains("Error when sniffing file")) {
      return "data/check: cannot read " + name + ": DuckDB could not detect its CSV dialect (expected a header row, commas between fields, double quotes, the same number of fields on every row)";
    }
    return "data/check: cannot read " + name + ": " + firstLine(m).replace(file.toAbsolutePath().toString(), name);
  }

  /** The first line of a tribuo/ingest dataset (its schema as JSON), above a plain CSV. */
  private static final String TRIBUO_DATASET = "#kiln-dataset ";

  private static boolean isParquet(Path file) throws IOException {
    return startsWith(file, "PAR1");
  }

  private static boolean startsWith(Path file, String magic) throws IOException {
    byte[] m = magic.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    try (InputStream in = Files.newInputStream(file)) {
      return Arrays.equals(in.readNBytes(m.length), m);
    }
  }

  /** The data's rows. */
  public long rows() {
    return rows;
  }

  /** The data's columns and their DuckDB types, in file order. */
  public Map<String, String> columns() {
    return columns;
  }

  /**
   * Checks every expectation's columns exist (and have a type it can check) before evaluating any.
   *
   * @throws InvalidInput naming the first expectation that reads a column the data lacks
   */
  public List<Outcome> evaluate(List<Expectation> expect) throws SQLException, InvalidInput {
    for (int i = 0; i < expect.size(); i++) checkColumns(i, expect.get(i));
    List<Outcome> out = new ArrayList<>();
    for (int i = 0; i < expect.size(); i++) out.add(evaluate(i, expect.get(i)));
    return out;
  }

  private void checkColumns(int i, Expectation e) throws InvalidInput {
    if (e.column() != null) return; // a missing column is that check's failure, not bad input
    String at = "data/check: expect[" + i + "] " + e.label() + ": ";
    for (String c : e.columns()) {
      if (!columns.containsKey(c)) throw new InvalidInput(at + noColumn(c, dataName, columns));
      if (e.distribution() != null && !referenceColumns.containsKey(c)) throw new InvalidInput(at + noColumn(c, referenceName, referenceColumns));
    }
    if (e.inRange() != null && !ColumnKind.isNumeric(columns.get(e.inRange().column()))) {
      throw new InvalidInput(at + "column " + e.inRange().column() + " is " + columns.get(e.inRange().column()) + ", not numeric; in-range compares numbers");
    }
    if (e.distribution() != null && e.distribution().maxKs() != null) {
      String c = e.distribution().column();
      if (!ColumnKind.isNumeric(columns.get(c)) || !ColumnKind.isNumeric(referenceColumns.get(c))) {
        String type = ColumnKind.isNumeric(columns.get(c)) ? referenceColumns.get(c) + " in " + referenceName : columns.get(c) + " in " + dataName;
        throw new InvalidInput(at + "max-ks needs a numeric column; " + c + " is " + type + " (use max-psi for categories)");
      }
    }
  }

  private static String noColumn(String c, String file, Map<String, String> cols) {
    String hint = "";
    String best = null;
    int bestD = Integer.MAX_VALUE;
    for (String k : cols.keySet()) {
      int d = EditDistance.between(c.toLowerCase(java.util.Locale.ROOT), k.toLowerCase(java.util.Locale.ROOT));
      if (d < bestD) {
        bestD = d;
        best = k;
      }
    }
    if (best != null && bestD <= Math.max(1, c.length() / 3)) hint = " (did you mean " + best + "?)";
    return "no column " + c + " in " + file + hint + "; its columns: " + String.join(", ", cols.keySet());
  }

  private Outcome evaluate(int i, Expectation e) throws SQLException, InvalidInput {
    return switch (e.kind()) {
      case "not-null" -> {
        String c = q(e.notNull());
        yield rowCheck(i, e, "SELECT rowid AS r FROM data WHERE " + c + " IS NULL", List.of(), "are null");
      }
      case "unique" -> {
        String cols = e.unique().columns().stream().map(CheckRun::q).collect(Collectors.joining(", "));
        String of = e.unique().columns().size() == 1 ? e.unique().columns().get(0) : "(" + String.join(", ", e.unique().columns()) + ")";
        yield rowCheck(i, e, "SELECT r, " + cols + " FROM (SELECT rowid AS r, " + cols + ", count(*) OVER (PARTITION BY " + cols + ") AS kiln_n FROM data) WHERE kiln_n > 1", List.of(), "repeat a value of " + of);
      }
      case "in-range" -> {
        Expectation.InRange r = e.inRange();
        String c = q(r.column());
        List<Object> params = new ArrayList<>();
        List<String> conds = new ArrayList<>();
        if (r.min() != null) {
          conds.add(c + " < ?");
          params.add(r.min());
        }
        if (r.max() != null) {
          conds.add(c + " > ?");
          params.add(r.max());
        }
        String what = r.min() == null ? "are above " + Numbers.format(r.max())
            : r.max() == null ? "are below " + Numbers.format(r.min())
            : "are outside [" + Numbers.format(r.min()) + ", " + Numbers.format(r.max()) + "]";
        yield rowCheck(i, e, "SELECT rowid AS r, " + c + " FROM data WHERE " + c + " IS NOT NULL AND (" + String.join(" OR ", conds) + ")", params, what);
      }
      case "in-set" -> {
        // a numeric column is compared with numbers, any other as text (as the file spells it)
        String column = e.inSet().column();
        boolean numeric = ColumnKind.isNumeric(columns.get(column));
        List<Object> values = new ArrayList<>();
        for (Object v : e.inSet().values()) {
          if (numeric && !(v instanceof Number)) {
            throw new InvalidInput("data/check: expect[" + i + "] " + e.label() + ": column " + column + " is " + columns.get(column) + ", so values must be numbers, found " + v);
          }
          values.add(numeric ? ((Number) v).doubleValue() : v instanceof Number num ? Numbers.format(num.doubleValue()) : String.valueOf(v));
        }
        String c = numeric ? q(column) : "CAST(" + q(column) + " AS VARCHAR)";
        String marks = values.stream().map(v -> "?").collect(Collectors.joining(", "));
        String set = e.inSet().values().stream().map(v -> v instanceof Number num ? Numbers.format(num.doubleValue()) : String.valueOf(v)).collect(Collectors.joining(", "));
        yield rowCheck(i, e, "SELECT rowid AS r, " + q(column) + " FROM data WHERE " + q(column) + " IS NOT NULL AND " + c + " NOT IN (" + marks + ")", values, "are not in {" + set + "}");
      }
      case "matches" -> {
        String c = q(e.matches().column());
        try {
          yield rowCheck(i, e, "SELECT rowid AS r, " + c + " FROM data WHERE " + c + " IS NOT NULL AND NOT regexp_full_match(CAST(" + c + " AS VARCHAR), ?)", List.of(e.matches().regex()), "do not match " + e.matches().regex());
        } catch (SQLException ex) {
          throw new InvalidInput("data/check: expect[" + i + "] " + e.label() + ": bad regular expression " + e.matches().regex() + ": " + firstLine(ex.getMessage()));
        }
      }
      case "row-count" -> rowCount(i, e);
      case "column" -> column(i, e);
      default -> distribution(i, e);
    };
  }

  private Outcome rowCheck(int i, Expectation e, String failingSql, List<Object> params, String what) throws SQLException {
    long failing;
    try (PreparedStatement ps = prepare("SELECT count(*) FROM (" + failingSql + ")", params); ResultSet rs = ps.executeQuery()) {
      rs.next();
      failing = rs.getLong(1);
    }
    List<Outcome.Example> examples = new ArrayList<>();
    if (failing > 0) {
      try (PreparedStatement ps = prepare("SELECT * FROM (" + failingSql + ") ORDER BY r LIMIT " + EXAMPLES, params); ResultSet rs = ps.executeQuery()) {
        int n = rs.getMetaData().getColumnCount();
        while (rs.next()) {
          List<String> values = new ArrayList<>();
          for (int k = 2; k <= n; k++) values.add(text(rs.getObject(k)));
          examples.add(new Outcome.Example(rs.getLong(1) + 1, values));
        }
      }
    }
    return new Outcome(i, e, status(e, failing == 0), failing, failing + " of " + rows + " rows " + what, examples, null, null);
  }

  private PreparedStatement prepare(String sql, List<Object> params) throws SQLException {
    PreparedStatement ps = db.prepareStatement(sql);
    for (int k = 0; k < params.size(); k++) ps.setObject(k + 1, params.get(k));
    return ps;
  }

  private Outcome rowCount(int i, Expectation e) {
    Long min = e.rowCount().min();
    Long max = e.rowCount().max();
    boolean ok = (min == null || rows >= min) && (max == null || rows <= max);
    String expected = min == null ? "at most " + max : max == null ? "at least " + min : "between " + min + " and " + max;
    return new Outcome(i, e, status(e, ok), null, rows + " rows, expected " + expected, List.of(), null, null);
  }

  private Outcome column(int i, Expectation e) {
    String name = e.column().name();
    ColumnKind type = e.column().type();
    String found = columns.get(name);
    String detail;
    boolean ok;
    if (found == null) {
      ok = false;
      detail = noColumn(name, dataName, columns);
    } else if (type != null && !type.admits(found)) {
      ok = false;
      detail = name + " is " + found + ", expected " + type;
    } else {
      ok = true;
      detail = name + " is " + found;
    }
    return new Outcome(i, e, status(e, ok), null, detail, List.of(), null, null);
  }

  private Outcome distribution(int i, Expectation e) throws SQLException, InvalidInput {
    Expectation.Distribution d = e.distribution();
    String c = q(d.column());
    boolean numeric = ColumnKind.isNumeric(columns.get(d.column())) && ColumnKind.isNumeric(referenceColumns.get(d.column()));
    Double psi = null;
    Double ks = null;
    if (numeric) {
      double[] cur = doubles("SELECT CAST(" + c + " AS DOUBLE) FROM data WHERE " + c + " IS NOT NULL ORDER BY 1", i, e, dataName);
      double[] ref = doubles("SELECT CAST(" + c + " AS DOUBLE) FROM reference WHERE " + c + " IS NOT NULL ORDER BY 1", i, e, referenceName);
      if (d.maxPsi() != null) psi = Drift.psi(ref, cur);
      if (d.maxKs() != null) ks = Drift.ks(ref, cur);
    } else {
      Map<String, Long> cur = counts("data", c, i, e, dataName);
      Map<String, Long> ref = counts("reference", c, i, e, referenceName);
      psi = Drift.psi(ref, cur);
    }
    List<String> found = new ArrayList<>();
    boolean ok = true;
    if (d.maxPsi() != null) {
      boolean over = psi > d.maxPsi();
      ok &= !over;
      found.add("PSI " + Numbers.round(psi, 4) + (over ? " > " : " <= ") + "max-psi " + Numbers.format(d.maxPsi()));
    }
    if (d.maxKs() != null) {
      boolean over = ks > d.maxKs();
      ok &= !over;
      found.add("KS " + Numbers.round(ks, 4) + (over ? " > " : " <= ") + "max-ks " + Numbers.format(d.maxKs()));
    }
    return new Outcome(i, e, status(e, ok), null, String.join("; ", found) + " against " + referenceName, List.of(), psi, ks);
  }

  private double[] doubles(String sql, int i, Expectation e, String file) throws SQLException, InvalidInput {
    double[] v = new double[1024];
    int n = 0;
    try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        if (n == v.length) v = Arrays.copyOf(v, n * 2);
        v[n++] = rs.getDouble(1);
      }
    }
    if (n == 0) throw new InvalidInput("data/check: expect[" + i + "] " + e.label() + ": column " + e.distribution().column() + " holds no values in " + file);
    return Arrays.copyOf(v, n);
  }

  private Map<String, Long> counts(String table, String c, int i, Expectation e, String file) throws SQLException, InvalidInput {
    Map<String, Long> out = new LinkedHashMap<>();
    try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT CAST(" + c + " AS VARCHAR) AS v, count(*) FROM " + table + " WHERE " + c + " IS NOT NULL GROUP BY v ORDER BY v")) {
      while (rs.next()) out.put(rs.getString(1), rs.getLong(2));
    }
    if (out.isEmpty()) throw new InvalidInput("data/check: expect[" + i + "] " + e.label() + ": column " + e.distribution().column() + " holds no values in " + file);
    return out;
  }

  private static Outcome.Status status(Expectation e, boolean ok) {
    if (ok) return Outcome.Status.PASS;
    return e.severity() == Expectation.Severity.WARN ? Outcome.Status.WARN : Outcome.Status.FAIL;
  }

  private static String text(Object o) {
    if (o == null) return "null";
    String s;
    if (o instanceof Double || o instanceof Float) s = Numbers.format(((Number) o).doubleValue());
    else if (o instanceof BigDecimal b) s = b.stripTrailingZeros().toPlainString();
    else s = o.toString();
    return s.length() > LONGEST_VALUE ? s.substring(0, LONGEST_VALUE) + "..." : s;
  }

  private static String q(String identifier) {
    return "\"" + identifier.replace("\"", "\"\"") + "\"";
  }

  private static String firstLine(String s) {
    if (s == null) return "";
    int nl = s.indexOf('\n');
    return (nl < 0 ? s : s.substring(0, nl)).strip();
  }

  @Override
  public void close() throws SQLException {
    db.close();
  }
}
