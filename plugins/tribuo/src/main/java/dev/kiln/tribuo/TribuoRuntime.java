package dev.kiln.tribuo;

import dev.kiln.api.InvalidInput;
import dev.kiln.api.ModelCard;
import dev.kiln.api.ModelRuntime;
import dev.kiln.tribuo.data.ColumnType;
import dev.kiln.tribuo.data.DatasetFile;
import dev.kiln.tribuo.data.Schema;
import dev.kiln.tribuo.data.Table;
import dev.kiln.tribuo.data.TableReader;
import dev.kiln.tribuo.data.Values;
import dev.kiln.tribuo.features.Transform;
import dev.kiln.tribuo.train.ModelBundle;
import dev.kiln.tribuo.train.OnnxExport;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Tribuo's model plane: serves Kiln model bundles (request rows become a table with the training
 * schema and go through {@link Scoring}, as tribuo/predict's rows do), scores Kiln datasets with
 * them as tribuo/evaluate does, reads datasets' columns for the gate's data check, and gives a
 * bundle's files and ONNX graph (where Tribuo has one) to kiln/export.
 */
final class TribuoRuntime implements ModelRuntime {
  private static final Set<String> MISSING = Set.copyOf(TableReader.defaultMissing());

  @Override
  public boolean loads(String mediaType) {
    return ModelBundle.MEDIA_TYPE.equals(mediaType);
  }

  @Override
  public ModelCard card(Path file, String shownName) throws IOException, InvalidInput {
    return ModelBundle.readCard(file, shownName);
  }

  /** Every column of a Kiln dataset but ids and ignored ones: numbers of numeric columns, strings of categorical ones. */
  @Override
  public Dataset dataset(Path file, String shownName) throws IOException, InvalidInput {
    Table t = DatasetFile.read(file, shownName);
    List<Column> columns = new ArrayList<>();
    for (Schema.Column c : t.schema().columns()) {
      if (c.type() == ColumnType.ID || c.type() == ColumnType.IGNORE) continue;
      Field f = new Field(c.name(), c.type().yamlName());
      columns.add(switch (c.type()) {
        case NUMERIC -> new Column(f, t.numeric(c.name()), null);
        case CATEGORICAL -> new Column(f, null, t.strings(c.name()));
        default -> new Column(f, null, null);
      });
    }
    return new Dataset(t.rows(), columns);
  }

