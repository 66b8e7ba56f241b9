package dev.kiln.api;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The model plane: loads a framework's model artifacts so that everything after training works on
 * them without knowing the framework. {@code kiln serve} predicts with a {@link Loaded} model; the
 * gate ({@code kiln/validate}) scores it on a holdout and reads its training data; {@code
 * kiln/register} reads its {@link ModelCard}; {@code kiln/export} writes its files (and its ONNX
 * graph, where the runtime has one) into a deployment bundle. A plugin whose steps produce models
 * registers one with {@link KilnPlugin#modelRuntime}; steps reach the registered runtimes through
 * {@link StepContext#modelRuntimes()}. Predictions must equal what the plugin's batch prediction
 * step gives on the same rows.
 *
 * <p>What a runtime cannot do it says with {@link Unsupported}: e.g. a runtime that cannot export
 * ONNX throws it from {@link Loaded#onnx()}, and a gate asking for that fails with its message.
 */
public interface ModelRuntime {

  /** Whether this runtime loads artifacts of this media type. */
  boolean loads(String mediaType);

  Loaded load(Path file, String shownName) throws IOException, InvalidInput;

  /** Only the card of a model artifact; a runtime whose format allows it reads it without loading the model. */
  default ModelCard card(Path file, String shownName) throws IOException, InvalidInput {
    return load(file, shownName).card();
  }

  /**
   * The input columns of a dataset artifact in the format this runtime's models train on (e.g. the
   * training data a card names), for the gate's data check. Columns the model never reads (ids,
   * ignored columns) are left out; the target is included.
   *
   * @throws Unsupported when this runtime cannot read datasets
   */
  default Dataset dataset(Path file, String shownName) throws IOException, InvalidInput {
    throw new Unsupported(shownName + ": this model runtime (" + named(this) + ") cannot read datasets",
        "the data check needs the runtime of the model's framework to read its training data; drop data-check: for this model");
  }

  /** A class's simple name, or its full name when it has none (an anonymous class). */
  private static String named(Object o) {
    String s = o.getClass().getSimpleName();
    return s.isEmpty() ? o.getClass().getName() : s;
  }

  /**
   * An input field of a model.
   *
   * @param type {@code numeric}, {@code categorical} or {@code text}
   */
  record Field(String name, String type) {}

  /**
   * A column of a dataset.
   *
   * @param numbers the values of a numeric column (NaN where missing), else null
   * @param strings the values of a categorical column (null where missing), else null
   */
  record Column(Field field, double[] numbers, String[] strings) {}

  /** The columns of a dataset, each of {@code rows} values. */
  record Dataset(int rows, List<Column> columns) {}

  /**
   * How a model did on labelled rows (e.g. the gate's holdout).
   *
   * @param task the model's task, as in its card
   * @param metrics metric name -> value: overall metrics by plain name ({@code accuracy}, {@code
   *     roc-auc}, {@code rmse}, ...), per-class ones as {@code <metric>.<label>}
   * @param correct per row, whether the prediction was the actual output (classification, anomaly
   *     detection), else null
   * @param actual per row, the actual target value (regression), else null
   * @param predicted per row, the predicted value (regression), else null
   */
  record Evaluation(String task, int rows, Map<String, Double> metrics, boolean[] correct, double[] actual, double[] predicted) {

    /**
     * A classifier's evaluation from its predictions, for runtimes without metrics of their own:
     * {@code accuracy}, {@code balanced-accuracy} (mean recall over {@code labels}), {@code
     * precision-macro}, {@code recall-macro}, {@code f1-macro} (means over {@code labels}) and per
     * label {@code precision.<label>}, {@code recall.<label>}, {@code f1.<label>}; a ratio whose
     * denominator is 0 counts as 0.
     *
     * @param labels the model's classes; an actual class not among them is added
     */
    public static Evaluation classification(List<String> labels, String[] actual, String[] predicted) {
      if (actual.length != predicted.length) throw new IllegalArgumentException("actual and predicted differ in length: " + actual.length + " and " + predicted.length);
      java.util.List<String> all = new java.util.ArrayList<>(labels);
      for (String a : actual) if (!all.contains(a)) all.add(a);
      int n = actual.length;
      boolean[] correct = new boolean[n];
      int right = 0;
      Map<String, Double> m = new java.util.LinkedHashMap<>();
      Map<String, Double> perLabel = new java.util.LinkedHashMap<>();
      double sumP = 0;
      double sumR = 0;
      double sumF = 0;
      for (int i = 0; i < n; i++) {
        correct[i] = actual[i].equals(predicted[i]);
        if (correct[i]) right++;
      }
      for (String l : all) {
        int tp = 0;
        int fp = 0;
        int fn = 0;
        for (int i = 0; i < n; i++) {
          boolean isL = actual[i].equals(l);
          boolean saidL = l.equals(predicted[i]);
          if (isL && saidL) tp++;
          else if (saidL) fp++;
          else if (isL) fn++;
        }
        double p = ratio(tp, tp + fp);
        double r = ratio(tp, tp + fn);
        double f = p + r == 0 ? 0 : 2 * p * r / (p + r);
        perLabel.put("precision." + l, p);
        perLabel.put("recall." + l, r);
        perLabel.put("f1." + l, f);
        sumP += p;
        sumR += r;
        sumF += f;
      }
      int k = Math.max(1, all.size());
      m.put("accuracy", ratio(right, n));
      m.put("balanced-accuracy", sumR / k);
      m.put("precision-macro", sumP / k);
      m.put("recall-macro", sumR / k);
      m.put("f1-macro", sumF / k);
      m.putAll(perLabel);
      return new Evaluation("classification", n, m, correct, null, null);
    }

    /** A regressor's evaluation from its predictions, for runtimes without metrics of their own: {@code rmse}, {@code mae} and {@code r2} (0 when the actual values do not vary). */
    public static Evaluation regression(double[] actual, double[] predicted) {
      if (actual.length != predicted.length) throw new IllegalArgumentException("actual and predicted differ in length: " + actual.length + " and " + predicted.length);
      int n = actual.length;
      double mean = java.util.Arrays.stream(actual).average().orElse(0);
      double sse = 0;
      double sae = 0;
      double sst = 0;
      for (int i = 0; i < n; i++) {
        double e = actual[i] - predicted[i];
        sse += e * e;
        sae += Math.abs(e);
        sst += (actual[i] - mean) * (actual[i] - mean);
      }
      int d = Math.max(1, n);
      Map<String, Double> m = new java.util.LinkedHashMap<>();
      m.put("rmse", Math.sqrt(sse / d));
      m.put("mae", sae / d);
      m.put("r2", sst > 0 ? 1 - sse / sst : 0);
      return new Evaluation("regression", n, m, null, actual.clone(), predicted.clone());
    }

    private static double ratio(int a, int b) {
      return b == 0 ? 0 : (double) a / b;
    }
  }

  /**
   * A file of a deployment bundle.
   *
   * @param description one line for the bundle's README, e.g. {@code the fitted feature transform}
   */
  record BundleFile(String name, byte[] content, String description) {}

  /**
   * A model as an ONNX graph.
   *
   * @param model the serialized ModelProto
   * @param description how to call it, for the bundle's manifest: input name, type and shape, output names
   */
  record OnnxGraph(byte[] model, Map<String, Object> description) {
    public static final String MEDIA_TYPE = "application/onnx";
  }

  /** A loaded model; thread-safe. */
  interface Loaded {
    /** The fields a request row must have (null means missing and is imputed as in training). */
    List<Field> inputs();

    /** The model card. */
    ModelCard card();

    /**
     * Predicts rows given as field -> value (JSON types: numbers for numeric fields, strings for the
     * others; {@code strings} true accepts text for numeric fields, as in CSV). Each result has
     * {@code prediction} and, where the model gives them, {@code probabilities} (class -> p) or
     * {@code score}.
     *
     * @throws InvalidRow for a field that is missing or of the wrong type
     */
    List<Map<String, Object>> predict(List<Map<String, Object>> rows, boolean strings) throws InvalidInput;

    /**
     * Scores a labelled dataset artifact (the format this runtime's models train on, with the
     * target column).
     *
     * @throws Unsupported when this runtime cannot score datasets
     */
    default Evaluation evaluate(Path data, String shownName) throws IOException, InvalidInput {
      throw new Unsupported(shownName + ": the model runtime of " + framework() + " models cannot score datasets", null);
    }

    /** The files a deployment bundle holds of this model, each with a line for its README. */
    default List<BundleFile> files() throws InvalidInput {
      throw new Unsupported("the model runtime of " + framework() + " models cannot write a model into a deployment bundle", null);
    }

    /** Entries for the deployment bundle's manifest beyond name, task, target, labels and inputs (e.g. how to undo a target transform). */
    default Map<String, Object> manifest() {
      return Map.of();
    }

    /**
     * The model as an ONNX graph.
     *
     * @throws Unsupported when this model has none; the message says why (e.g. which algorithms have one)
     */
    default OnnxGraph onnx() throws InvalidInput {
      throw new Unsupported("the model runtime of " + framework() + " models cannot export ONNX", null);
    }

    /** The framework's name for messages: the card's, else the class's. */
    private String framework() {
      ModelCard c = card();
      return c.framework() != null && c.framework().name() != null ? c.framework().name() : named(this);
    }
  }

  /** Something this runtime cannot do with its models: what, and what to do instead. */
  final class Unsupported extends InvalidInput {
    private static final long serialVersionUID = 1L;
    private final String reason;

    /** @param hint what to do instead, or null */
    public Unsupported(String reason, String hint) {
      super(reason + (hint == null ? "" : "\n  hint: " + hint));
      this.reason = reason;
    }

    /** The message without its hint. */
    public String reason() {
      return reason;
    }
  }

  /** A request row the model cannot take: which row and field, what is wrong, and what to send instead. */
  final class InvalidRow extends InvalidInput {
    private static final long serialVersionUID = 1L;
    private final String summary;
    private final String field;
    private final String hint;

    public InvalidRow(int row, String field, String problem, String hint) {
      super("row " + row + ": " + problem + (hint == null ? "" : "\n  hint: " + hint));
      this.summary = "row " + row + ": " + problem;
      this.field = field;
      this.hint = hint;
    }

    /** The problem without the hint, e.g. {@code row 0: missing field "x" (numeric)}. */
    public String summary() {
      return summary;
    }

    public String field() {
      return field;
    }

    /** What to send instead, or null. */
    public String hint() {
      return hint;
    }
  }
}
