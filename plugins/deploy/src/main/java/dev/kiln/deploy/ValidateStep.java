package dev.kiln.deploy;

import static dev.kiln.api.Html.escape;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.api.Artifact;
import dev.kiln.api.InvalidInput;
import dev.kiln.api.InvalidParamException;
import dev.kiln.api.ModelCard;
import dev.kiln.api.ModelRuntime;
import dev.kiln.api.Models;
import dev.kiln.api.Output;
import dev.kiln.api.Param;
import dev.kiln.api.StepContext;
import dev.kiln.api.StepResult;
import dev.kiln.api.StepType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The gate: judges a candidate model on a holdout — absolute thresholds, a minimum change against
 * the current champion, a statistical test against the champion on the same rows, and a data
 * check against the champion's training data — and stores the verdict (a blessing, with every
 * check) against the candidate in the registry. {@code kiln promote} moves an alias only to a
 * blessed version.
 */
final class ValidateStep implements StepType<ValidateStep.Params> {
  static final Set<String> LOWER_IS_BETTER = Set.of("rmse", "mae", "log-loss");
  private static final Map<String, String> METRIC_ALIASES = Map.of("auc", "roc-auc");
  private static final ObjectMapper JSON = ExportStep.JSON;

  record AgainstChampion(
      @Param(value = "the metric compared (a metric of the task, as in require:)", required = true) String metric,
      @Param(value = "the smallest improvement over the champion that passes, in the metric's units (for rmse, mae, log-loss a decrease is an improvement); negative tolerates a drop, e.g. -0.005", defaultValue = "0 when min-relative-change is not given") Double minChange,
      @Param("the smallest relative improvement, change / |champion's value|, e.g. 0.01 = 1% better") Double minRelativeChange) {
    AgainstChampion {
      if (minChange == null && minRelativeChange == null) minChange = 0.0;
    }
  }

  record Compare(
      @Param(value = "mcnemar (classification, anomaly: exact test on the rows the two models disagree on) or bootstrap (regression: paired bootstrap of the squared-error difference)", defaultValue = "by task") String test,
      @Param(value = "significance level: the check fails when the candidate is worse than the champion at this level (one-sided)", min = 0.0001, max = 0.5, defaultValue = "0.05") Double alpha,
      @Param(value = "bootstrap resamples", min = 100, max = 100000, defaultValue = "2000") Integer resamples) {
    Compare {
      if (test != null && !test.equals("mcnemar") && !test.equals("bootstrap")) throw new InvalidParamException("test", false, "unknown test \"" + test + "\"", "valid: mcnemar, bootstrap");
      alpha = alpha == null ? 0.05 : alpha;
      resamples = resamples == null ? 2000 : resamples;
    }
  }

  record DataCheck(
      @Param(value = "the largest population stability index a feature may have against the champion's training data (0.1 = small shift, 0.25 = large)", min = 0, defaultValue = "0.25") Double maxPsi,
      @Param(value = "fail when input columns were added, removed or changed type", defaultValue = "true") Boolean schema,
      @Param(value = "quantile bins for numeric features", min = 2, max = 100, defaultValue = "10") Integer bins) {
    DataCheck {
      maxPsi = maxPsi == null ? 0.25 : maxPsi;
      schema = schema == null || schema;
      bins = bins == null ? 10 : bins;
    }
  }

  record Params(
      @Param(value = "the candidate model bundle (tribuo/train's model output)", required = true) Artifact model,
      @Param(value = "the holdout both candidate and champion are scored on (a tribuo/ingest split, with the target)", required = true) Artifact data,
      @Param(value = "the registered model name: whose champion the candidate is compared with, and for which the verdict is stored", required = true) String name,
      @Param(value = "the alias of the version to compare with", defaultValue = "champion") String champion,
      @Param("metric -> threshold on the holdout, e.g. {roc-auc: \">= 0.80\", log-loss: \"< 0.5\"} (auc means roc-auc)") Map<String, String> require,
      @Param("a minimum change of one metric against the champion, on the same holdout") AgainstChampion againstChampion,
      @Param("a statistical test against the champion on the same holdout rows") Compare compare,
      @Param("a check of the candidate's training data against the champion's: schema and population stability per feature") DataCheck dataCheck) {
    Params {
      RegisterStep.checkName(name);
      champion = champion == null ? "champion" : champion;
      require = require == null ? Map.of() : require;
      for (var e : require.entrySet()) {
        if (Threshold.parse(e.getValue()) == null) {
          throw new InvalidParamException("require." + e.getKey(), false, "a threshold is an operator and a number, found \"" + e.getValue() + "\"", "e.g. \">= 0.80\" or \"< 0.35\"; operators: >= > <= <");
        }
      }
      if (require.isEmpty() && againstChampion == null && compare == null && dataCheck == null) {
        throw new InvalidParamException("require", true, "a validate step needs at least one check; without one every candidate would pass unexamined",
            "add require: {roc-auc: \">= 0.80\"}, against-champion: {metric: roc-auc, min-change: -0.005}, compare: {test: mcnemar} or data-check: {max-psi: 0.25}");
      }
    }
  }

