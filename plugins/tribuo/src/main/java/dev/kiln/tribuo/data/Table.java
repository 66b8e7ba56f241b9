package dev.kiln.tribuo.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Data in memory, column by column: {@code double[]} for numeric columns (NaN when missing) and
 * {@code String[]} for the others (null when missing).
 */
public final class Table {
  private final Schema schema;
  private final Object[] columns;
  private final int rows;

  public Table(Schema schema, Object[] columns, int rows) {
    this.schema = schema;
    this.columns = columns;
    this.rows = rows;
  }

  public Schema schema() {
    return schema;
  }

  public int rows() {
    return rows;
  }

  public int width() {
    return columns.length;
  }

  public Object column(int i) {
    return columns[i];
  }

  public Object column(String name) {
    int i = schema.index(name);
    return i < 0 ? null : columns[i];
  }

  public double[] numeric(String name) {
    return (double[]) column(name);
  }

  public String[] strings(String name) {
    return (String[]) column(name);
  }

  /** The target column as strings (labels), whatever its storage. */
  public String[] targetStrings() {
    Object c = column(schema.target());
    if (c instanceof String[] s) return s;
    double[] d = (double[]) c;
    String[] out = new String[d.length];
    for (int i = 0; i < d.length; i++) out[i] = Double.isNaN(d[i]) ? null : Values.format(d[i]);
    return out;
  }

  /** The rows at {@code idx}, in that order. */
  public Table select(int[] idx) {
    Object[] out = new Object[columns.length];
    for (int c = 0; c < columns.length; c++) {
      if (columns[c] instanceof double[] d) {
        double[] n = new double[idx.length];
        for (int i = 0; i < idx.length; i++) n[i] = d[idx[i]];
        out[c] = n;
      } else {
        String[] s = (String[]) columns[c];
        String[] n = new String[idx.length];
        for (int i = 0; i < idx.length; i++) n[i] = s[idx[i]];
        out[c] = n;
      }
    }
    return new Table(schema, out, idx.length);
  }

  /** A copy with one more (or a replaced) column. */
  public Table with(String name, ColumnType type, Object column) {
    List<Schema.Column> cols = new ArrayList<>(schema.columns());
    Object[] out = Arrays.copyOf(columns, columns.length + 1);
    int i = schema.index(name);
    if (i >= 0) {
      cols.set(i, new Schema.Column(name, type));
      out = Arrays.copyOf(columns, columns.length);
      out[i] = column;
    } else {
      cols.add(new Schema.Column(name, type));
      out[columns.length] = column;
    }
    return new Table(new Schema(cols, schema.target(), schema.task(), schema.positive()), out, rows);
  }

  /** The same data described by another schema of the same columns (e.g. a different target). */
  public Table withSchema(Schema s) {
    return new Table(s, columns, rows);
  }
}
