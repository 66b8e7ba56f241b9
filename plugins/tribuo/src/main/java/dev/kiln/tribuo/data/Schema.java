package dev.kiln.tribuo.data;

import java.util.ArrayList;
import java.util.List;

/**
 * The columns of a dataset and what they are for. Written into every dataset artifact, the fitted
 * transform and the model bundle, so every later step reads data exactly as ingest did.
 *
 * @param columns every column, in file order
 * @param target the column to learn, or null (clustering without labels)
 * @param task what the target is for
 * @param positive the positive class (anomalous value for anomaly detection), or null
 */
public record Schema(List<Column> columns, String target, Task task, String positive) {
  /** One column. */
  public record Column(String name, ColumnType type) {}

  public Schema {
    columns = List.copyOf(columns);
  }

  public int index(String name) {
    for (int i = 0; i < columns.size(); i++) if (columns.get(i).name().equals(name)) return i;
    return -1;
  }

  public List<String> names() {
    List<String> out = new ArrayList<>();
    for (Column c : columns) out.add(c.name());
    return out;
  }

  /** The columns a model takes from a row: all but the target, ID and ignored ones, in file order. */
  public List<Column> inputs() {
    List<Column> out = new ArrayList<>();
    for (Column c : columns) if (!c.name().equals(target) && c.type() != ColumnType.ID && c.type() != ColumnType.IGNORE) out.add(c);
    return out;
  }

  public ColumnType type(String name) {
    int i = index(name);
    return i < 0 ? null : columns.get(i).type();
  }
}