  @Override
  public Info<Params> info() {
    return new Info<>(
        "kiln/validate",
        "Judges a candidate model against thresholds and the current champion; stores the blessing the promotion gate requires",
        Params.class,
        "1",
        List.of(
            Output.value("blessed", "true when every check that ran passed"),
            Output.artifact("report", "every check with its value, threshold and outcome (JSON)"),
            Output.artifact("html", "the same as a page"),
            Output.value("failed", "the names of the failed checks"),
            Output.value("champion-version", "the champion's version compared with, or 0 when there was none")));
  }

  /** The verdict depends on the registry's champion, which is not part of the cache key: validate every time. */
  @Override
  public boolean cacheable() {
    return false;
  }

  /** One check: {@code passed} is null when it could not run (no champion yet, data not in this store). */
  record Check(String name, String kind, Boolean passed, Double value, String expected, String detail) {
    String line() {
      String v = value == null ? "" : " = " + fmt(value);
      return (passed == null ? "SKIP " : passed ? "PASS " : "FAIL ") + name + v + (expected == null ? "" : " (" + expected + ")") + (detail == null ? "" : ": " + detail);
    }
  }

  static String fmt(double v) {
    return String.format(Locale.ROOT, "%.4g", v);
  }

  /** A model as the gate sees it: the runtime that loaded it, and the model. */
  record Judged(ModelRuntime runtime, ModelRuntime.Loaded model) {
    ModelCard card() {
      return model.card();
    }
  }

