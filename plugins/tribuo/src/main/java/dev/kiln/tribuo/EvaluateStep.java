package dev.kiln.tribuo;

import dev.kiln.api.Artifact;
import dev.kiln.api.Output;
import dev.kiln.api.Param;
import dev.kiln.api.StepContext;
import dev.kiln.api.StepResult;
import dev.kiln.api.StepType;
import dev.kiln.tribuo.data.Table;
import dev.kiln.tribuo.data.Task;
import dev.kiln.tribuo.eval.Evaluation;
import dev.kiln.tribuo.eval.Plots;
import dev.kiln.tribuo.eval.Report;
import dev.kiln.tribuo.features.Transform;
import dev.kiln.tribuo.train.Algorithms;
import dev.kiln.tribuo.train.ModelBundle;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import dev.kiln.tribuo.data.Split;
import org.tribuo.Model;

/** Scores a model on held-out data (or by k-fold cross-validation); writes metrics, plots and an HTML report. */
final class EvaluateStep implements StepType<EvaluateStep.Params> {

  record Params(
      @Param(value = "the model bundle (tribuo/train's model output)", required = true) Artifact model,
      @Param(value = "held-out data (a tribuo/ingest split); with folds: the data to cross-validate on", required = true) Artifact data,
      @Param(value = "k-fold cross-validation: refit the transform and the model's algorithm on k-1 folds, score the k-th", min = 2, max = 100) Integer folds,
      @Param("report title") String title) {}

  @Override
  public Info<Params> info() {
    return new Info<>(
        "tribuo/evaluate",
        "Scores a model: metrics by task, confusion/ROC/PR/residual/importance/loss plots, HTML report",
        Params.class,
        "1",
        List.of(
            Output.artifact("metrics", "every metric (JSON), per class where it applies, plus the confusion matrix"),
            Output.artifact("report", "one self-contained HTML page with the metrics and the plots"),
            Output.value("plots", "plot name -> PNG artifact (confusion-matrix, roc, pr, residuals, predicted-vs-actual, feature-importance, loss, ...)"),
            Output.value("score", "the primary metric (accuracy, r2, nmi or silhouette, f1)"),
            Output.value("metric", "the name of the primary metric"),
            Output.value("values", "metric name -> value")));
  }

  @Override
  public StepResult execute(Params p, StepContext ctx) throws Exception {
    long t0 = System.nanoTime();
    ModelBundle bundle = ModelBundle.read(ctx.open(p.model()), Steps.shown(p.model()));
    Table data = Steps.dataset(ctx, p.data());
    String shown = Steps.shown(p.data());
    long t1 = System.nanoTime();
    long t2;
    Map<String, byte[]> plots = new LinkedHashMap<>();
    Map<String, Object> json = new LinkedHashMap<>();
    List<String> notes = new ArrayList<>();
    Map<String, Double> metrics;
    String primary;
    if (p.folds() != null) {
      metrics = crossValidate(bundle, data, p.folds(), shown, ctx, plots);
      t2 = System.nanoTime();
      primary = "cv." + Evaluation.primaryMetric(bundle.transform().input().task(), bundle.transform().input().target() != null);
      notes.add(p.folds() + "-fold cross-validation of " + bundle.card().algorithm() + " on " + data.rows() + " rows: the transform and the model are refitted on each training fold; values are means over folds (.std: standard deviation).");
    } else {
      Evaluation.Result r = Evaluation.evaluate(bundle.model(), bundle.transform(), data, shown);
      metrics = r.metrics();
      primary = r.primary();
      t2 = System.nanoTime();
      render(r, bundle, plots);
      if (r.confusion() != null) {
        json.put("confusion-matrix", Map.of("labels", r.labels(), "rows-actual-columns-predicted", r.confusion()));
      }
      notes.add("Held-out evaluation on " + data.rows() + " rows of " + shown + ".");
    }
    lossPlot(bundle, plots);
    long t3 = System.nanoTime();
    json.put("metrics", metrics);
    json.put("primary", primary);
    json.put("model", Map.of("sha256", p.model().sha256(), "algorithm", String.valueOf(bundle.card().algorithm())));
    json.put("data", Map.of("sha256", p.data().sha256(), "rows", data.rows()));
    StepResult.Builder out = StepResult.builder();
    metrics.forEach((k, v) -> {
      if (!Double.isNaN(v)) out.metric(k, v);
    });
    out.output("metrics", Steps.storeJson(ctx, "metrics.json", json));
    Map<String, Object> plotArtifacts = new LinkedHashMap<>();
    for (var e : plots.entrySet()) plotArtifacts.put(e.getKey(), Steps.store(ctx, e.getKey() + ".png", e.getValue(), "image/png"));
    String title = p.title() != null ? p.title() : "Evaluation of " + bundle.card().algorithm() + " (" + bundle.transform().input().task().yamlName() + ")";
    String html = Report.html(title, bundle.card().toMap(), metrics, plots, notes);
    out.output("report", Steps.store(ctx, "report.html", html.getBytes(StandardCharsets.UTF_8), "text/html"));
    long t4 = System.nanoTime();
    double score = metrics.getOrDefault(primary, Double.NaN);
    ctx.log(String.format(java.util.Locale.ROOT, "%s = %.4f; %d plots", primary, score, plots.size()));
    ctx.log(String.format(java.util.Locale.ROOT, "time: read model and data %.2fs, %s %.2fs, plots %.2fs, report and store %.2fs",
        (t1 - t0) / 1e9, p.folds() != null ? "cross-validation" : "predict and metrics", (t2 - t1) / 1e9, (t3 - t2) / 1e9, (t4 - t3) / 1e9));
    Map<String, Object> values = new LinkedHashMap<>();
    metrics.forEach((k, v) -> {
      if (!Double.isNaN(v)) values.put(k, v);
    });
    return out.output("plots", plotArtifacts).output("score", score).output("metric", primary).output("values", values).build();
  }

