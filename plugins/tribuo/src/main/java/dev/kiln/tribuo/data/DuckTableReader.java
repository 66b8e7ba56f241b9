package dev.kiln.tribuo.data;

import dev.kiln.api.InvalidInput;
import dev.kiln.dataset.Datasets;
import dev.kiln.dataset.Ingest;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a CSV / TSV, JSON-lines or Parquet file into a {@link Table} through the data plugin's
 * reader ({@link Ingest}: embedded DuckDB, bad input as {@code file:line:col}), then types the
 * columns as the Tribuo steps always have: numbers are numeric, a unique column named like an id is
 * an id, long free text with spaces is text, the rest categorical — judged on the first {@value
 * TableReader#SAMPLE} rows, overridable by {@code columns:}.
 */
public final class DuckTableReader {
  private DuckTableReader() {}

  public static Table read(Path path, String shown, TableReader.Options o) throws IOException, InvalidInput {
    String format = o.format() != null ? o.format() : Ingest.formatOf(shown);
    Map<String, String> declared = new LinkedHashMap<>();
    o.types().forEach((n, t) -> declared.put(n, t == ColumnType.NUMERIC ? "DOUBLE" : "VARCHAR"));
    if (o.target() != null && o.task() != null && !o.types().containsKey(o.target())) declared.put(o.target(), o.task() == Task.REGRESSION ? "DOUBLE" : "VARCHAR");
    var options = new Ingest.Options(format, Character.toString(o.delimiter()), Character.toString(o.quote()), o.header(), new ArrayList<>(o.missing()), declared);
    try (Connection c = Datasets.connect()) {
      Ingest.Loaded l = Ingest.load(c, path, shown, options);
      List<String> names = l.names();
      for (String name : o.types().keySet()) {
        if (!o.lenientTypes() && !names.contains(name)) {
          throw new InvalidInput(shown + ": columns: names \"" + name + "\", which is not a column of the file" + TableReader.hint(name, names.toArray(new String[0])));
        }
      }
      if (o.target() != null && !names.contains(o.target())) {
        throw new InvalidInput(shown + ": the target column \"" + o.target() + "\" is not in the file" + TableReader.hint(o.target(), names.toArray(new String[0])));
      }
      ColumnType[] types = infer(c, l, o);
      Task task = o.task();
      if (task == null) task = o.target() == null ? Task.CLUSTERING : types[names.indexOf(o.target())] == ColumnType.NUMERIC ? Task.REGRESSION : Task.CLASSIFICATION;
      String where = Ingest.target(c, l, o.target(), o.dropMissingTarget());
      List<String> numeric = new ArrayList<>();
      for (int i = 0; i < types.length; i++) if (types[i] == ColumnType.NUMERIC) numeric.add(names.get(i));
      Ingest.checkFinite(c, l, numeric, where);
      List<Schema.Column> cols = new ArrayList<>();
      for (int i = 0; i < types.length; i++) cols.add(new Schema.Column(names.get(i), types[i]));
      return load(c, l, new Schema(cols, o.target(), task, o.positive()), where);
    } catch (SQLException e) {
      throw new InvalidInput(shown + ": cannot be read: " + Ingest.firstLine(e.getMessage()));
    }
  }

  /** Each column's type: the override, else inferred from the first rows as {@link TableReader} did. */
  private static ColumnType[] infer(Connection c, Ingest.Loaded l, TableReader.Options o) throws SQLException {
    List<String> names = l.names();
    ColumnType[] out = new ColumnType[names.size()];
    List<String> agg = new ArrayList<>();
    for (String n : names) {
      String q = Datasets.ident(n);
      boolean num = l.numeric(n);
      agg.add("count(" + q + ")");
      agg.add("count(DISTINCT " + q + ")");
      agg.add(num ? "0" : "coalesce(sum(length(" + q + ")), 0)");
      agg.add(num ? "false" : "coalesce(bool_or(contains(" + q + ", ' ')), false)");
    }
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT " + String.join(", ", agg) + " FROM (SELECT * FROM raw LIMIT " + TableReader.SAMPLE + ")")) {
      r.next();
      for (int i = 0; i < names.size(); i++) {
        String n = names.get(i);
        long present = r.getLong(4 * i + 1);
        long distinct = r.getLong(4 * i + 2);
        long length = r.getLong(4 * i + 3);
        boolean spaces = r.getBoolean(4 * i + 4);
        ColumnType given = o.types().get(n);
        ColumnType t;
        if (given != null) t = given;
        else if (present == 0) t = ColumnType.CATEGORICAL;
        else if (TableReader.ID_NAME.matcher(n).matches() && distinct == present) t = ColumnType.ID;
        else if (l.numeric(n)) t = ColumnType.NUMERIC;
        else if (spaces && (double) length / present > 20 && distinct > present / 2) t = ColumnType.TEXT;
        else t = ColumnType.CATEGORICAL;
        if (n.equals(o.target()) && given == null && o.task() != null) t = o.task() == Task.REGRESSION ? ColumnType.NUMERIC : ColumnType.CATEGORICAL;
        else if (n.equals(o.target()) && t != ColumnType.NUMERIC) t = ColumnType.CATEGORICAL; // a text-looking label is still a class
        out[i] = t;
      }
    }
    return out;
  }

  /** The rows of raw (those {@code where} keeps) as columns: numeric as doubles, the rest as text (numbers written as {@link Values#format}). */
  private static Table load(Connection c, Ingest.Loaded l, Schema schema, String where) throws SQLException, IOException {
    boolean[] fromNumber = new boolean[schema.columns().size()];
    for (int i = 0; i < fromNumber.length; i++) {
      Schema.Column col = schema.columns().get(i);
      fromNumber[i] = col.type() != ColumnType.NUMERIC && l.numeric(col.name());
    }
    return columns(c, "raw" + where, schema, fromNumber, l.shown());
  }

  /**
   * The rows of {@code relation} (a table, or a table and its WHERE clause) as a {@link Table} of
   * {@code schema}: numeric columns as doubles (NaN when missing), the others as text (null when
   * missing; categories interned), a column marked in {@code fromNumber} read as a number and
   * written as {@link Values#format}.
   */
  static Table columns(Connection c, String relation, Schema schema, boolean[] fromNumber, String shown) throws SQLException, IOException {
    int rows = Math.toIntExact(Datasets.count(c, "SELECT count(*) FROM " + relation));
    int width = schema.columns().size();
    Object[] cols = new Object[width];
    @SuppressWarnings("unchecked")
    Map<String, String>[] intern = new Map[width];
    List<String> select = new ArrayList<>();
    for (int i = 0; i < width; i++) {
      Schema.Column col = schema.columns().get(i);
      boolean numeric = col.type() == ColumnType.NUMERIC;
      select.add("CAST(" + Datasets.ident(col.name()) + " AS " + (numeric || fromNumber[i] ? "DOUBLE" : "VARCHAR") + ")");
      cols[i] = numeric ? new double[rows] : new String[rows];
      if (col.type() == ColumnType.CATEGORICAL) intern[i] = new HashMap<>();
    }
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT " + String.join(", ", select) + " FROM " + relation)) {
      int row = 0;
      while (r.next()) {
        if (row == rows) throw new IOException(shown + ": more rows than the " + rows + " counted");
        for (int i = 0; i < width; i++) {
          if (cols[i] instanceof double[] d) {
            double v = r.getDouble(i + 1);
            d[row] = r.wasNull() ? Double.NaN : v;
          } else {
            String v;
            if (fromNumber[i]) {
              double x = r.getDouble(i + 1);
              v = r.wasNull() ? null : Values.format(x);
            } else {
              v = r.getString(i + 1);
            }
            if (v != null && intern[i] != null) {
              String prev = intern[i].putIfAbsent(v, v);
              if (prev != null) v = prev;
            }
            ((String[]) cols[i])[row] = v;
          }
        }
        row++;
      }
      if (row != rows) throw new IOException(shown + ": read " + row + " rows, the file says " + rows);
    }
    return new Table(schema, cols, rows);
  }
}
