package dev.kiln.tribuo.features;

import dev.kiln.api.InvalidParamException;
import dev.kiln.api.Param;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What {@code tribuo/features} fits, normalised from its params: every "one value for all columns,
 * or a map per column" param becomes a map with {@code "*"} for the default.
 */
public record FeatureSpec(
    Map<String, String> derive,
    Map<String, String> impute,
    Map<String, String> scale,
    Map<String, String> encode,
    List<String> log,
    Map<String, Integer> bins,
    Map<String, TextOptions> text,
    List<String> drop,
    Map<String, Double> classWeights,
    boolean balanced,
    String targetTransform) {

  /** TF-IDF options for one text column. */
  public record TextOptions(
      @Param(value = "largest n-gram (1 = words only)", min = 1, max = 5, defaultValue = "1") Integer ngrams,
      @Param(value = "keep the most frequent terms", min = 1, defaultValue = "20000") Integer maxFeatures,
      @Param(value = "drop terms in fewer documents", min = 1, defaultValue = "1") Integer minDf,
      @Param(value = "lower-case before tokenising", defaultValue = "true") Boolean lowercase,
      @Param(value = "use 1 + log(tf) instead of tf", defaultValue = "false") Boolean sublinearTf) {
    public TextOptions {
      ngrams = ngrams == null ? 1 : ngrams;
      maxFeatures = maxFeatures == null ? 20000 : maxFeatures;
      minDf = minDf == null ? 1 : minDf;
      lowercase = lowercase == null || lowercase;
      sublinearTf = sublinearTf != null && sublinearTf;
    }

    public static TextOptions defaults() {
      return new TextOptions(null, null, null, null, null);
    }
  }

  static final Set<String> IMPUTE = Set.of("mean", "median", "mode", "none");
  static final Set<String> SCALE = Set.of("none", "standard", "min-max", "robust");
  static final Set<String> ENCODE = Set.of("one-hot", "ordinal");

  public FeatureSpec {
    derive = derive == null ? Map.of() : derive;
    impute = impute == null ? Map.of() : impute;
    scale = scale == null ? Map.of() : scale;
    encode = encode == null ? Map.of() : encode;
    log = log == null ? List.of() : log;
    bins = bins == null ? Map.of() : bins;
    text = text == null ? Map.of() : text;
    drop = drop == null ? List.of() : drop;
    classWeights = classWeights == null ? Map.of() : classWeights;
  }

  /** Builds the spec from the step's params, or throws {@link InvalidParamException} at the offending value. */
  public static FeatureSpec of(
      Map<String, String> derive, Object impute, Object scale, Object encode, List<String> log, Map<String, Integer> bins,
      Map<String, TextOptions> text, List<String> drop, Object classWeights, String targetTransform) {
    if (derive != null) {
      derive.forEach((name, expr) -> {
        try {
          Expression.parse(expr);
        } catch (Expression.SyntaxError e) {
          throw new InvalidParamException("derive." + name, false, "bad expression: " + e.getMessage(),
              "arithmetic on columns (a + b * 2), 'strings', and regex(col, 'pattern'), lower, length, log, log1p, sqrt, abs, min, max");
        }
      });
    }
    Map<String, String> imp = perColumn("impute", impute, IMPUTE, true);
    Map<String, String> sc = perColumn("scale", scale, SCALE, false);
    Map<String, String> enc = perColumn("encode", encode, ENCODE, false);
    if (bins != null) bins.forEach((c, k) -> {
      if (k == null || k < 2 || k > 1000) throw new InvalidParamException("bins." + c, false, "bins must be between 2 and 1000, found " + k, null);
    });
    Map<String, Double> weights = new LinkedHashMap<>();
    boolean balanced = false;
    if (classWeights instanceof String s) {
      if (s.equals("balanced")) balanced = true;
      else if (!s.equals("none")) throw new InvalidParamException("class-weights", false, "expected balanced, none, or a map label -> weight; found \"" + s + "\"", "class-weights: balanced");
    } else if (classWeights instanceof Map<?, ?> m) {
      for (var e : m.entrySet()) {
        if (!(e.getValue() instanceof Number n) || n.doubleValue() <= 0) {
          throw new InvalidParamException("class-weights." + e.getKey(), false, "a class weight must be a positive number, found " + e.getValue(), null);
        }
        weights.put(String.valueOf(e.getKey()), n.doubleValue());
      }
    } else if (classWeights != null) {
      throw new InvalidParamException("class-weights", false, "expected balanced, none, or a map label -> weight", "class-weights: balanced");
    }
    if (targetTransform != null && !List.of("log", "standard", "none").contains(targetTransform)) {
      throw new InvalidParamException("target-transform", false, "expected log, standard or none, found \"" + targetTransform + "\"", "log fits log(1 + y), standard fits (y - mean) / std; predictions are inverted");
    }
    return new FeatureSpec(derive, imp, sc, enc, log, bins, text, drop, weights, balanced, "none".equals(targetTransform) ? null : targetTransform);
  }

  private static Map<String, String> perColumn(String param, Object value, Set<String> allowed, boolean constants) {
    Map<String, String> out = new LinkedHashMap<>();
    if (value == null) return out;
    if (value instanceof String s) {
      out.put("*", check(param, s, allowed, constants));
    } else if (value instanceof Map<?, ?> m) {
      for (var e : m.entrySet()) {
        String k = String.valueOf(e.getKey());
        if (!(e.getValue() instanceof String || e.getValue() instanceof Number)) {
          throw new InvalidParamException(param + "." + k, false, "expected one of " + String.join(", ", new java.util.TreeSet<>(allowed)) + (constants ? ", or constant:VALUE" : ""), null);
        }
        out.put(k, check(param + "." + k, String.valueOf(e.getValue()), allowed, constants));
      }
    } else {
      throw new InvalidParamException(param, false, "expected a strategy for every column, or a map column -> strategy", param + ": " + allowed.iterator().next());
    }
    return out;
  }

  private static String check(String path, String s, Set<String> allowed, boolean constants) {
    if (allowed.contains(s) || (constants && s.startsWith("constant:"))) return s;
    throw new InvalidParamException(path, false, "unknown strategy \"" + s + "\"", "valid: " + String.join(", ", new java.util.TreeSet<>(allowed)) + (constants ? ", constant:VALUE" : ""));
  }

  /** The strategy for a column: its own, else the {@code "*"} default, else {@code fallback}. */
  static String strategy(Map<String, String> m, String column, String fallback) {
    String s = m.get(column);
    if (s == null) s = m.get("*");
    return s == null ? fallback : s;
  }
}