  @Override
  public StepResult execute(Params p, StepContext ctx) throws Exception {
    String shownModel = shown(p.model());
    String shownData = shown(p.data());
    ModelRuntime rt = Runtimes.of(ctx, p.model(), shownModel);
    Judged candidate = new Judged(rt, rt.load(ctx.open(p.model()), shownModel));
    String task = candidate.card().task();
    ModelRuntime.Evaluation cand = candidate.model().evaluate(ctx.open(p.data()), shownData);
    List<Check> checks = new ArrayList<>();
    StepResult.Builder out = StepResult.builder();
    Map<String, Double> candMetrics = headline(cand);
    candMetrics.forEach((k, v) -> out.metric("candidate." + k, v));

    for (var e : new TreeMap<>(p.require()).entrySet()) {
      String metric = metricName(e.getKey(), cand);
      Threshold t = Threshold.parse(e.getValue());
      double v = cand.metrics().get(metric);
      checks.add(new Check(e.getKey(), "threshold", t.test(v), v, t.toString(), null));
    }

    Optional<Models.Version> champ = ctx.models().alias(p.name(), p.champion());
    Integer championVersion = champ.map(Models.Version::version).orElse(null);
    boolean wantsChampion = p.againstChampion() != null || p.compare() != null || p.dataCheck() != null;
    if (champ.isEmpty()) {
      if (wantsChampion) {
        ctx.log("no " + p.name() + "@" + p.champion() + " yet: the candidate is judged on its absolute checks only");
        if (p.againstChampion() != null) checks.add(new Check("against-champion." + p.againstChampion().metric(), "champion", null, null, null, "no " + p.champion() + " of " + p.name() + " yet"));
        if (p.compare() != null) checks.add(new Check("compare", "champion", null, null, null, "no " + p.champion() + " of " + p.name() + " yet"));
        if (p.dataCheck() != null) checks.add(new Check("data", "data", null, null, null, "no " + p.champion() + " of " + p.name() + " yet"));
      }
    } else if (wantsChampion) {
      Models.Version cv = champ.get();
      String shownChampion = p.name() + " version " + cv.version();
      ModelRuntime crt = Runtimes.of(ctx, cv.artifact(), shownChampion);
      Judged champion = new Judged(crt, crt.load(ctx.open(cv.artifact()), shownChampion));
      String ct = champion.card().task();
      if (!java.util.Objects.equals(ct, task)) throw new InvalidInput(shownModel + ": the candidate is a " + task + " model, " + p.name() + "@" + p.champion() + " (version " + cv.version() + ") a " + ct + " model; they cannot be compared\n  hint: register it under another name");
      ModelRuntime.Evaluation ch = champion.model().evaluate(ctx.open(p.data()), shownData);
      headline(ch).forEach((k, v) -> out.metric("champion." + k, v));
      ctx.log(p.name() + "@" + p.champion() + " is version " + cv.version() + " (run " + cv.runId() + "); both scored on " + shownData + " (" + cand.rows() + " rows)");
      if (p.againstChampion() != null) checks.add(againstChampion(p.againstChampion(), cand, ch, cv.version()));
      if (p.compare() != null) checks.add(compare(p.compare(), task, cand, ch, ctx.seed()));
      if (p.dataCheck() != null) checks.addAll(dataCheck(p.dataCheck(), candidate, champion, ctx));
    }

    boolean blessed = checks.stream().allMatch(c -> c.passed() == null || c.passed());
    List<String> failed = checks.stream().filter(c -> Boolean.FALSE.equals(c.passed())).map(Check::name).toList();
    for (Check c : checks) ctx.log(c.line());
    ctx.log((blessed ? "BLESSED: " : "NOT BLESSED: ") + p.name() + " candidate " + p.model().sha256().substring(0, 12)
        + (blessed ? "" : " failed " + String.join(", ", failed)) + (championVersion == null ? "" : " (against version " + championVersion + ")"));

    Map<String, Object> report = new LinkedHashMap<>();
    report.put("model", p.name());
    report.put("candidate", p.model().sha256());
    report.put("holdout", Map.of("sha256", p.data().sha256(), "rows", cand.rows()));
    report.put("champion", championVersion == null ? null : Map.of("alias", p.champion(), "version", championVersion));
    report.put("blessed", blessed);
    List<Map<String, Object>> list = new ArrayList<>();
    for (Check c : checks) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", c.name());
      m.put("kind", c.kind());
      m.put("status", c.passed() == null ? "skipped" : c.passed() ? "passed" : "failed");
      m.put("value", c.value());
      m.put("expected", c.expected());
      m.put("detail", c.detail());
      list.add(m);
    }
    report.put("checks", list);
    report.put("metrics", candMetrics);
    ctx.models().bless(p.name(), p.model(), blessed, report, championVersion);

