package dev.kiln.tribuo.eval;

import dev.kiln.api.InvalidInput;
import dev.kiln.tribuo.data.Table;
import dev.kiln.tribuo.data.Task;
import dev.kiln.tribuo.features.Transform;
import dev.kiln.tribuo.train.TribuoData;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import dev.kiln.tribuo.data.Split;
import org.tribuo.Example;
import org.tribuo.Model;
import org.tribuo.Prediction;
import org.tribuo.anomaly.Event;
import org.tribuo.anomaly.evaluation.AnomalyEvaluation;
import org.tribuo.anomaly.evaluation.AnomalyEvaluator;
import org.tribuo.classification.Label;
import org.tribuo.classification.evaluation.ConfusionMetrics;
import org.tribuo.classification.evaluation.LabelConfusionMatrix;
import org.tribuo.evaluation.metrics.MetricTarget;
import org.tribuo.clustering.ClusterID;
import org.tribuo.clustering.evaluation.ClusteringEvaluation;
import org.tribuo.clustering.evaluation.ClusteringEvaluator;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/** Scores a model on labelled rows: metrics by task, plus what the plots need. */
public final class Evaluation {
  /**
   * What an evaluation found.
   *
   * @param metrics flat metric name -> value (per-class metrics as {@code precision.<label>})
   * @param primary the name of the metric used to compare models (higher is better)
   * @param labels class labels (classification), in confusion-matrix order
   * @param confusion rows = actual, columns = predicted (classification, anomaly)
   * @param roc label -> {fpr, tpr} (classification with probabilities)
   * @param pr label -> {recall, precision}
   * @param actual actual values (regression, original scale)
   * @param predicted predicted values (regression, original scale)
   * @param clusterSizes rows per predicted cluster (clustering)
   * @param correct per row: was the predicted output the actual one (classification, anomaly)
   */
  public record Result(
      Task task, Map<String, Double> metrics, String primary, List<String> labels, double[][] confusion,
      Map<String, double[][]> roc, Map<String, double[][]> pr, double[] actual, double[] predicted, Map<Integer, Integer> clusterSizes, boolean[] correct) {
    public double score() {
      return metrics.getOrDefault(primary, Double.NaN);
    }

    Result withCorrect(boolean[] c) {
      return new Result(task, metrics, primary, labels, confusion, roc, pr, actual, predicted, clusterSizes, c);
    }
  }

  private Evaluation() {}

