package dev.kiln.tribuo.features;

import dev.kiln.api.InvalidInput;
import dev.kiln.tribuo.data.ColumnType;
import dev.kiln.tribuo.data.Profile;
import dev.kiln.tribuo.data.Schema;
import dev.kiln.tribuo.data.Split;
import dev.kiln.tribuo.data.Table;
import dev.kiln.tribuo.data.Task;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.tribuo.util.tokens.Tokenizer;
import org.tribuo.util.tokens.universal.UniversalTokenizer;

/**
 * A feature transform fitted on the training split: everything needed to turn a row of raw data
 * into the same feature vector at training, evaluation, batch prediction and serving time. Stored
 * as JSON inside the model bundle.
 *
 * @param input the schema of the data it was fitted on (before derived columns)
 * @param spec what was asked for (kept so cross-validation can refit it per fold)
 * @param derived derived columns, in order
 * @param columns one entry per feature column
 * @param labels the target's classes at fit time (classification, anomaly)
 * @param classWeights weight per class (empty when unweighted)
 * @param targetTransform null, "log" (log1p on the target) or "standard" ((y - center) / scale); inverted on predictions
 */
public record Transform(
    int version,
    Schema input,
    FeatureSpec spec,
    List<Derived> derived,
    List<ColumnStep> columns,
    List<String> labels,
    Map<String, Double> classWeights,
    String targetTransform,
    double targetCenter,
    double targetScale) {

  /** A derived column. */
  public record Derived(String name, String expr, ColumnType type) {}

  /**
   * How one column becomes features.
   *
   * @param kind numeric, categorical, binned or text
   * @param impute the value used when missing (numeric), or null
   * @param imputeCategory the category used when missing, or null (missing -> no category)
   * @param log apply log(1 + x) after imputation
   * @param center subtracted after log ({@code 0} for none)
   * @param scale divided by after centring ({@code 1} for none)
   * @param encoding one-hot or ordinal (categorical)
   * @param categories sorted categories seen in training (categorical) or bin labels (binned)
   * @param edges inner bin edges (binned)
   * @param text TF-IDF model (text)
   */
  public record ColumnStep(
      String name, String kind, Double impute, String imputeCategory, boolean log, double center, double scale,
      String encoding, List<String> categories, List<Double> edges, TextModel text) {}

  /** A fitted TF-IDF vocabulary. */
  public record TextModel(int ngrams, boolean lowercase, boolean sublinearTf, List<String> vocabulary, List<Double> idf) {}

  /** Rows as sparse feature vectors over one list of feature names. */
  public record Encoded(List<String> featureNames, int[][] index, double[][] value, String[] target, double[] weight) {}

  public static final int VERSION = 1;

  /** Fits on the training rows. */
  public static Transform fit(Table train, FeatureSpec spec, String file) throws InvalidInput {
    Schema input = train.schema();
    List<Derived> derived = new ArrayList<>();
    for (var e : spec.derive().entrySet()) {
      Expression x = parse(e.getValue());
      derived.add(new Derived(e.getKey(), e.getValue(), x.isText() ? ColumnType.CATEGORICAL : ColumnType.NUMERIC));
    }
    Table t = derive(train, derived, file);
    for (String c : spec.drop()) if (t.schema().index(c) < 0) throw unknownColumn(file, "drop", c, t);
    for (String c : spec.log()) if (t.schema().type(c) != ColumnType.NUMERIC && !c.equals(input.target())) throw notNumeric(file, "log", c, t);
    for (String c : spec.bins().keySet()) if (t.schema().type(c) != ColumnType.NUMERIC) throw notNumeric(file, "bins", c, t);
    for (String c : spec.text().keySet()) if (t.schema().type(c) != ColumnType.TEXT) {
      throw new InvalidInput(file + ": text: names \"" + c + "\", which is " + (t.schema().type(c) == null ? "not a column" : "a " + t.schema().type(c).yamlName() + " column")
          + "\n  hint: declare it in tribuo/ingest's columns: {" + c + ": text}");
    }
    checkMapColumns(file, "impute", spec.impute(), t);
    checkMapColumns(file, "scale", spec.scale(), t);
    checkMapColumns(file, "encode", spec.encode(), t);
    List<ColumnStep> steps = new ArrayList<>();
    for (Schema.Column col : t.schema().columns()) {
      String name = col.name();
      if (name.equals(input.target()) || spec.drop().contains(name) || col.type() == ColumnType.ID || col.type() == ColumnType.IGNORE) continue;
      switch (col.type()) {
        case NUMERIC -> steps.add(spec.bins().containsKey(name) ? binned(t.numeric(name), name, spec) : numeric(t.numeric(name), name, spec));
        case CATEGORICAL -> steps.add(categorical(t.strings(name), name, spec));
        case TEXT -> steps.add(text(t.strings(name), name, spec.text().getOrDefault(name, FeatureSpec.TextOptions.defaults())));
        default -> {}
      }
    }
    if (steps.isEmpty()) throw new InvalidInput(file + ": no feature columns left (all are the target, ids, ignored or dropped)");
    List<String> labels = new ArrayList<>();
    Map<String, Double> weights = new LinkedHashMap<>();
    if (input.target() != null && input.task() != Task.REGRESSION) {
      Map<String, Integer> counts = Split.classCounts(t);
      labels.addAll(counts.keySet());
      if (spec.balanced()) {
        counts.forEach((k, n) -> weights.put(k, (double) t.rows() / (counts.size() * (double) n)));
      }
      spec.classWeights().forEach((k, w) -> {
        weights.put(k, w);
      });
      for (String k : spec.classWeights().keySet()) {
        if (!counts.containsKey(k)) throw new InvalidInput(file + ": class-weights names class \"" + k + "\", which is not in the training data\n  hint: classes: " + String.join(", ", counts.keySet()));
      }
    }
    if (spec.targetTransform() != null && input.task() != Task.REGRESSION) {
      throw new InvalidInput(file + ": target-transform: " + spec.targetTransform() + " needs a regression target, the task is " + input.task().yamlName());
    }
    double center = 0;
    double scale = 1;
    if ("standard".equals(spec.targetTransform())) {
      double[] y = t.numeric(input.target());
      center = Arrays.stream(y).average().orElse(0);
      final double c0 = center;
      double var = Arrays.stream(y).map(v -> (v - c0) * (v - c0)).sum() / Math.max(1, y.length);
      scale = var > 0 ? Math.sqrt(var) : 1;
    }
    return new Transform(VERSION, input, spec, derived, steps, labels, weights, spec.targetTransform(), center, scale);
  }

  private static void checkMapColumns(String file, String param, Map<String, String> m, Table t) throws InvalidInput {
    for (String c : m.keySet()) if (!c.equals("*") && t.schema().index(c) < 0) throw unknownColumn(file, param, c, t);
  }

  private static InvalidInput unknownColumn(String file, String param, String c, Table t) {
    return new InvalidInput(file + ": " + param + ": names \"" + c + "\", which is not a column" + columnHint(c, t));
  }

  private static String columnHint(String name, Table t) {
    return dev.kiln.tribuo.data.TableReader.hint(name, t.schema().names().toArray(new String[0]));
  }

  private static InvalidInput notNumeric(String file, String param, String c, Table t) {
    if (t.schema().index(c) < 0) return unknownColumn(file, param, c, t);
    return new InvalidInput(file + ": " + param + ": needs a numeric column, \"" + c + "\" is " + t.schema().type(c).yamlName());
  }

  private static Expression parse(String expr) throws InvalidInput {
    try {
      return Expression.parse(expr);
    } catch (Expression.SyntaxError e) {
      throw new InvalidInput("derive: " + e.getMessage());
    }
  }

  /** Adds the derived columns. */
  static Table derive(Table t, List<Derived> derived, String file) throws InvalidInput {
    for (Derived d : derived) {
      Expression x = parse(d.expr());
      for (String c : x.columns()) if (t.schema().index(c) < 0) {
        throw new InvalidInput(file + ": derive." + d.name() + ": \"" + d.expr() + "\" reads column \"" + c + "\", which is not in the data" + columnHint(c, t));
      }
      final Table src = t;
      Object out = d.type() == ColumnType.NUMERIC ? new double[t.rows()] : new String[t.rows()];
      int[] row = {0};
      java.util.function.Function<String, Object> get = name -> {
        Object c = src.column(name);
        return c instanceof double[] a ? (Object) a[row[0]] : ((String[]) c)[row[0]];
      };
      for (int r = 0; r < t.rows(); r++) {
        row[0] = r;
        Object v = x.eval(get);
        if (out instanceof double[] a) a[r] = v instanceof Double dd ? dd : Double.NaN;
        else ((String[]) out)[r] = v == null ? null : String.valueOf(v);
      }
      t = t.with(d.name(), d.type(), out);
    }
    return t;
  }

  private static double[] present(double[] x) {
    return Arrays.stream(x).filter(v -> !Double.isNaN(v)).toArray();
  }

  private static ColumnStep numeric(double[] raw, String name, FeatureSpec spec) {
    double[] p = present(raw);
    Arrays.sort(p);
    String imp = FeatureSpec.strategy(spec.impute(), name, "mean");
    double mean = p.length == 0 ? 0 : Arrays.stream(p).average().orElse(0);
    double fill = switch (imp) {
      case "median", "mode" -> p.length == 0 ? 0 : Profile.quantile(p, 0.5);
      default -> imp.startsWith("constant:") ? parseConstant(imp) : mean;
    };
    boolean log = spec.log().contains(name);
    double[] v = new double[raw.length];
    for (int i = 0; i < raw.length; i++) {
      double x = Double.isNaN(raw[i]) ? fill : raw[i];
      v[i] = log ? Math.log1p(Math.max(x, -1 + 1e-12)) : x;
    }
    double center = 0;
    double scale = 1;
    switch (FeatureSpec.strategy(spec.scale(), name, "none")) {
      case "standard" -> {
        double m = Arrays.stream(v).average().orElse(0);
        double var = Arrays.stream(v).map(x -> (x - m) * (x - m)).sum() / Math.max(1, v.length);
        center = m;
        scale = var > 0 ? Math.sqrt(var) : 1;
      }
      case "min-max" -> {
        double lo = Arrays.stream(v).min().orElse(0);
        double hi = Arrays.stream(v).max().orElse(1);
        center = lo;
        scale = hi > lo ? hi - lo : 1;
      }
      case "robust" -> {
        double[] s = v.clone();
        Arrays.sort(s);
        center = Profile.quantile(s, 0.5);
        double iqr = Profile.quantile(s, 0.75) - Profile.quantile(s, 0.25);
        scale = iqr > 0 ? iqr : 1;
      }
      default -> {}
    }
    return new ColumnStep(name, "numeric", fill, null, log, center, scale, null, null, null, null);
  }

  private static double parseConstant(String imp) {
    try {
      return Double.parseDouble(imp.substring("constant:".length()));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static ColumnStep binned(double[] raw, String name, FeatureSpec spec) {
    double[] p = present(raw);
    Arrays.sort(p);
    int k = spec.bins().get(name);
    TreeSet<Double> edges = new TreeSet<>();
    for (int i = 1; i < k; i++) if (p.length > 0) edges.add(Profile.quantile(p, (double) i / k));
    List<String> labels = new ArrayList<>();
    for (int i = 0; i <= edges.size(); i++) labels.add("bin" + i);
    double fill = p.length == 0 ? 0 : Profile.quantile(p, 0.5);
    return new ColumnStep(name, "binned", fill, null, false, 0, 1, "one-hot", labels, new ArrayList<>(edges), null);
  }

  private static ColumnStep categorical(String[] raw, String name, FeatureSpec spec) {
    Map<String, Integer> counts = new TreeMap<>();
    for (String s : raw) if (s != null) counts.merge(s, 1, Integer::sum);
    String imp = FeatureSpec.strategy(spec.impute(), name, "none");
    String fill = null;
    if (imp.equals("mode") || imp.equals("mean") || imp.equals("median")) {
      // the most frequent category; ties go to the first in sorted order
      int best = -1;
      for (var e : counts.entrySet()) {
        if (e.getValue() > best) {
          best = e.getValue();
          fill = e.getKey();
        }
      }
    } else if (imp.startsWith("constant:")) {
      fill = imp.substring("constant:".length());
      counts.putIfAbsent(fill, 0);
    }
    String enc = FeatureSpec.strategy(spec.encode(), name, "one-hot");
    return new ColumnStep(name, "categorical", null, fill, false, 0, 1, enc, new ArrayList<>(counts.keySet()), null, null);
  }

  private static ColumnStep text(String[] raw, String name, FeatureSpec.TextOptions o) {
    Map<String, Integer> df = new HashMap<>();
    Tokenizer tok = new UniversalTokenizer();
    for (String s : raw) {
      if (s == null) continue;
      for (String term : new TreeSet<>(terms(tok, s, o.ngrams(), o.lowercase()))) df.merge(term, 1, Integer::sum);
    }
    List<Map.Entry<String, Integer>> kept = new ArrayList<>();
    for (var e : df.entrySet()) if (e.getValue() >= o.minDf()) kept.add(e);
    kept.sort(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
    if (kept.size() > o.maxFeatures()) kept = kept.subList(0, o.maxFeatures());
    kept.sort(Map.Entry.comparingByKey());
    List<String> vocab = new ArrayList<>();
    List<Double> idf = new ArrayList<>();
    int n = raw.length;
    for (var e : kept) {
      vocab.add(e.getKey());
      idf.add(Math.log((1.0 + n) / (1.0 + e.getValue())) + 1.0);
    }
    return new ColumnStep(name, "text", null, null, false, 0, 1, null, null, null, new TextModel(o.ngrams(), o.lowercase(), o.sublinearTf(), vocab, idf));
  }

  static List<String> terms(Tokenizer tok, String s, int ngrams, boolean lowercase) {
    List<String> words = new ArrayList<>();
    for (String w : tok.split(lowercase ? s.toLowerCase(Locale.ROOT) : s)) {
      boolean word = false;
      for (int i = 0; i < w.length() && !word; i++) word = Character.isLetterOrDigit(w.charAt(i));
      if (word) words.add(w);
    }
    List<String> out = new ArrayList<>(words);
    for (int n = 2; n <= ngrams; n++) {
      for (int i = 0; i + n <= words.size(); i++) out.add(String.join(" ", words.subList(i, i + n)));
    }
    return out;
  }

  /** The names of every feature this transform produces, in a fixed order. */
  public List<String> featureNames() {
    List<String> out = new ArrayList<>();
    for (ColumnStep c : columns) {
      switch (c.kind()) {
        case "numeric" -> out.add(c.name());
        case "categorical", "binned" -> {
          if ("ordinal".equals(c.encoding())) out.add(c.name());
          else for (String cat : c.categories()) out.add(c.name() + "=" + cat);
        }
        default -> {
          for (String term : c.text().vocabulary()) out.add(c.name() + "@" + term);
        }
      }
    }
    return out;
  }

  /** The column (input or derived) each feature of {@link #featureNames()} comes from, in the same order. */
  public List<String> featureColumns() {
    List<String> out = new ArrayList<>();
    for (ColumnStep c : columns) {
      int n = switch (c.kind()) {
        case "numeric" -> 1;
        case "categorical", "binned" -> "ordinal".equals(c.encoding()) ? 1 : c.categories().size();
        default -> c.text().vocabulary().size();
      };
      for (int i = 0; i < n; i++) out.add(c.name());
    }
    return out;
  }

  /** Applies to rows read with {@link #input()}'s schema (the target may be absent). */
  public Encoded apply(Table raw, String file) throws InvalidInput {
    for (Schema.Column c : input.columns()) {
      if (c.name().equals(input.target()) || c.type() == ColumnType.IGNORE) continue;
      if (raw.schema().index(c.name()) < 0 && (c.type() != ColumnType.ID)) {
        boolean used = columns.stream().anyMatch(s -> s.name().equals(c.name())) || derived.stream().anyMatch(d -> parseQuiet(d.expr()).contains(c.name()));
        if (used) throw new InvalidInput(file + ": column \"" + c.name() + "\" the model was trained with is missing" + columnHint(c.name(), raw));
      }
    }
    Table t = derive(raw, derived, file);
    List<String> names = featureNames();
    int n = t.rows();
    List<int[]> idxRows = new ArrayList<>(n);
    List<double[]> valRows = new ArrayList<>(n);
    int[] tmpIdx = new int[names.size()];
    double[] tmpVal = new double[names.size()];
    Tokenizer tok = new UniversalTokenizer();
    Map<String, Integer>[] vocabIndex = vocabIndexes();
    for (int r = 0; r < n; r++) {
      int k = 0;
      int base = 0;
      for (int ci = 0; ci < columns.size(); ci++) {
        ColumnStep c = columns.get(ci);
        switch (c.kind()) {
          case "numeric" -> {
            double x = t.numeric(c.name())[r];
            if (Double.isNaN(x)) x = c.impute();
            if (c.log()) x = Math.log1p(Math.max(x, -1 + 1e-12));
            // numeric features are kept even when 0, so no row is left without features
            tmpIdx[k] = base;
            tmpVal[k++] = (x - c.center()) / c.scale();
            base++;
          }
          case "binned" -> {
            double x = t.numeric(c.name())[r];
            if (Double.isNaN(x)) x = c.impute();
            int b = 0;
            while (b < c.edges().size() && x > c.edges().get(b)) b++;
            tmpIdx[k] = base + b;
            tmpVal[k++] = 1;
            base += c.categories().size();
          }
          case "categorical" -> {
            String s = t.strings(c.name())[r];
            if (s == null) s = c.imputeCategory();
            int pos = s == null ? -1 : java.util.Collections.binarySearch(c.categories(), s);
            if ("ordinal".equals(c.encoding())) {
              tmpIdx[k] = base;
              tmpVal[k++] = pos < 0 ? -1 : pos;
              base++;
            } else {
              if (pos >= 0) {
                tmpIdx[k] = base + pos;
                tmpVal[k++] = 1;
              }
              base += c.categories().size();
            }
          }
          default -> {
            String s = t.strings(c.name())[r];
            TextModel m = c.text();
            if (s != null) {
              Map<Integer, Integer> tf = new TreeMap<>();
              for (String term : terms(tok, s, m.ngrams(), m.lowercase())) {
                Integer id = vocabIndex[ci].get(term);
                if (id != null) tf.merge(id, 1, Integer::sum);
              }
              double norm = 0;
              int start = k;
              for (var e : tf.entrySet()) {
                double w = (m.sublinearTf() ? 1 + Math.log(e.getValue()) : e.getValue()) * m.idf().get(e.getKey());
                tmpIdx[k] = base + e.getKey();
                tmpVal[k++] = w;
                norm += w * w;
              }
              norm = Math.sqrt(norm);
              if (norm > 0) for (int i = start; i < k; i++) tmpVal[i] /= norm;
            }
            base += m.vocabulary().size();
          }
        }
      }
      idxRows.add(Arrays.copyOf(tmpIdx, k));
      valRows.add(Arrays.copyOf(tmpVal, k));
    }
    String[] target = null;
    double[] weight = null;
    if (input.target() != null && t.schema().index(input.target()) >= 0) {
      Object col = t.column(input.target());
      target = new String[n];
      if (input.task() == Task.REGRESSION) {
        double[] y = (double[]) col;
        for (int r = 0; r < n; r++) target[r] = Double.toString(forwardTarget(y[r]));
      } else if (col instanceof String[] labels) {
        target = labels;
      } else {
        double[] y = (double[]) col;
        for (int r = 0; r < n; r++) target[r] = Double.isNaN(y[r]) ? null : dev.kiln.tribuo.data.Values.format(y[r]);
      }
      if (!classWeights.isEmpty()) {
        weight = new double[n];
        for (int r = 0; r < n; r++) weight[r] = classWeights.getOrDefault(target[r], 1.0);
      }
    }
    return new Encoded(names, idxRows.toArray(new int[0][]), valRows.toArray(new double[0][]), target, weight);
  }

  @SuppressWarnings("unchecked")
  private Map<String, Integer>[] vocabIndexes() {
    Map<String, Integer>[] out = new Map[columns.size()];
    for (int i = 0; i < columns.size(); i++) {
      TextModel m = columns.get(i).text();
      if (m == null) continue;
      out[i] = new HashMap<>();
      for (int j = 0; j < m.vocabulary().size(); j++) out[i].put(m.vocabulary().get(j), j);
    }
    return out;
  }

  private static List<String> parseQuiet(String expr) {
    try {
      return Expression.parse(expr).columns();
    } catch (Expression.SyntaxError e) {
      return List.of();
    }
  }

  /** Inverts the target transform on a prediction. */
  public double invertTarget(double y) {
    if ("log".equals(targetTransform)) return Math.expm1(y);
    if ("standard".equals(targetTransform)) return y * targetScale + targetCenter;
    return y;
  }

  /** Applies the target transform to a raw target value. */
  public double forwardTarget(double y) {
    if ("log".equals(targetTransform)) return Math.log1p(y);
    if ("standard".equals(targetTransform)) return (y - targetCenter) / targetScale;
    return y;
  }
}