  /** What kiln/export's README says of a bundle's files. */
  private static final Map<String, String> FILE_NOTES = Map.of(
      "model.tribuo", "the Tribuo model (protobuf; `Model.deserializeFromStream`).",
      "transform.json", "the feature transform fitted on the training data; raw rows go through it before the model.",
      "card.json", "the model card (training data, hyperparameters, metrics).");

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
    List<String> featureColumns = tf.featureColumns();
    return new Loaded() {
      @Override
      public List<Field> inputs() {
        return fields;
      }

      @Override
      public ModelCard card() {
        return bundle.card();
      }

      @Override
      public ModelRuntime.Evaluation evaluate(Path data, String shownData) throws IOException, InvalidInput {
        Table t = DatasetFile.read(data, shownData);
        dev.kiln.tribuo.eval.Evaluation.Result r = dev.kiln.tribuo.eval.Evaluation.evaluate(bundle.model(), tf, t, shownData);
        return new ModelRuntime.Evaluation(r.task().yamlName(), t.rows(), r.metrics(), r.correct(), r.actual(), r.predicted());
      }

      /** The bundle's entries as written, in zip order. */
      @Override
      public List<BundleFile> files() throws InvalidInput {
        List<BundleFile> out = new ArrayList<>();
        try {
          ModelBundle.entries(file, shownName).forEach((name, bytes) -> out.add(new BundleFile(name, bytes, FILE_NOTES.get(name))));
        } catch (IOException e) {
          throw new InvalidInput(shownName + ": cannot read the model bundle again: " + e.getMessage());
        }
        return out;
      }

      @Override
      public Map<String, Object> manifest() {
        if (tf.targetTransform() == null) return Map.of();
        return Map.of("target-transform", Map.of("kind", tf.targetTransform(), "center", tf.targetCenter(), "scale", tf.targetScale(),
            "note", "predictions of model.onnx are in the transformed scale: standard -> y * scale + center; log -> exp(y) - 1"));
      }

      @Override
      public OnnxGraph onnx() throws InvalidInput {
        java.util.Optional<OnnxExport> onnx;
        try {
          onnx = OnnxExport.of(bundle.model());
        } catch (RuntimeException e) {
          throw new Unsupported("Tribuo's ONNX export failed: " + e.getMessage(), null);
        }
        if (onnx.isEmpty()) throw new Unsupported(OnnxExport.unsupported(bundle.model()), null);
        Map<String, Object> how = new LinkedHashMap<>(onnx.get().describe("model.onnx"));
        how.remove("file"); // where it goes is the bundle writer's choice
        return new OnnxGraph(onnx.get().onnx(), how);
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
        Transform.Encoded enc = tf.apply(new Table(schema, data, n), "request");
        // a finite number can still overflow: in the feature transform ((x - mean) / sd) or in the model's arithmetic
        for (int r = 0; r < n; r++) {
          for (int i = 0; i < enc.value()[r].length; i++) {
            if (!Double.isFinite(enc.value()[r][i])) throw outOfRange(r, featureColumns.get(enc.index()[r][i]), data);
          }
        }
        List<Scoring.Scored> scored;
        try {
          scored = Scoring.score(bundle, enc, "request");
        } catch (Scoring.NoPrediction e) {
          throw overflows(e.row(), enc, data);
        }
        List<Map<String, Object>> out = new ArrayList<>(n);
        for (int r = 0; r < n; r++) {
          Scoring.Scored s = scored.get(r);
          if (!finite(s)) throw overflows(r, enc, data);
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("prediction", s.prediction());
          if (s.probabilities() != null) m.put("probabilities", s.probabilities());
          if (s.score() != null) m.put("score", s.score());
          out.add(m);
        }
        return out;
      }

      private InvalidRow outOfRange(int row, String column, Object[] data) {
        String problem = columnIndex(column) < 0 ? "derived feature " + derived(column) + " is not a finite number"
            : "field \"" + column + "\" is out of the model's range: " + value(row, column, data) + " overflows its feature transform";
        return new InvalidRow(row, column, problem, "send values near the range of the training data");
      }

      /** The model's arithmetic overflowed on a row: names the column whose feature is furthest from zero, the likely cause. */
      private InvalidRow overflows(int row, Transform.Encoded enc, Object[] data) {
        String problem = "the model cannot score this row: its arithmetic overflows";
        if (enc.value()[row].length == 0) return new InvalidRow(row, null, problem, "send values near the range of the training data");
        int worst = 0;
        for (int i = 1; i < enc.value()[row].length; i++) if (Math.abs(enc.value()[row][i]) > Math.abs(enc.value()[row][worst])) worst = i;
        String column = featureColumns.get(enc.index()[row][worst]);
        String what = columnIndex(column) < 0 ? "derived feature " + derived(column) : "field \"" + column + "\" (" + value(row, column, data) + ")";
        return new InvalidRow(row, column, problem + "; " + what + " is the furthest outside the training data", "send values near the range of the training data");
      }

      private String value(int row, String column, Object[] data) {
        Object v = data[columnIndex(column)];
        return v instanceof double[] d ? Values.format(d[row]) : "\"" + ((String[]) v)[row] + "\"";
      }

      private String derived(String column) {
        return "\"" + column + "\" (" + tf.derived().stream().filter(d -> d.name().equals(column)).map(Transform.Derived::expr).findFirst().orElse("") + ")";
      }

      /** The column of the request table, or -1 for a column the transform derives. */
      private int columnIndex(String column) {
        for (int c = 0; c < columns.size(); c++) if (columns.get(c).name().equals(column)) return c;
        return -1;
      }
    };
  }

  private static boolean finite(Scoring.Scored s) {
    if (s.prediction() instanceof Double d && !Double.isFinite(d)) return false;
    if (s.score() != null && !Double.isFinite(s.score())) return false;
    return s.probabilities() == null || s.probabilities().values().stream().allMatch(Double::isFinite);
  }

  private static double number(Map<String, Object> row, int r, String field, boolean required, boolean strings) throws InvalidInput {
    if (!row.containsKey(field)) {
      if (required) throw missing(r, field, "numeric");
      return Double.NaN;
    }
    Object v = row.get(field);
    if (v == null) return Double.NaN;
    if (v instanceof Number num) return finite(num.doubleValue(), r, field, Double.toString(num.doubleValue()));
    if (v instanceof String s && strings) {
      if (MISSING.contains(s.trim())) return Double.NaN;
      double d;
      try {
        d = Double.parseDouble(s.trim());
      } catch (NumberFormatException e) {
        throw wrongType(r, field, "a number", "\"" + s + "\"");
      }
      return finite(d, r, field, "\"" + s + "\"");
    }
    throw wrongType(r, field, "a number", v instanceof String s ? "the string \"" + s + "\"" : describe(v));
  }

  private static double finite(double d, int r, String field, String found) throws InvalidRow {
    if (Double.isFinite(d)) return d;
    throw new InvalidRow(r, field, "field \"" + field + "\" must be a finite number, found " + found,
        "numbers must be finite: a JSON number beyond ±1.7976931348623157E308 (e.g. 1e400) reads as infinite; send null for a missing value");
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
