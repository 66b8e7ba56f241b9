package dev.kiln.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a model is, whatever framework trained it: the task and algorithm, its inputs and target,
 * how it scored, and where it came from. The gate ({@code kiln/validate}), the registry, export and
 * serving read this, never a framework's own format. It travels as JSON ({@code card.json} in a
 * model bundle, the registry's card); {@link #toMap()} and {@link #fromMap} are that edge, and keys
 * this record does not know (a framework's own, such as {@code feature-count}) are kept in {@link
 * #details} so a card read and written again loses nothing.
 *
 * @param name the model's name (a training step's {@code name:}, else its algorithm)
 * @param algorithm e.g. {@code logistic-regression}
 * @param task {@code classification}, {@code regression}, {@code clustering} or {@code anomaly}
 * @param target the target column, or null (clustering without labels)
 * @param labels the classes, in the model's order (classification); empty otherwise
 * @param positive the positive class of a binary classifier, or null
 * @param hyperparameters name -> value as trained
 * @param seed the training seed, or null
 * @param inputs the columns a model reads, derived ones with their expression
 * @param metrics metric name -> value measured at training time (e.g. {@code valid.accuracy})
 * @param score the metric that ranks the model, with its value and what it was measured on, or null
 * @param lineage where the model came from, or null
 * @param framework what trained the model and the media type of its artifact, or null (a card
 *     written before cards said so; its runtime fills it in)
 * @param details the card's other keys, framework-specific, as read
 */
