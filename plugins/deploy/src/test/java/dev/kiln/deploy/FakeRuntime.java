package dev.kiln.deploy;

import dev.kiln.api.InvalidInput;
import dev.kiln.api.ModelCard;
import dev.kiln.api.ModelRuntime;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model runtime of no real framework, to show the gate needs nothing but the api: a model is a
 * text file {@code threshold=T} and {@code trained-on=SHA256}, predicting "yes" when {@code x > T};
 * a dataset is CSV with columns {@code x} (numeric) and {@code y} ({@code yes} or {@code no}).
 */
class FakeRuntime implements ModelRuntime {
  static final String MEDIA_TYPE = "application/x-kiln-test-threshold";
  /** Whether {@link Loaded#evaluate} gives per-row outcomes (a paired test needs them). */
  boolean perRow = true;
  /** Whether {@link #dataset} reads datasets (the data check needs it). */
  boolean readsData = true;
  /** The one metric evaluations give: accuracy, or error-rate. */
  boolean accuracy = true;
  final String mediaType;

  FakeRuntime() {
    this(MEDIA_TYPE);
  }

  FakeRuntime(String mediaType) {
    this.mediaType = mediaType;
  }

  static String model(double threshold, String trainedOn) {
    return "threshold=" + threshold + "\ntrained-on=" + trainedOn + "\n";
  }

  @Override
  public boolean loads(String mediaType) {
    return this.mediaType.equals(mediaType);
  }

  @Override
  public Loaded load(Path file, String shownName) throws IOException, InvalidInput {
    Map<String, String> kv = new LinkedHashMap<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      int eq = line.indexOf('=');
      if (eq < 0) throw new InvalidInput(shownName + ": not a threshold model");
      kv.put(line.substring(0, eq), line.substring(eq + 1));
    }
    if (!kv.containsKey("threshold")) throw new InvalidInput(shownName + ": not a threshold model");
    double t = Double.parseDouble(kv.get("threshold"));
    ModelCard card = new ModelCard("threshold", "threshold", "classification", "y", List.of("no", "yes"), "yes", Map.of("threshold", t), null,
        List.of(new ModelCard.Input("x", "numeric", null)), Map.of("train.accuracy", 1.0), null,
        new ModelCard.Lineage("train", new ModelCard.Data(kv.get("trained-on"), "train.csv"), null), new ModelCard.Framework("fake", "1", mediaType), null);
    byte[] bytes = Files.readAllBytes(file);
    boolean perRow = this.perRow;
    boolean accuracy = this.accuracy;
    return new Loaded() {
      @Override
      public List<Field> inputs() {
        return List.of(new Field("x", "numeric"));
      }

      @Override
      public ModelCard card() {
        return card;
      }

      @Override
      public List<Map<String, Object>> predict(List<Map<String, Object>> rows, boolean strings) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> r : rows) out.add(Map.of("prediction", ((Number) r.get("x")).doubleValue() > t ? "yes" : "no"));
        return out;
      }

      @Override
      public Evaluation evaluate(Path data, String shownData) throws IOException {
        Dataset d = read(data);
        double[] x = d.columns().get(0).numbers();
        String[] y = d.columns().get(1).strings();
        String[] predicted = new String[d.rows()];
        for (int i = 0; i < predicted.length; i++) predicted[i] = x[i] > t ? "yes" : "no";
        Evaluation e = Evaluation.classification(List.of("no", "yes"), y, predicted);
        Map<String, Double> metrics = accuracy ? e.metrics() : Map.of("error-rate", 1 - e.metrics().get("accuracy"));
        return new Evaluation(e.task(), e.rows(), metrics, perRow ? e.correct() : null, null, null);
      }

      @Override
      public List<BundleFile> files() {
        return List.of(new BundleFile("model.txt", bytes, "the threshold."));
      }
    };
  }

  @Override
  public Dataset dataset(Path file, String shownName) throws IOException, InvalidInput {
    if (!readsData) return ModelRuntime.super.dataset(file, shownName);
    return read(file);
  }

  static Dataset read(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    int n = lines.size() - 1;
    double[] x = new double[n];
    String[] y = new String[n];
    for (int i = 0; i < n; i++) {
      String[] f = lines.get(i + 1).split(",");
      x[i] = Double.parseDouble(f[0]);
      y[i] = f[1];
    }
    return new Dataset(n, List.of(new Column(new Field("x", "numeric"), x, null), new Column(new Field("y", "categorical"), null, y)));
  }
}
