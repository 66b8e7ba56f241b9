package dev.kiln.tribuo;

import dev.kiln.api.InvalidInput;
import dev.kiln.api.StepContext;
import dev.kiln.api.StepFailure;
import dev.kiln.tribuo.data.Split;
import dev.kiln.tribuo.data.Table;
import dev.kiln.tribuo.eval.Evaluation;
import dev.kiln.tribuo.features.FeatureSpec;
import dev.kiln.tribuo.features.Transform;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tribuo.Model;

/**
 * k-fold cross-validation as tribuo/train and tribuo/evaluate do it: rows shuffled with the seed,
 * fold f = every k-th row; on each fold the transform is refitted from its spec and the model
 * trained exactly as tribuo/train trains, on the other k-1 folds.
 */
final class Folds {
  private Folds() {}

  /**
   * @param mean per metric, the mean over folds ({@code cv.<name>}) and the standard deviation
   *     ({@code cv.<name>.std})
   * @param scores the primary metric of each fold
   */
  record Result(Map<String, Double> mean, String primary, List<Double> scores) {}

  /**
   * Cross-validates; after each fold records the running mean of every metric as {@code
   * cv.<name>} at step {@code fold} (so a tuner can prune on it) and stops with a failure when the
   * step is asked to stop.
   */
  static Result run(FeatureSpec spec, Table data, String algorithm, Map<String, Object> hp, long seed, int threads, int k, String shown, StepContext ctx) throws Exception {
    int n = data.rows();
    if (n < k) throw new InvalidInput(shown + ": " + k + " folds need at least " + k + " rows, found " + n);
    int[] order = Split.shuffled(Split.range(n), seed);
    Map<String, List<Double>> per = new LinkedHashMap<>();
    List<Double> scores = new ArrayList<>();
    String primary = null;
    for (int f = 0; f < k; f++) {
      if (ctx.cancelled()) throw new StepFailure("stopped after " + f + " of " + k + " folds");
      List<Integer> tr = new ArrayList<>();
      List<Integer> te = new ArrayList<>();
      for (int i = 0; i < n; i++) (i % k == f ? te : tr).add(order[i]);
      Table trainPart = data.select(tr.stream().mapToInt(Integer::intValue).toArray());
      Table testPart = data.select(te.stream().mapToInt(Integer::intValue).toArray());
      Transform tf = Transform.fit(trainPart, spec, shown);
      Transform.Encoded enc = tf.apply(trainPart, shown);
      Model<?> m = TrainStep.fit(tf, enc, algorithm, hp, seed + f, threads, "fold " + f, ctx, s -> {}).model();
      Evaluation.Result r = Evaluation.evaluate(m, tf, testPart, shown);
      r.metrics().forEach((key, v) -> {
        if (!key.contains(".")) per.computeIfAbsent(key, x -> new ArrayList<>()).add(v);
      });
      primary = r.primary();
      scores.add(r.score());
      ctx.log(String.format(Locale.ROOT, "fold %d/%d: %s = %.4f", f + 1, k, r.primary(), r.score()));
      for (var e : per.entrySet()) ctx.metric("cv." + e.getKey(), mean(e.getValue()), f + 1);
    }
    Map<String, Double> out = new LinkedHashMap<>();
    per.forEach((key, vs) -> {
      double mean = mean(vs);
      double var = vs.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum() / Math.max(1, vs.size() - 1);
      out.put("cv." + key, mean);
      out.put("cv." + key + ".std", Math.sqrt(var));
    });
    return new Result(out, "cv." + primary, scores);
  }

  private static double mean(List<Double> vs) {
    return vs.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
  }
}