public record ModelCard(
    String name, String algorithm, String task, String target, List<String> labels, String positive, Map<String, Object> hyperparameters, Long seed,
    List<Input> inputs, Map<String, Double> metrics, Score score, Lineage lineage, Framework framework, Map<String, Object> details) {

  /** The keys this record reads; every other key of a card is a detail. */
  private static final Set<String> KEYS = Set.of("name", "algorithm", "task", "target", "labels", "positive", "hyperparameters", "seed", "input-columns",
      "metrics", "score", "kiln-step", "training-data", "training-rows", "framework");

  public ModelCard {
    labels = labels == null ? List.of() : List.copyOf(labels);
    hyperparameters = hyperparameters == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(hyperparameters));
    inputs = inputs == null ? List.of() : List.copyOf(inputs);
    metrics = metrics == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
    details = details == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(details));
  }

  /**
   * A column the model reads.
   *
   * @param type {@code numeric}, {@code categorical}, {@code text}, ...
   * @param derived the expression a derived column is computed by, or null for a column of the data
   */
  public record Input(String name, String type, String derived) {
    /** As a request field (name and type). */
    public ModelRuntime.Field field() {
      return new ModelRuntime.Field(name, type);
    }
  }

  /**
   * The metric that ranks the model.
   *
   * @param on what it was measured on: {@code valid}, {@code cv} or {@code train}
   */
  public record Score(String metric, double value, String on) {}

  /**
   * Where a model came from. The run id is not part of the card (the card is inside the model's
   * artifact, which must be the same bytes when the run is reproduced); the registry records it.
   *
   * @param step the step instance that trained it, e.g. {@code train}
   * @param trainingData the training data artifact, or null
   * @param trainingRows rows it was trained on, or null
   */
  public record Lineage(String step, Data trainingData, Integer trainingRows) {}

  /** A dataset artifact a card names: its hash and the name it was shown under. */
  public record Data(String sha256, String name) {}

  /**
   * What trained a model.
   *
   * @param name e.g. {@code tribuo}
   * @param version the framework's version, or null
   * @param mediaType the media type of the model's artifact, which selects the {@link ModelRuntime}
   */
  public record Framework(String name, String version, String mediaType) {}

  /** The same card with {@code framework} (for cards written before cards named it). */
  public ModelCard withFramework(Framework f) {
    return new ModelCard(name, algorithm, task, target, labels, positive, hyperparameters, seed, inputs, metrics, score, lineage, f, details);
  }

  /** A detail as a number, or null when absent or not a number. */
  public Number detailNumber(String key) {
    return details.get(key) instanceof Number n ? n : null;
  }

  /**
   * The card as JSON values (maps, lists, strings, numbers, booleans). Nested maps list their keys
   * in alphabetical order, as a sorting JSON writer would. {@code name}, {@code algorithm}, {@code
   * task}, {@code target}, {@code hyperparameters}, {@code input-columns} and {@code metrics} are
   * always present; other keys only when they have a value.
   */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    m.put("algorithm", algorithm);
    m.put("task", task);
    m.put("target", target);
    if (!labels.isEmpty()) m.put("labels", labels);
    if (positive != null) m.put("positive", positive);
    m.put("hyperparameters", hyperparameters);
    if (seed != null) m.put("seed", seed);
    List<Map<String, String>> columns = new ArrayList<>();
    for (Input i : inputs) {
      Map<String, String> c = new LinkedHashMap<>();
      if (i.derived() != null) c.put("derived", i.derived());
      c.put("name", i.name());
      c.put("type", i.type());
      columns.add(c);
    }
    m.put("input-columns", columns);
    if (lineage != null) {
      if (lineage.trainingRows() != null) m.put("training-rows", lineage.trainingRows());
      if (lineage.trainingData() != null) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("name", lineage.trainingData().name());
        d.put("sha256", lineage.trainingData().sha256());
        m.put("training-data", d);
      }
    }
    m.put("metrics", metrics);
    if (score != null) {
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("metric", score.metric());
      s.put("on", score.on());
      s.put("value", score.value());
      m.put("score", s);
    }
    if (lineage != null && lineage.step() != null) m.put("kiln-step", lineage.step());
    if (framework != null) {
      Map<String, Object> f = new LinkedHashMap<>();
      f.put("media-type", framework.mediaType());
      f.put("name", framework.name());
      if (framework.version() != null) f.put("version", framework.version());
      m.put("framework", f);
    }
    details.forEach(m::putIfAbsent);
    return m;
  }

  /**
   * A card from its JSON values, as {@link #toMap()} writes them.
   *
   * @throws IllegalArgumentException naming the key whose value is not of the kind a card holds
   */
  public static ModelCard fromMap(Map<String, ?> m) {
    Map<String, Object> details = new LinkedHashMap<>();
    m.forEach((k, v) -> {
      if (!KEYS.contains(k)) details.put(k, v);
    });
    List<Input> inputs = new ArrayList<>();
    for (Object o : list(m, "input-columns")) {
      if (!(o instanceof Map<?, ?> c)) throw wrong("input-columns", "a list of {name, type} objects", o);
      inputs.add(new Input(string(c, "name"), string(c, "type"), string(c, "derived")));
    }
    List<String> labels = new ArrayList<>();
    for (Object o : list(m, "labels")) labels.add(String.valueOf(o));
    Map<String, Double> metrics = new LinkedHashMap<>();
    map(m, "metrics").forEach((k, v) -> {
      if (!(v instanceof Number n)) throw wrong("metrics." + k, "a number", v);
      metrics.put(String.valueOf(k), n.doubleValue());
    });
    Map<String, Object> hp = new LinkedHashMap<>();
    map(m, "hyperparameters").forEach((k, v) -> hp.put(String.valueOf(k), v));
    Score score = null;
    if (m.get("score") != null) {
      Map<?, ?> s = map(m, "score");
      Number v = number(s, "value");
      score = new Score(string(s, "metric"), v == null ? Double.NaN : v.doubleValue(), string(s, "on"));
    }
    Data data = null;
    if (m.get("training-data") != null) {
      Map<?, ?> d = map(m, "training-data");
      data = new Data(string(d, "sha256"), string(d, "name"));
    }
    Number rows = number(m, "training-rows");
    String step = string(m, "kiln-step");
    Lineage lineage = step == null && data == null && rows == null ? null : new Lineage(step, data, rows == null ? null : rows.intValue());
    Framework framework = null;
    if (m.get("framework") != null) {
      Map<?, ?> f = map(m, "framework");
      framework = new Framework(string(f, "name"), string(f, "version"), string(f, "media-type"));
    }
    Number seed = number(m, "seed");
    return new ModelCard(string(m, "name"), string(m, "algorithm"), string(m, "task"), string(m, "target"), labels, string(m, "positive"), hp,
        seed == null ? null : seed.longValue(), inputs, metrics, score, lineage, framework, details);
  }

  private static String string(Map<?, ?> m, String key) {
    Object v = m.get(key);
    if (v == null) return null;
    if (v instanceof Map<?, ?> || v instanceof List<?>) throw wrong(key, "a string", v);
    return String.valueOf(v);
  }

  private static Number number(Map<?, ?> m, String key) {
    Object v = m.get(key);
    if (v == null) return null;
    if (!(v instanceof Number n)) throw wrong(key, "a number", v);
    return n;
  }

  private static List<?> list(Map<?, ?> m, String key) {
    Object v = m.get(key);
    if (v == null) return List.of();
    if (!(v instanceof List<?> l)) throw wrong(key, "a list", v);
    return l;
  }

  private static Map<?, ?> map(Map<?, ?> m, String key) {
    Object v = m.get(key);
    if (v == null) return Map.of();
    if (!(v instanceof Map<?, ?> map)) throw wrong(key, "an object", v);
    return map;
  }

  private static IllegalArgumentException wrong(String key, String expected, Object found) {
    String shown = found instanceof String s ? "\"" + s + "\"" : found instanceof Map<?, ?> ? "an object" : found instanceof List<?> ? "a list" : String.valueOf(found);
    return new IllegalArgumentException("\"" + key + "\" must be " + expected + ", found " + shown);
  }
}
