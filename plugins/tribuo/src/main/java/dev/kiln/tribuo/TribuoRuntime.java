package dev.kiln.tribuo;

import dev.kiln.api.InvalidInput;
import dev.kiln.api.ModelRuntime;
import dev.kiln.tribuo.data.ColumnType;
import dev.kiln.tribuo.data.Schema;
import dev.kiln.tribuo.data.Table;
import dev.kiln.tribuo.data.TableReader;
import dev.kiln.tribuo.data.Values;
import dev.kiln.tribuo.features.Transform;
import dev.kiln.tribuo.train.ModelBundle;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Serves Kiln model bundles: request rows become a table with the training schema and go through {@link Scoring}, as tribuo/predict's rows do. */
final class TribuoRuntime implements ModelRuntime {
  private static final Set<String> MISSING = Set.copyOf(TableReader.defaultMissing());

  @Override
  public boolean loads(String mediaType) {
    return ModelBundle.MEDIA_TYPE.equals(mediaType);
  }

  @Override
  public Loaded load(Path file, String shownName) throws IOException, InvalidInput {
    ModelBundle bundle = ModelBundle.read(file, shownName);
    Transform tf = bundle.transform();
    List<Schema.Column> columns = new ArrayList<>(); // every column but the target: the table the transform reads
    for (Schema.Column c : tf.input().columns()) if (!c.name().equals(tf.input().target())) columns.add(c);
    List<Schema.Column> wanted = tf.input().inputs(); // what a request row must have
    boolean[] required = new boolean[columns.size()];
    for (int c = 0; c < required.length; c++) required[c] = wanted.contains(columns.get(c));
    Schema schema = new Schema(columns, null, tf.input().task(), null);
    List<Field> fields = wanted.stream().map(c -> new Field(c.name(), c.type().yamlName())).toList();
    return new Loaded() {
      @Override
      public List<Field> inputs() {
        return fields;
      }

      @Override
      public Map<String, Object> card() {
        return bundle.card();
      }

      @Override
      public List<Map<String, Object>> predict(List<Map<String, Object>> rows, boolean strings) throws InvalidInput {
        int n = rows.size();
        Object[] data = new Object[columns.size()];
        for (int c = 0; c < columns.size(); c++) {
          Schema.Column col = columns.get(c);
          if (col.type() == ColumnType.NUMERIC) {
            double[] v = new double[n];
            for (int r = 0; r < n; r++) v[r] = number(rows.get(r), r, col.name(), required[c], strings);
            data[c] = v;
          } else {
            String[] v = new String[n];
            for (int r = 0; r < n; r++) v[r] = text(rows.get(r), r, col.name(), required[c], col.type());
            data[c] = v;
          }
        }
        List<Map<String, Object>> out = new ArrayList<>(n);
        for (Scoring.Scored s : Scoring.score(bundle, new Table(schema, data, n), "request")) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("prediction", s.prediction());
          if (s.probabilities() != null) m.put("probabilities", s.probabilities());
          if (s.score() != null) m.put("score", s.score());
          out.add(m);
        }
        return out;
      }
    };
  }

  private static double number(Map<String, Object> row, int r, String field, boolean required, boolean strings) throws InvalidInput {
    if (!row.containsKey(field)) {
      if (required) throw missing(r, field, "numeric");
      return Double.NaN;
    }
    Object v = row.get(field);
    if (v == null) return Double.NaN;
    if (v instanceof Number num) return num.doubleValue();
    if (v instanceof String s && strings) {
      if (MISSING.contains(s.trim())) return Double.NaN;
      try {
        return Double.parseDouble(s.trim());
      } catch (NumberFormatException e) {
        throw wrongType(r, field, "a number", "\"" + s + "\"");
      }
    }
    throw wrongType(r, field, "a number", v instanceof String s ? "the string \"" + s + "\"" : describe(v));
  }

  private static String text(Map<String, Object> row, int r, String field, boolean required, ColumnType type) throws InvalidInput {
    if (!row.containsKey(field)) {
      if (required) throw missing(r, field, type.yamlName());
      return null;
    }
    Object v = row.get(field);
    if (v == null) return null;
    if (v instanceof String s) return MISSING.contains(s.trim()) ? null : s;
    if (v instanceof Number num) return Values.format(num.doubleValue());
    if (v instanceof Boolean b) return b.toString();
    throw wrongType(r, field, "a string (" + type.yamlName() + ")", describe(v));
  }

  private static String describe(Object v) {
    return v instanceof Map<?, ?> ? "an object" : v instanceof List<?> ? "a list" : v instanceof Boolean ? "a boolean" : String.valueOf(v);
  }

  private static InvalidRow missing(int row, String field, String type) {
    return new InvalidRow(row, field, "missing field \"" + field + "\" (" + type + ")", "send every input field of the model (GET /v1/models lists them); null means a missing value");
  }

  private static InvalidRow wrongType(int row, String field, String expected, String found) {
    return new InvalidRow(row, field, "field \"" + field + "\" must be " + expected + ", found " + found, null);
  }
}
