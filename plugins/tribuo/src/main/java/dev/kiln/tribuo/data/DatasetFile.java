package dev.kiln.tribuo.data;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.csv.CsvGenerator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.kiln.api.InvalidInput;
import dev.kiln.dataset.Datasets;
import dev.kiln.dataset.Ingest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * The dataset artifact: a Parquet file in the data plugin's format ({@link Datasets}: column roles
 * and split in the key-value metadata), plus {@code kiln.schema}, the Tribuo steps' {@link Schema}
 * (column types, target, task, positive class) as JSON, so every later step reads the data exactly
 * as ingest typed it. Numeric columns are DOUBLE, the others VARCHAR; missing values are NULL.
 *
 * <p>Any Parquet reader opens it (pandas, polars, Spark, DuckDB). Any Parquet file is also read:
 * one without {@code kiln.schema} (e.g. from {@code data/ingest} or {@code data/sql}) is typed from
 * its column types and the roles in its metadata. Files written by earlier versions (CSV whose first
 * line is {@code #kiln-dataset <schema JSON>}) are still read.
 *
 * <p>The bytes are a function of the rows, their order and the schema (see {@link Datasets#write}).
 */
public final class DatasetFile {
  public static final String MEDIA_TYPE = Datasets.MEDIA_TYPE;
  /** The key of the schema in the Parquet key-value metadata. */
  public static final String SCHEMA_KEY = "kiln.schema";
  private static final String MAGIC = "#kiln-dataset ";
  private static final byte[] PARQUET_MAGIC = {'P', 'A', 'R', '1'};
  static final ObjectMapper JSON = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
  private static final CsvMapper CSV = new CsvMapper();

  private DatasetFile() {}

  /** Whether {@code file} is a dataset: a Parquet file, or a dataset CSV of an earlier version. */
  public static boolean isDataset(Path file) throws IOException {
    if (isParquet(file)) return true;
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String first = in.readLine();
      return first != null && first.startsWith(MAGIC);
    } catch (java.nio.charset.MalformedInputException e) {
      return false;
    }
  }

  static boolean isParquet(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return Arrays.equals(in.readNBytes(4), PARQUET_MAGIC);
    }
  }

  /** Writes the table as a Parquet dataset; {@code split} is recorded in {@code kiln.split} (train, valid, test or all). */
  public static void write(Table t, String split, Path out) throws IOException {
    try (Connection c = Datasets.connect()) {
      List<String> cols = new ArrayList<>();
      for (Schema.Column col : t.schema().columns()) {
        cols.add(Datasets.ident(col.name()) + (col.type() == ColumnType.NUMERIC ? " DOUBLE" : " VARCHAR"));
      }
      Datasets.exec(c, "CREATE TABLE t (" + String.join(", ", cols) + ")");
      int width = t.width();
      Object[] columns = new Object[width];
      for (int i = 0; i < width; i++) columns[i] = t.column(i);
      try (DuckDBAppender a = c.unwrap(DuckDBConnection.class).createAppender(DuckDBConnection.DEFAULT_SCHEMA, "t")) {
        for (int r = 0; r < t.rows(); r++) {
          a.beginRow();
          for (int i = 0; i < width; i++) {
            if (columns[i] instanceof double[] d) {
              if (Double.isNaN(d[r])) a.appendNull();
              else a.append(d[r]);
            } else {
              String s = ((String[]) columns[i])[r];
              if (s == null) a.appendNull();
              else a.append(s);
            }
          }
          a.endRow();
        }
      }
      Datasets.write(c, "SELECT * FROM t", roles(t.schema()), split, Map.of(SCHEMA_KEY, JSON.writeValueAsString(t.schema())), out);
    } catch (SQLException e) {
      throw new IOException("cannot write the dataset " + out.getFileName() + ": " + e.getMessage(), e);
    }
  }

  /** The data plugin's roles for a schema: the target, the first ID column, the text columns. */
  static Datasets.Roles roles(Schema s) {
    String id = null;
    List<String> text = new ArrayList<>();
    for (Schema.Column c : s.columns()) {
      if (c.type() == ColumnType.ID && id == null) id = c.name();
      if (c.type() == ColumnType.TEXT) text.add(c.name());
    }
    return new Datasets.Roles(s.target(), id, null, text, null);
  }

  /** Plain CSV (header + rows) of the table, no schema line. */
  public static void writeCsv(Table t, Writer w) throws IOException {
    CsvSchema schema = CsvSchema.emptySchema().withoutHeader().withLineSeparator("\n");
    try (CsvGenerator g = CSV.getFactory().createGenerator(w)) {
      g.setSchema(schema);
      g.disable(com.fasterxml.jackson.core.JsonGenerator.Feature.AUTO_CLOSE_TARGET);
      g.writeStartArray();
      for (Schema.Column c : t.schema().columns()) g.writeString(c.name());
      g.writeEndArray();
      int width = t.width();
      for (int r = 0; r < t.rows(); r++) {
        g.writeStartArray();
        for (int c = 0; c < width; c++) {
          Object col = t.column(c);
          if (col instanceof double[] d) g.writeString(Values.format(d[r]));
          else {
            String s = ((String[]) col)[r];
            g.writeString(s == null ? "" : s);
          }
        }
        g.writeEndArray();
      }
    }
  }

  public static Table read(Path file, String shownName) throws IOException, InvalidInput {
    if (isParquet(file)) return readParquet(file, shownName);
    Schema schema;
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String first = in.readLine();
      if (first == null || !first.startsWith(MAGIC)) {
        throw new InvalidInput(shownName + ": not a Kiln dataset (not a Parquet file)\n  hint: pass an output of tribuo/ingest or data/ingest (e.g. ${{ steps.ingest.outputs.train }})");
      }
      schema = JSON.readValue(first.substring(MAGIC.length()), Schema.class);
      try (Rows rows = Rows.csv(shownName, in, ',', '"', 2)) {
        String[] header = rows.next();
        if (header == null || header.length != schema.columns().size()) throw new InvalidInput(shownName + ": the header does not match the dataset's schema");
        TableReader.Builder b = new TableReader.Builder(schema, Set.of(""), shownName, header, false);
        String[] r;
        while ((r = rows.next()) != null) {
          if (r.length != header.length) throw new InvalidInput(shownName + ":" + rows.line() + ": ragged row in a dataset artifact");
          b.add(r, rows.line());
        }
        return b.build();
      }
    } catch (java.nio.charset.MalformedInputException e) {
      throw new InvalidInput(shownName + ": not a Kiln dataset (neither Parquet nor text)\n  hint: pass an output of tribuo/ingest or data/ingest (e.g. ${{ steps.ingest.outputs.train }})");
    }
  }

  private static Table readParquet(Path file, String shown) throws IOException, InvalidInput {
    String source = "read_parquet(" + Datasets.literal(file.toString()) + ")";
    try (Connection c = Datasets.connect()) {
      Map<String, String> kv = new HashMap<>();
      try (Statement s = c.createStatement();
          ResultSet r = s.executeQuery("SELECT decode(key), decode(value) FROM parquet_kv_metadata(" + Datasets.literal(file.toString()) + ")")) {
        while (r.next()) kv.put(r.getString(1), r.getString(2));
      }
      Map<String, String> duckTypes = new LinkedHashMap<>();
      try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("DESCRIBE SELECT * FROM " + source)) {
        while (r.next()) duckTypes.put(r.getString(1), r.getString(2));
      }
      Schema schema = kv.containsKey(SCHEMA_KEY) ? JSON.readValue(kv.get(SCHEMA_KEY), Schema.class) : inferSchema(shown, duckTypes, kv.get("kiln.roles"));
      if (!schema.names().equals(new ArrayList<>(duckTypes.keySet()))) {
        throw new InvalidInput(shown + ": the columns of the file (" + String.join(", ", duckTypes.keySet()) + ") are not those of its kiln.schema (" + String.join(", ", schema.names()) + ")"
            + "\n  hint: a tool rewrote the file without its metadata; ingest it again with data/ingest");
      }
      return DuckTableReader.columns(c, source, schema, new boolean[schema.columns().size()], shown);
    } catch (SQLException e) {
      throw new InvalidInput(shown + ": cannot be read as a Parquet dataset: " + Ingest.firstLine(e.getMessage()) + "\n  hint: pass an output of tribuo/ingest or data/ingest");
    }
  }

  /**
   * The schema of a Parquet file Kiln's Tribuo steps did not write: numeric DuckDB types are numeric
   * columns, the roles name the target, the id and the text columns, the rest are categorical. The
   * task is regression for a numeric target, classification for another, clustering without one.
   */
  @SuppressWarnings("unchecked")
  static Schema inferSchema(String shown, Map<String, String> duckTypes, String rolesJson) throws IOException {
    Map<String, Object> roles = rolesJson == null ? Map.of() : JSON.readValue(rolesJson, Map.class);
    String target = (String) roles.get("target");
    String id = (String) roles.get("id");
    List<String> text = roles.get("text") == null ? List.of() : (List<String>) roles.get("text");
    List<Schema.Column> cols = new ArrayList<>();
    Task task = Task.CLUSTERING;
    for (var e : duckTypes.entrySet()) {
      String n = e.getKey();
      boolean numeric = Ingest.isNumericType(e.getValue());
      ColumnType type = n.equals(id) ? ColumnType.ID : text.contains(n) ? ColumnType.TEXT : numeric ? ColumnType.NUMERIC : ColumnType.CATEGORICAL;
      if (n.equals(target)) {
        type = numeric ? ColumnType.NUMERIC : ColumnType.CATEGORICAL;
        task = numeric ? Task.REGRESSION : Task.CLASSIFICATION;
      }
      cols.add(new Schema.Column(n, type));
    }
    return new Schema(cols, target, task, null);
  }

  public static ObjectMapper json() {
    return JSON;
  }
}