  private static void render(Evaluation.Result r, ModelBundle bundle, Map<String, byte[]> plots) throws java.io.IOException {
    switch (r.task()) {
      case CLASSIFICATION, ANOMALY -> {
        plots.put("confusion-matrix", Plots.confusion(r.labels(), r.confusion()));
        if (!r.roc().isEmpty()) plots.put("roc", Plots.curves("ROC curve", "false positive rate", "true positive rate", withAuc(r.roc(), r.metrics(), "roc-auc."), true));
        if (!r.pr().isEmpty()) plots.put("pr", Plots.curves("Precision-recall curve", "recall", "precision", withAuc(r.pr(), r.metrics(), "average-precision."), false));
      }
      case REGRESSION -> {
        plots.put("predicted-vs-actual", Plots.scatter("Predicted vs actual", "actual", "predicted", r.actual(), r.predicted(), true, false));
        double[] resid = new double[r.actual().length];
        for (int i = 0; i < resid.length; i++) resid[i] = r.actual()[i] - r.predicted()[i];
        plots.put("residuals", Plots.scatter("Residuals", "predicted", "actual - predicted", r.predicted(), resid, false, true));
      }
      case CLUSTERING -> {
        List<String> names = new ArrayList<>();
        List<Double> sizes = new ArrayList<>();
        r.clusterSizes().forEach((k, v) -> {
          names.add("cluster " + k);
          sizes.add((double) v);
        });
        plots.put("cluster-sizes", Plots.bars("Rows per cluster", "cluster", "rows", names, sizes));
      }
    }
    importance(bundle.model(), plots);
  }

  private static Map<String, double[][]> withAuc(Map<String, double[][]> curves, Map<String, Double> m, String prefix) {
    Map<String, double[][]> out = new LinkedHashMap<>();
    curves.forEach((k, v) -> out.put(k + String.format(java.util.Locale.ROOT, " (%.3f)", m.getOrDefault(prefix + k, Double.NaN)), v));
    return out;
  }

  /** Top features by |weight| or importance, summed over outputs when the model reports per output. */
  static void importance(Model<?> model, Map<String, byte[]> plots) throws java.io.IOException {
    Map<String, List<com.oracle.labs.mlrg.olcut.util.Pair<String, Double>>> top;
    try {
      top = model.getTopFeatures(20);
    } catch (RuntimeException e) {
      return;
    }
    if (top == null || top.isEmpty()) return;
    Map<String, Double> sum = new LinkedHashMap<>();
    for (var list : top.values()) for (var pair : list) if (!pair.getA().equals(Model.BIAS_FEATURE)) sum.merge(pair.getA(), Math.abs(pair.getB()), Double::sum);
    if (sum.isEmpty()) return;
    List<Map.Entry<String, Double>> sorted = new ArrayList<>(sum.entrySet());
    sorted.sort(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()));
    sorted = sorted.subList(0, Math.min(20, sorted.size()));
    List<String> names = new ArrayList<>();
    List<Double> values = new ArrayList<>();
    for (var e : sorted) {
      names.add(e.getKey().length() > 30 ? e.getKey().substring(0, 27) + "..." : e.getKey());
      values.add(e.getValue());
    }
    plots.put("feature-importance", Plots.bars("Feature importance (top " + names.size() + ")", "feature", "importance", names, values));
  }

  @SuppressWarnings("unchecked")
  private static void lossPlot(ModelBundle bundle, Map<String, byte[]> plots) throws java.io.IOException {
    Object curve = bundle.card().details().get("loss-curve");
    if (!(curve instanceof List<?> l) || l.isEmpty()) return;
    double[] x = new double[l.size()];
    double[] y = new double[l.size()];
    for (int i = 0; i < l.size(); i++) {
      List<Number> pt = (List<Number>) l.get(i);
      x[i] = pt.get(0).doubleValue();
      y[i] = pt.get(1).doubleValue();
    }
    plots.put("loss", Plots.line("Training loss (" + bundle.card().algorithm() + ")", "iteration", "average loss", x, y));
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Map<String, Double> crossValidate(ModelBundle bundle, Table data, int k, String shown, StepContext ctx, Map<String, byte[]> plots) throws Exception {
    dev.kiln.api.ModelCard card = bundle.card();
    Task task = bundle.transform().input().task();
    String algorithm = card.algorithm();
    Map<String, Object> hp = Algorithms.check(algorithm, task, card.hyperparameters());
    long seed = card.seed();
    Folds.Result r = Folds.run(bundle.transform().spec(), data, algorithm, hp, seed, 1, k, shown, ctx);
    List<String> foldNames = new ArrayList<>();
    for (int f = 0; f < r.scores().size(); f++) foldNames.add("fold " + (f + 1));
    plots.put("cv-folds", Plots.bars("Score per fold (" + Evaluation.primaryMetric(task, true) + ")", "fold", "score", foldNames, r.scores()));
    return r.mean();
  }
}