    Path json = ctx.scratchDir().resolve("validation.json");
    Files.write(json, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(report));
    Path html = ctx.scratchDir().resolve("validation.html");
    Files.writeString(html, html(p.name(), blessed, championVersion, checks, candMetrics));
    return out.output("blessed", blessed)
        .output("report", ctx.storeArtifact(json, "application/json"))
        .output("html", ctx.storeArtifact(html, "text/html"))
        .output("failed", failed)
        .output("champion-version", championVersion == null ? 0 : championVersion)
        .build();
  }

  /** The overall metrics of an evaluation (not the per-class ones such as {@code f1.<label>}), by name. */
  private static Map<String, Double> headline(ModelRuntime.Evaluation r) {
    Map<String, Double> m = new TreeMap<>();
    r.metrics().forEach((k, v) -> {
      if (!k.contains(".")) m.put(k, v);
    });
    return m;
  }

  static String shown(Artifact a) {
    return a.name() != null && !a.name().isEmpty() ? a.name() : "artifact " + a.sha256().substring(0, 12);
  }

  /** The evaluation's name for a metric the user wrote ({@code auc} is {@code roc-auc}); unknown names are invalid input. */
  static String metricName(String written, ModelRuntime.Evaluation r) throws InvalidInput {
    String m = METRIC_ALIASES.getOrDefault(written, written);
    if (r.metrics().containsKey(m)) return m;
    List<String> known = List.copyOf(headline(r).keySet());
    throw new InvalidInput("kiln/validate: no metric \"" + written + "\" for a " + r.task() + " model\n  hint: metrics of this model: " + String.join(", ", known));
  }

  static Check againstChampion(AgainstChampion a, ModelRuntime.Evaluation cand, ModelRuntime.Evaluation champ, int version) throws InvalidInput {
    String m = metricName(a.metric(), cand);
    double c = cand.metrics().get(m);
    Double h = champ.metrics().get(m);
    if (h == null) throw new InvalidInput("kiln/validate: against-champion: the champion (version " + version + ") has no metric \"" + m + "\" on the holdout\n  hint: compare on a metric both models have: " + String.join(", ", headline(champ).keySet()));
    double change = LOWER_IS_BETTER.contains(m) ? h - c : c - h;
    double rel = h == 0 ? (change > 0 ? Double.POSITIVE_INFINITY : change < 0 ? Double.NEGATIVE_INFINITY : 0) : change / Math.abs(h);
    boolean ok = (a.minChange() == null || change >= a.minChange()) && (a.minRelativeChange() == null || rel >= a.minRelativeChange());
    List<String> want = new ArrayList<>();
    if (a.minChange() != null) want.add("change >= " + fmt(a.minChange()));
    if (a.minRelativeChange() != null) want.add("relative change >= " + fmt(a.minRelativeChange()));
    return new Check("against-champion." + a.metric(), "champion", ok, change, String.join(" and ", want),
        String.format(Locale.ROOT, "%s %s vs %s for version %d (relative %+.2f%%)", m, fmt(c), fmt(h), version, 100 * rel));
  }

  static Check compare(Compare cmp, String task, ModelRuntime.Evaluation cand, ModelRuntime.Evaluation ch, long seed) throws InvalidInput {
    String test = cmp.test() != null ? cmp.test() : REGRESSION.equals(task) ? "bootstrap" : "mcnemar";
    if (test.equals("mcnemar")) {
      if (!CLASSIFICATION.equals(task) && !ANOMALY.equals(task)) throw new InvalidInput("kiln/validate: compare: McNemar's test needs a classifier or anomaly detector, this is a " + task + " model\n  hint: use test: bootstrap for regression");
      Stats.McNemar r = Stats.mcnemar(paired(ch.correct(), "correct", "the champion"), paired(cand.correct(), "correct", "the candidate"));
      boolean ok = r.p() >= cmp.alpha();
      return new Check("compare.mcnemar", "statistical", ok, r.p(), "p >= " + fmt(cmp.alpha()) + " (not significantly worse)",
          r.worse() + " rows only the champion got right, " + r.better() + " only the candidate");
    }
    if (!REGRESSION.equals(task)) throw new InvalidInput("kiln/validate: compare: the bootstrap compares regression errors, this is a " + task + " model\n  hint: use test: mcnemar");
    Stats.Bootstrap b = Stats.bootstrapMse(paired(cand.actual(), "actual", "the candidate"), paired(cand.predicted(), "predicted", "the candidate"),
        paired(ch.predicted(), "predicted", "the champion"), cmp.resamples(), cmp.alpha(), seed);
    boolean ok = b.lower() <= 0;
    return new Check("compare.bootstrap", "statistical", ok, b.difference(), "lower bound of the MSE increase <= 0",
        String.format(Locale.ROOT, "candidate MSE - champion MSE = %s, %d%% one-sided interval from %s (%d resamples)", fmt(b.difference()),
            Math.round(100 * (1 - cmp.alpha())), fmt(b.lower()), b.resamples()));
  }

  static final String CLASSIFICATION = "classification";
  static final String REGRESSION = "regression";
  static final String ANOMALY = "anomaly";

  /** Per-row values a paired test needs; a runtime that did not give them cannot be compared row by row. */
  private static <T> T paired(T values, String what, String whose) throws InvalidInput {
    if (values == null) {
      throw new InvalidInput("kiln/validate: compare: the model runtime of " + whose + " gave no per-row " + what + " values, which the paired test needs\n  hint: drop compare: for this model, or judge it with require: and against-champion:");
    }
    return values;
  }

  static List<Check> dataCheck(DataCheck d, Judged candidate, Judged champion, StepContext ctx) throws Exception {
    ModelRuntime.Dataset ours = trainingData(candidate, ctx);
    ModelRuntime.Dataset theirs = trainingData(champion, ctx);
    if (ours == null || theirs == null) {
      return List.of(new Check("data", "data", null, null, null,
          (ours == null ? "the candidate's" : "the champion's") + " training data is not in this artifact store (trained under another KILN_HOME)"));
    }
    List<Check> out = new ArrayList<>();
    String target = candidate.card().target();
    Map<String, ModelRuntime.Column> a = columns(theirs, target);
    Map<String, ModelRuntime.Column> b = columns(ours, target);
    List<String> diffs = new ArrayList<>();
    for (var e : a.entrySet()) {
      if (!b.containsKey(e.getKey())) diffs.add("removed " + e.getKey());
      else if (!type(b.get(e.getKey())).equals(type(e.getValue()))) diffs.add(e.getKey() + ": " + type(e.getValue()) + " -> " + type(b.get(e.getKey())));
    }
    for (String k : b.keySet()) if (!a.containsKey(k)) diffs.add("added " + k);
    out.add(new Check("data.schema", "data", d.schema() ? diffs.isEmpty() : null, (double) diffs.size(), d.schema() ? "no column added, removed or retyped" : null,
        diffs.isEmpty() ? "same " + b.size() + " input columns" : String.join("; ", diffs)));
    for (var e : b.entrySet()) {
      ModelRuntime.Column theirsColumn = a.get(e.getKey());
      if (theirsColumn == null || !type(theirsColumn).equals(type(e.getValue()))) continue;
      ModelRuntime.Column oursColumn = e.getValue();
      Double psi = null;
      if (oursColumn.numbers() != null && theirsColumn.numbers() != null) psi = Stats.psi(theirsColumn.numbers(), oursColumn.numbers(), d.bins());
      else if (oursColumn.strings() != null && theirsColumn.strings() != null) psi = Stats.psi(theirsColumn.strings(), oursColumn.strings());
      if (psi != null) out.add(new Check("data.psi." + e.getKey(), "data", psi <= d.maxPsi(), psi, "<= " + fmt(d.maxPsi()), null));
    }
    return out;
  }

  private static String type(ModelRuntime.Column c) {
    return c.field().type();
  }

  /** The feature columns of a dataset by name: every column but the target. */
  private static Map<String, ModelRuntime.Column> columns(ModelRuntime.Dataset s, String target) {
    Map<String, ModelRuntime.Column> m = new TreeMap<>();
    for (ModelRuntime.Column c : s.columns()) if (!c.field().name().equals(target)) m.put(c.field().name(), c);
    return m;
  }

  /** The training data a model card names, read by the model's runtime, when it is in this artifact store. */
  private static ModelRuntime.Dataset trainingData(Judged m, StepContext ctx) throws Exception {
    ModelCard.Lineage lineage = m.card().lineage();
    if (lineage == null || lineage.trainingData() == null || lineage.trainingData().sha256() == null) return null;
    Optional<Artifact> a = ctx.models().artifact(lineage.trainingData().sha256());
    if (a.isEmpty()) return null;
    return m.runtime().dataset(ctx.open(a.get()), String.valueOf(lineage.trainingData().name()));
  }

  static String html(String model, boolean blessed, Integer champion, List<Check> checks, Map<String, Double> metrics) {
    StringBuilder b = new StringBuilder("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Validation of ").append(escape(model))
        .append("</title>\n<style>body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 10px;text-align:left}")
        .append(".passed{color:#1a7f37}.failed{color:#cf222e;font-weight:bold}.skipped{color:#888}</style></head><body>\n<h1>")
        .append(escape(model)).append(": ").append(blessed ? "<span class=\"passed\">blessed</span>" : "<span class=\"failed\">not blessed</span>").append("</h1>\n<p>")
        .append(champion == null ? "No champion yet: judged on absolute checks." : "Compared with version " + champion + ".").append("</p>\n<table><tr><th>check</th><th>status</th><th>value</th><th>expected</th><th>detail</th></tr>\n");
    for (Check c : checks) {
      String st = c.passed() == null ? "skipped" : c.passed() ? "passed" : "failed";
      b.append("<tr><td>").append(escape(c.name())).append("</td><td class=\"").append(st).append("\">").append(st).append("</td><td>")
          .append(c.value() == null ? "" : fmt(c.value())).append("</td><td>").append(escape(String.valueOf(c.expected() == null ? "" : c.expected())))
          .append("</td><td>").append(escape(c.detail() == null ? "" : c.detail())).append("</td></tr>\n");
    }
    b.append("</table>\n<h2>Candidate metrics on the holdout</h2>\n<table>");
    metrics.forEach((k, v) -> b.append("<tr><td>").append(escape(k)).append("</td><td>").append(fmt(v)).append("</td></tr>"));
    return b.append("</table>\n</body></html>\n").toString();
  }
}
