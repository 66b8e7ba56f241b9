package dev.kiln.data.profile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.api.InvalidInput;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Parquet or CSV file loaded into an in-memory DuckDB table {@code t}, with its columns and the
 * roles a Kiln dataset's Parquet metadata names. One thread, so aggregates over doubles add up in
 * the same order every time and the profile is byte-reproducible.
 */
public final class TableSource implements AutoCloseable {
  /** A column as DuckDB typed it. */
  public record Column(String name, String sqlType) {}

  /** What a CSV column may be typed as; no BOOLEAN, so yes/no and true/false keep their spelling as categories. */
  private static final String CSV_TYPES = "['BIGINT', 'DOUBLE', 'TIME', 'DATE', 'TIMESTAMP', 'VARCHAR']";
  private static final Pattern CSV_LINE = Pattern.compile("CSV Error on Line: (\\d+)");

  private final Connection connection;
  private final List<Column> columns;
  private final String rolesTarget;
  private final String split;
  private final long rows;

  private TableSource(Connection connection, List<Column> columns, String rolesTarget, String split, long rows) {
    this.connection = connection;
    this.columns = columns;
    this.rolesTarget = rolesTarget;
    this.split = split;
    this.rows = rows;
  }

  /**
   * Loads {@code file}: Parquet when it starts with Parquet's magic bytes, else CSV with a header
   * line, {@code delimiter}, and {@code missing} read as missing values.
   *
   * @param shown how messages name the file
   * @param tempDir where DuckDB may spill
   */
  public static TableSource load(Path file, String shown, char delimiter, List<String> missing, Path tempDir) throws IOException, SQLException, InvalidInput {
    Properties props = new Properties();
    props.setProperty("threads", "1");
    props.setProperty("temp_directory", tempDir.toString());
    props.setProperty("autoinstall_known_extensions", "false");
    Connection c = DriverManager.getConnection("jdbc:duckdb:", props);
    try {
      boolean parquet = isParquet(file);
      String reader = parquet
          ? "read_parquet(" + Sql.literal(file.toString()) + ")"
          : "read_csv(" + Sql.literal(file.toString()) + ", header=true, delim=" + Sql.literal(String.valueOf(delimiter)) + ", nullstr=" + Sql.list(missing) + ", auto_type_candidates=" + CSV_TYPES + ")";
      try (Statement s = c.createStatement()) {
        s.execute("CREATE TEMP TABLE t AS SELECT * FROM " + reader);
      } catch (SQLException e) {
        throw unreadable(e, shown, parquet);
      }
      List<Column> cols = new ArrayList<>();
      try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("DESCRIBE t")) {
        while (r.next()) cols.add(new Column(r.getString(1), r.getString(2)));
      }
      long n;
      try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT count(*) FROM t")) {
        r.next();
        n = r.getLong(1);
      }
      if (n == 0) throw new InvalidInput(shown + ": no rows to profile" + (parquet ? "" : " (the file is empty or holds only a header line)"));
      String target = parquet ? rolesTarget(c, file, shown) : null;
      String split = parquet ? metadata(c, file, "kiln.split") : null;
      TableSource t = new TableSource(c, List.copyOf(cols), target, split, n);
      c = null;
      return t;
    } finally {
      if (c != null) c.close();
    }
  }

  private static boolean isParquet(Path file) throws IOException {
    byte[] magic = new byte[4];
    try (InputStream in = Files.newInputStream(file)) {
      return in.readNBytes(magic, 0, 4) == 4 && Arrays.equals(magic, "PAR1".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }
  }

  /** The value of a Parquet file's key-value metadata {@code key}, or null. */
  private static String metadata(Connection c, Path file, String key) throws SQLException {
    String sql = "SELECT decode(value) FROM parquet_kv_metadata(" + Sql.literal(file.toString()) + ") WHERE decode(key) = " + Sql.literal(key);
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
      return r.next() ? r.getString(1) : null;
    }
  }

  /** The target the dataset's {@code kiln.roles} metadata names, or null. */
  private static String rolesTarget(Connection c, Path file, String shown) throws SQLException, InvalidInput {
    String text = metadata(c, file, "kiln.roles");
    if (text == null) return null;
    try {
      JsonNode roles = new ObjectMapper().readTree(text);
      JsonNode target = roles.path("target");
      return target.isTextual() ? target.asText() : null;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new InvalidInput(shown + ": the Parquet metadata kiln.roles is not JSON: " + e.getOriginalMessage());
    }
  }

  private static InvalidInput unreadable(SQLException e, String shown, boolean parquet) {
    String msg = String.valueOf(e.getMessage());
    Matcher m = CSV_LINE.matcher(msg);
    String line = m.find() ? ":" + m.group(1) : "";
    String first = msg.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("CSV Error on Line") && !l.startsWith("Original Line")).findFirst().orElse(msg);
    first = first.replaceFirst("^(Invalid Input|Conversion|IO) Error: ", "");
    if (parquet) return new InvalidInput(shown + ": cannot read the Parquet file: " + first);
    return new InvalidInput(shown + line + ": cannot read the CSV file: " + first
        + "\n  hint: the first line must name the columns and every row hold as many fields; check delimiter: and missing:");
  }

  public Connection connection() {
    return connection;
  }

  public List<Column> columns() {
    return columns;
  }

  /** The target named by the dataset's {@code kiln.roles} Parquet metadata, or null. */
  public String rolesTarget() {
    return rolesTarget;
  }

  /** Which split of a dataset this is ({@code kiln.split} Parquet metadata), or null. */
  public String split() {
    return split;
  }

  public long rows() {
    return rows;
  }

  @Override
  public void close() throws SQLException {
    connection.close();
  }
}