  /** The metric that ranks models for a task (higher is better). */
  public static String primaryMetric(Task task, boolean labelled) {
    return switch (task) {
      case CLASSIFICATION -> "accuracy";
      case REGRESSION -> "r2";
      case CLUSTERING -> labelled ? "nmi" : "silhouette";
      case ANOMALY -> "f1";
    };
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  public static Result evaluate(Model<?> model, Transform tf, Table data, String file) throws InvalidInput {
    Task task = tf.input().task();
    if (tf.input().target() != null && data.schema().index(tf.input().target()) < 0 && task != Task.CLUSTERING) {
      throw new InvalidInput(file + ": evaluation needs the target column \"" + tf.input().target() + "\", which this data does not have");
    }
    Transform.Encoded enc = tf.apply(data, file);
    List<Example> examples = (List) TribuoData.examples(tf, enc);
    List<Prediction> preds = ((Model) model).predict(examples);
    var prov = new SimpleDataSourceProvenance("evaluation data", TribuoData.factory(task));
    Map<String, Double> m = new LinkedHashMap<>();
    return switch (task) {
      case CLASSIFICATION -> classification(model, (List) preds, prov, m, tf).withCorrect(correct(preds));
      case REGRESSION -> regression(preds, data, tf, m);
      case CLUSTERING -> clustering(model, preds, enc, prov, m, tf, data);
      case ANOMALY -> anomaly(model, (List) preds, prov, m).withCorrect(correct(preds));
    };
  }

  /** Per prediction: is its output the example's actual output (ignoring scores)? */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static boolean[] correct(List<Prediction> preds) {
    boolean[] ok = new boolean[preds.size()];
    for (int i = 0; i < ok.length; i++) {
      Prediction p = preds.get(i);
      ok[i] = p.getOutput().getSerializableForm(false).equals(p.getExample().getOutput().getSerializableForm(false));
    }
    return ok;
  }

  private static Result classification(Model<?> model, List<Prediction<Label>> preds, SimpleDataSourceProvenance prov, Map<String, Double> m, Transform tf) {
    // Tribuo's own confusion metrics over its confusion matrix: the numbers LabelEvaluator gives, without
    // the per-label ROC and PR curves it also computes from boxed lists (Curves does those, once)
    @SuppressWarnings("unchecked")
    LabelConfusionMatrix cm = new LabelConfusionMatrix(((Model<Label>) model).getOutputIDInfo(), preds);
    MetricTarget<Label> macro = MetricTarget.macroAverageTarget();
    m.put("accuracy", ConfusionMetrics.accuracy(MetricTarget.<Label>microAverageTarget(), cm));
    m.put("balanced-accuracy", 1 - ConfusionMetrics.balancedErrorRate(cm));
    m.put("precision-macro", ConfusionMetrics.precision(macro, cm));
    m.put("recall-macro", ConfusionMetrics.recall(macro, cm));
    m.put("f1-macro", ConfusionMetrics.f1(macro, cm));
    List<String> labels = new ArrayList<>(tf.labels());
    for (Prediction<Label> p : preds) {
      String a = p.getExample().getOutput().getLabel();
      if (!labels.contains(a)) labels.add(a);
    }
    Map<String, double[][]> roc = new LinkedHashMap<>();
    Map<String, double[][]> pr = new LinkedHashMap<>();
    boolean probs = model.generatesProbabilities() && !preds.isEmpty() && preds.get(0).hasProbabilities();
    String positive = TribuoData.positive(tf);
    for (String l : labels) {
      Label label = new Label(l);
      MetricTarget<Label> target = new MetricTarget<>(label);
      m.put("precision." + l, ConfusionMetrics.precision(target, cm));
      m.put("recall." + l, ConfusionMetrics.recall(target, cm));
      m.put("f1." + l, ConfusionMetrics.f1(target, cm));
    }
    if (probs) {
      double logLoss = 0;
      for (Prediction<Label> p : preds) {
        Label pl = p.getOutputScores().get(p.getExample().getOutput().getLabel());
        double q = pl == null ? 0 : pl.getScore();
        logLoss -= Math.log(Math.max(q, 1e-15));
      }
      m.put("log-loss", logLoss / preds.size());
      List<String> curveLabels = labels.size() == 2 ? List.of(positive != null ? positive : labels.get(1)) : labels;
      double aucSum = 0;
      int aucN = 0;
      for (String l : curveLabels) {
        boolean[] isL = new boolean[preds.size()];
        double[] score = new double[preds.size()];
        boolean any = false;
        boolean all = true;
        for (int i = 0; i < preds.size(); i++) {
          Prediction<Label> p = preds.get(i);
          isL[i] = p.getExample().getOutput().getLabel().equals(l);
          any |= isL[i];
          all &= isL[i];
          Label s = p.getOutputScores().get(l);
          score[i] = s == null ? 0 : s.getScore();
        }
        if (!any || all) continue;
        Curves curves = Curves.of(isL, score);
        double auc = curves.rocAuc();
        m.put("roc-auc." + l, auc);
        aucSum += auc;
        aucN++;
        roc.put(l, curves.roc());
        pr.put(l, curves.pr());
        m.put("average-precision." + l, curves.averagePrecision());
      }
      if (aucN > 0) m.put("roc-auc", aucSum / aucN);
    }
    double[][] confusion = new double[labels.size()][labels.size()];
    for (Prediction<Label> p : preds) {
      int a = labels.indexOf(p.getExample().getOutput().getLabel());
      int b = labels.indexOf(p.getOutput().getLabel());
      if (a >= 0 && b >= 0) confusion[a][b]++;
    }
    return new Result(Task.CLASSIFICATION, m, "accuracy", labels, confusion, roc, pr, null, null, null, null);
  }

  private static Result regression(List<Prediction> preds, Table data, Transform tf, Map<String, Double> m) {
    double[] actual = data.numeric(tf.input().target()).clone();
    double[] predicted = new double[preds.size()];
    for (int i = 0; i < predicted.length; i++) {
      org.tribuo.regression.Regressor r = (org.tribuo.regression.Regressor) preds.get(i).getOutput();
      predicted[i] = tf.invertTarget(r.getValues()[0]);
    }
    double mean = Arrays.stream(actual).average().orElse(0);
    double sse = 0;
    double sae = 0;
    double sst = 0;
    for (int i = 0; i < actual.length; i++) {
      double e = actual[i] - predicted[i];
      sse += e * e;
      sae += Math.abs(e);
      sst += (actual[i] - mean) * (actual[i] - mean);
    }
    int n = Math.max(1, actual.length);
    m.put("rmse", Math.sqrt(sse / n));
    m.put("mae", sae / n);
    m.put("r2", sst > 0 ? 1 - sse / sst : 0);
    return new Result(Task.REGRESSION, m, "r2", List.of(), null, Map.of(), Map.of(), actual, predicted, null, null);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Result clustering(Model<?> model, List<Prediction> preds, Transform.Encoded enc, SimpleDataSourceProvenance prov, Map<String, Double> m, Transform tf, Table data) {
    boolean labelled = tf.input().target() != null && data.schema().index(tf.input().target()) >= 0;
    int[] assigned = new int[preds.size()];
    Map<Integer, Integer> sizes = new java.util.TreeMap<>();
    for (int i = 0; i < assigned.length; i++) {
      assigned[i] = ((ClusterID) preds.get(i).getOutput()).getID();
      sizes.merge(assigned[i], 1, Integer::sum);
    }
    if (labelled) {
      ClusteringEvaluation ev = new ClusteringEvaluator().evaluate((Model<ClusterID>) model, (List) preds, prov);
      m.put("nmi", ev.normalizedMI());
      m.put("adjusted-mi", ev.adjustedMI());
    }
    m.put("silhouette", silhouette(enc, assigned, 2000));
    m.put("clusters", (double) sizes.size());
    return new Result(Task.CLUSTERING, m, primaryMetric(Task.CLUSTERING, labelled), List.of(), null, Map.of(), Map.of(), null, null, sizes, null);
  }

  /** Mean silhouette over at most {@code limit} rows (a fixed sample), Euclidean distance. */
  static double silhouette(Transform.Encoded enc, int[] cluster, int limit) {
    int n = cluster.length;
    int d = enc.featureNames().size();
    int[] rows = n <= limit ? Split.range(n) : Arrays.copyOf(Split.shuffled(Split.range(n), 17), limit);
    double[][] x = new double[rows.length][d];
    for (int i = 0; i < rows.length; i++) {
      int[] idx = enc.index()[rows[i]];
      double[] v = enc.value()[rows[i]];
      for (int k = 0; k < idx.length; k++) x[i][idx[k]] = v[k];
    }
    double total = 0;
    int counted = 0;
    for (int i = 0; i < rows.length; i++) {
      Map<Integer, double[]> byCluster = new java.util.HashMap<>();
      for (int j = 0; j < rows.length; j++) {
        if (i == j) continue;
        double s = 0;
        for (int k = 0; k < d; k++) {
          double t = x[i][k] - x[j][k];
          s += t * t;
        }
        double[] acc = byCluster.computeIfAbsent(cluster[rows[j]], c -> new double[2]);
        acc[0] += Math.sqrt(s);
        acc[1]++;
      }
      double[] own = byCluster.get(cluster[rows[i]]);
      if (own == null || own[1] == 0) continue;
      double a = own[0] / own[1];
      double b = Double.POSITIVE_INFINITY;
      for (var e : byCluster.entrySet()) if (e.getKey() != cluster[rows[i]]) b = Math.min(b, e.getValue()[0] / e.getValue()[1]);
      if (Double.isInfinite(b)) continue;
      total += (b - a) / Math.max(a, b);
      counted++;
    }
    return counted == 0 ? 0 : total / counted;
  }

  private static Result anomaly(Model<?> model, List<Prediction<Event>> preds, SimpleDataSourceProvenance prov, Map<String, Double> m) {
    @SuppressWarnings("unchecked")
    AnomalyEvaluation ev = new AnomalyEvaluator().evaluate((Model<Event>) model, preds, prov);
    m.put("precision", ev.getPrecision());
    m.put("recall", ev.getRecall());
    m.put("f1", ev.getF1());
    m.put("tp", (double) ev.getTruePositives());
    m.put("fp", (double) ev.getFalsePositives());
    m.put("tn", (double) ev.getTrueNegatives());
    m.put("fn", (double) ev.getFalseNegatives());
    double[][] confusion = {{ev.getTrueNegatives(), ev.getFalsePositives()}, {ev.getFalseNegatives(), ev.getTruePositives()}};
    for (String k : List.of("precision", "recall", "f1")) if (Double.isNaN(m.get(k))) m.put(k, 0.0);
    return new Result(Task.ANOMALY, m, "f1", List.of("expected", "anomalous"), confusion, Map.of(), Map.of(), null, null, null, null);
  }
}
