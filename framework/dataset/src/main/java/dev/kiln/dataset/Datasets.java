package dev.kiln.dataset;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.api.Artifact;
import dev.kiln.api.StepContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Kiln datasets are Parquet files written by DuckDB, with the column roles in the file's key-value
 * metadata so that any tool (pandas, polars, Spark, DuckDB) reads them and Kiln reads the roles back:
 *
 * <ul>
 *   <li>{@code kiln.version} = {@code 1}
 *   <li>{@code kiln.roles} = JSON {@code {"target": ..., "id": ..., "weight": ..., "text": [...], "time": ...}}
 *       (absent roles are null, text is a list)
 *   <li>{@code kiln.split} = {@code train | valid | test | all}
 * </ul>
 *
 * <p>The bytes are a function of the rows and their order only: compression, row group size and
 * the writer's options are fixed here, and DuckDB's parquet writer (insertion order preserved)
 * produces the same file whatever its thread count. Callers give the rows a deterministic order.
 *
 * <p>Usage from a step: {@code try (Connection c = Datasets.connect()) { Datasets.view(c, "orders",
 * path); Datasets.write(c, "SELECT * FROM orders", roles, "all", out); }}
 */
public final class Datasets {
  /** The media type of a dataset artifact. */
  public static final String MEDIA_TYPE = "application/vnd.apache.parquet";

  /** The metadata format version written in {@code kiln.version}. */
  public static final String VERSION = "1";

  static final int ROW_GROUP_SIZE = 122_880;
  private static final ObjectMapper JSON = new ObjectMapper();

  private Datasets() {}

  /**
   * The roles columns play. {@code text} lists the free-text columns; every other role names at most
   * one column.
   */
  public record Roles(String target, String id, String weight, List<String> text, String time) {
    public static final Roles NONE = new Roles(null, null, null, List.of(), null);

    public Roles {
      text = text == null ? List.of() : List.copyOf(text);
    }

    /** These roles without the columns not in {@code columns} (after a SQL query dropped some). */
    public Roles keep(List<String> columns) {
      return new Roles(
          columns.contains(target) ? target : null,
          columns.contains(id) ? id : null,
          columns.contains(weight) ? weight : null,
          text.stream().filter(columns::contains).toList(),
          columns.contains(time) ? time : null);
    }

    String json() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("target", target);
      m.put("id", id);
      m.put("weight", weight);
      m.put("text", text);
      m.put("time", time);
      try {
        return JSON.writeValueAsString(m);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @SuppressWarnings("unchecked")
    static Roles parse(String json) throws IOException {
      Map<String, Object> m = JSON.readValue(json, Map.class);
      return new Roles((String) m.get("target"), (String) m.get("id"), (String) m.get("weight"), (List<String>) m.get("text"), (String) m.get("time"));
    }
  }

  /** What a dataset file says about itself: its roles and which split it is (null when not a Kiln dataset). */
  public record Meta(Roles roles, String split) {}

  /** A fresh in-memory DuckDB. Close it when done; nothing is shared between connections. */
  public static Connection connect() throws SQLException {
    return connect(0);
  }

  /** A fresh in-memory DuckDB limited to {@code threads} threads (0: DuckDB's default, one per core). */
  public static Connection connect(int threads) throws SQLException {
    Properties p = new Properties();
    if (threads > 0) p.setProperty("threads", Integer.toString(threads));
    Connection c = DriverManager.getConnection("jdbc:duckdb:", p);
    exec(c, "SET preserve_insertion_order = true");
    return c;
  }

  /** Registers the Parquet file as a view named {@code name}, to be used in SQL. */
  public static void view(Connection c, String name, Path parquet) throws SQLException {
    exec(c, "CREATE OR REPLACE VIEW " + ident(name) + " AS SELECT * FROM read_parquet(" + literal(parquet.toString()) + ")");
  }

  /**
   * Writes the rows of {@code select} as a dataset file: Parquet, zstd, fixed row groups, roles and
   * split in the metadata. The rows are written in the order {@code select} gives them; make it
   * deterministic (an ORDER BY, or a single ordered source).
   */
  public static void write(Connection c, String select, Roles roles, String split, Path out) throws SQLException {
    write(c, select, roles, split, Map.of(), out);
  }

  /** As {@link #write(Connection, String, Roles, String, Path)}, with further key-value metadata after Kiln's keys (in the map's order). */
  public static void write(Connection c, String select, Roles roles, String split, Map<String, String> extra, Path out) throws SQLException {
    StringBuilder kv = new StringBuilder("'kiln.version': " + literal(VERSION) + ", 'kiln.roles': " + literal(roles.json()) + ", 'kiln.split': " + literal(split));
    for (var e : extra.entrySet()) kv.append(", ").append(literal(e.getKey())).append(": ").append(literal(e.getValue()));
    exec(c, "COPY (" + select + ") TO " + literal(out.toString()) + " (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE " + ROW_GROUP_SIZE + ", KV_METADATA {" + kv + "})");
  }

  /** Writes {@code select} as a dataset file and stores it as an artifact. */
  public static Artifact store(StepContext ctx, Connection c, String select, Roles roles, String split, String fileName) throws SQLException, IOException {
    return store(ctx, c, select, roles, split, Map.of(), fileName);
  }

  /** Writes {@code select} as a dataset file with further key-value metadata and stores it as an artifact. */
  public static Artifact store(StepContext ctx, Connection c, String select, Roles roles, String split, Map<String, String> extra, String fileName) throws SQLException, IOException {
    Path f = ctx.scratchDir().resolve(fileName);
    write(c, select, roles, split, extra, f);
    return ctx.storeArtifact(f, MEDIA_TYPE);
  }

  /** The roles and split a Parquet file's metadata records; {@link Roles#NONE} and null for a file Kiln did not write. */
  public static Meta meta(Connection c, Path parquet) throws SQLException, IOException {
    String roles = null;
    String split = null;
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT decode(key), decode(value) FROM parquet_kv_metadata(" + literal(parquet.toString()) + ")")) {
      while (r.next()) {
        if ("kiln.roles".equals(r.getString(1))) roles = r.getString(2);
        if ("kiln.split".equals(r.getString(1))) split = r.getString(2);
      }
    }
    return new Meta(roles == null ? Roles.NONE : Roles.parse(roles), split);
  }

  /** The column names of a relation (a table, view or parenthesised query), in order. */
  public static List<String> columns(Connection c, String relation) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("DESCRIBE " + relation)) {
      while (r.next()) out.add(r.getString(1));
    }
    return out;
  }

  /** The first column of the first row of {@code sql}'s result as a long. */
  public static long count(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    }
  }

  /** Runs a statement (a fresh JDBC statement each time: DuckDB closes one after an error). */
  public static void exec(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  /** {@code name} quoted as a SQL identifier. */
  public static String ident(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }

  /** {@code s} quoted as a SQL string literal. */
  public static String literal(String s) {
    return "'" + s.replace("'", "''") + "'";
  }
}
