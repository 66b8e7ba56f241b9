package dev.kiln.stats;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.kiln.api.Artifact;
import dev.kiln.api.InvalidInput;
import dev.kiln.api.InvalidParamException;
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

/**
 * Compares a treatment (B) with a control (A) on one outcome: a 0/1 outcome as proportions (z-test,
 * chi-square, bootstrap, beta-binomial, sequential), a numeric one as means (Welch's t, Mann-Whitney
 * U, bootstrap, sequential); checks the sample ratio; sizes a planned test; decides "B better", "A
 * better", "no difference" or "keep running" ({@link Decision}); writes an HTML report.
 */
final class AbTestStep implements StepType<AbTestStep.Params> {
  /** Monte Carlo draws for the beta-binomial credible interval of the difference. */
  static final int BAYES_DRAWS = 100_000;

  enum Metric { AUTO, PROPORTION, MEAN }

  enum Better { HIGHER, LOWER }

  enum DecideBy { AUTO, Z_TEST, CHI_SQUARE, WELCH, MANN_WHITNEY, BOOTSTRAP, BAYES, SEQUENTIAL }

  record Plan(
      @Param("the control's expected rate, for a 0/1 outcome (e.g. 0.10)") Double baseline,
      @Param("the outcome's standard deviation, for a numeric outcome") Double sd,
      @Param(value = "the chance to detect a true difference of min-effect", defaultValue = "0.8") Double power,
      @Param(value = "B's rows per A row", defaultValue = "from split:, else 1") Double ratio) {
    Plan {
      if (baseline != null && !(baseline > 0 && baseline < 1)) throw new InvalidParamException("baseline", false, "baseline is a rate between 0 and 1 (exclusive), found " + baseline, null);
      if (sd != null && !(sd > 0)) throw new InvalidParamException("sd", false, "sd must be above 0, found " + sd, null);
      if (power != null && !(power > 0 && power < 1)) throw new InvalidParamException("power", false, "power is between 0 and 1 (exclusive), found " + power, "e.g. 0.8");
      if (ratio != null && !(ratio > 0)) throw new InvalidParamException("ratio", false, "ratio must be above 0, found " + ratio, null);
      if ((baseline == null) == (sd == null)) throw new IllegalArgumentException("plan: needs exactly one of baseline (a 0/1 outcome's rate) and sd (a numeric outcome's standard deviation)");
      power = power == null ? 0.8 : power;
    }
  }

  record Params(
      @Param("the rows: a dataset artifact (Parquet) or a project CSV/Parquet file; one row per unit (user, session)") Artifact data,
      @Param("the column naming each row's variant") String variant,
      @Param("the column of each row's outcome: 0/1 or yes/no (a proportion) or a number (a mean)") String outcome,
      @Param(value = "the control variant (A)", defaultValue = "the first variant by name") String control,
      @Param(value = "the treatment variant (B)", defaultValue = "the other variant") String treatment,
      @Param(value = "auto, proportion or mean", defaultValue = "auto: proportion for a 0/1 or yes/no outcome, else mean") Metric metric,
      @Param("for a text outcome: the value counted as a success (every other value is a failure)") String success,
      @Param(value = "higher or lower: which direction of the outcome is better", defaultValue = "higher") Better better,
      @Param(value = "the significance level, in (0, 1)", defaultValue = "0.05") Double alpha,
      @Param(value = "the test that decides: auto, z-test, chi-square, welch, mann-whitney, bootstrap, bayes or sequential", defaultValue = "auto: z-test for proportions, welch for means") DecideBy decideBy,
      @Param("the smallest difference B - A that matters, in the outcome's units (a rate difference for proportions)") Double minEffect,
      @Param("sizes the test for min-effect: {baseline: or sd:, power:, ratio:}; with data, the decision waits for the planned rows") Plan plan,
      @Param(value = "the planned share of each variant, e.g. {control: 50, treatment: 50}", defaultValue = "equal") Map<String, Double> split,
      @Param(value = "the sample-ratio-mismatch check fails below this p-value, in (0, 1)", defaultValue = "0.001") Double srmAlpha,
      @Param(value = "bootstrap resamples", min = 100, max = 1_000_000, defaultValue = "2000") Integer resamples,
      @Param(value = "the beta prior [a, b] of each variant's rate", defaultValue = "[1, 1]") List<Double> prior,
      @Param(value = "the sequential test's mixing standard deviation (the effect sizes it expects), in the outcome's units", defaultValue = "min-effect, else 0.1 x the outcome's standard deviation") Double mixingSd,
      @Param(value = "the column that orders rows in time, for the sequential test", defaultValue = "the dataset's time role, else file order") String time,
      @Param("seed of the bootstrap and the Monte Carlo draws (default: derived from the pipeline and step)") Long seed,
      @Param(value = "the report's title", defaultValue = "A/B test: <outcome> by <variant>") String title) {
    Params {
      if (alpha != null && !(alpha > 0 && alpha < 1)) throw new InvalidParamException("alpha", false, "alpha is between 0 and 1 (exclusive), found " + alpha, "e.g. 0.05");
      if (srmAlpha != null && !(srmAlpha > 0 && srmAlpha < 1)) throw new InvalidParamException("srm-alpha", false, "srm-alpha is between 0 and 1 (exclusive), found " + srmAlpha, "e.g. 0.001");
      if (minEffect != null && !(minEffect > 0)) throw new InvalidParamException("min-effect", false, "min-effect is a size, above 0, found " + minEffect, "give its magnitude; better: says which direction is good");
      if (mixingSd != null && !(mixingSd > 0)) throw new InvalidParamException("mixing-sd", false, "mixing-sd must be above 0, found " + mixingSd, null);
      if (prior != null && (prior.size() != 2 || !(prior.get(0) > 0) || !(prior.get(1) > 0))) {
        throw new InvalidParamException("prior", false, "prior is [a, b], both above 0, found " + prior, "e.g. [1, 1] (uniform) or [0.5, 0.5] (Jeffreys)");
      }
      if (split != null) {
        for (var e : split.entrySet()) {
          if (!(e.getValue() > 0)) throw new InvalidParamException("split." + e.getKey(), false, "a share must be above 0, found " + e.getValue(), null);
        }
      }
      if (plan != null && plan.baseline() != null && minEffect != null && !(plan.baseline() + minEffect < 1 && plan.baseline() - minEffect > 0)) {
        throw new InvalidParamException("min-effect", false, "baseline +- min-effect must stay a rate between 0 and 1, found " + plan.baseline() + " +- " + minEffect, null);
      }
      if (control != null && control.equals(treatment)) throw new InvalidParamException("treatment", false, "treatment and control are both \"" + control + "\"", "name two different variants");
      if (data == null && plan == null) throw new IllegalArgumentException("give data: (the rows to test), plan: (to size a test), or both");
      if (data != null && (variant == null || outcome == null)) throw new IllegalArgumentException("data: needs variant: and outcome: (the columns to compare)");
      if (plan != null && minEffect == null) throw new IllegalArgumentException("plan: needs min-effect: (the difference the test must detect)");
      metric = metric == null ? Metric.AUTO : metric;
      better = better == null ? Better.HIGHER : better;
      alpha = alpha == null ? 0.05 : alpha;
      decideBy = decideBy == null ? DecideBy.AUTO : decideBy;
      srmAlpha = srmAlpha == null ? 0.001 : srmAlpha;
      resamples = resamples == null ? 2000 : resamples;
      prior = prior == null ? List.of(1.0, 1.0) : prior;
      split = split == null ? Map.of() : split;
    }
  }

  @Override
  public Info<Params> info() {
    return new Info<>(
        "stats/ab-test",
        "A/B test of a variant against the control: z-test, chi-square, Welch, Mann-Whitney, bootstrap, Bayesian, sequential (mSPRT); sample-ratio check; sample size; decision and HTML report",
        Params.class,
        "1",
        List.of(
            Output.value("decision", "B better | A better | no difference | keep running (B is the treatment, A the control)"),
            Output.value("reason", "why, in one line: the deciding test's numbers"),
            Output.value("control", "the control variant (A)"),
            Output.value("treatment", "the treatment variant (B)"),
            Output.value("metric", "proportion or mean"),
            Output.value("arms", "per variant: rows, mean (the rate for proportions), sd, successes"),
            Output.value("difference", "B - A of the means (rates)"),
            Output.value("relative-difference", "(B - A) / A"),
            Output.value("decided-by", "the test the decision follows"),
            Output.value("p-value", "the deciding test's p-value (absent for bootstrap and bayes)"),
            Output.value("ci-low", "the deciding test's interval for B - A: lower end"),
            Output.value("ci-high", "upper end"),
            Output.value("tests", "per test: status (ok | not enough data | not applicable), p-value, interval and its numbers"),
            Output.value("srm", "the sample-ratio-mismatch check: status (ok | mismatch | not enough data), p-value, observed and expected rows"),
            Output.value("sample-size", "with plan: the rows each variant needs (control, treatment, total), the effect size and, with data, whether they are reached"),
            Output.artifact("report", "an HTML page: decision, variants, every test, interval plots"),
            Output.artifact("results", "everything above as JSON")));
  }

  @Override
  public StepResult execute(Params p, StepContext ctx) throws Exception {
    long seed = p.seed() == null ? ctx.seed() : p.seed();
    Map<String, Object> result = new LinkedHashMap<>();
    StepResult.Builder out = StepResult.builder();
    Report report = new Report(p.title() != null ? p.title() : p.data() == null ? "A/B test plan" : "A/B test: " + p.outcome() + " by " + p.variant(), p.alpha());
    AbData d = null;
    if (p.data() != null) {
      String shown = p.data().name();
      d = AbData.read(ctx.open(p.data()), shown, new AbData.Ask(p.variant(), p.outcome(), p.time(), p.metric().name().toLowerCase(Locale.ROOT), p.success(), p.control(), p.treatment()));
      if (d.dropped() > 0) ctx.log(d.dropped() + " rows without a variant or an outcome left out");
      if (p.plan() != null && p.plan().baseline() != null && !d.proportion()) {
        throw new InvalidInput(shown + ": the outcome \"" + p.outcome() + "\" is numeric, and plan: baseline: is for a 0/1 outcome\n  hint: give plan: sd: (the outcome's standard deviation) instead");
      }
      if (p.plan() != null && p.plan().sd() != null && d.proportion()) {
        throw new InvalidInput(shown + ": the outcome \"" + p.outcome() + "\" is 0/1, and plan: sd: is for a numeric outcome\n  hint: give plan: baseline: (the control's expected rate) instead");
      }
    }
    Map<String, Object> sampleSize = p.plan() == null ? null : plan(p, d);
    if (d == null) {
      result.put("sample-size", sampleSize);
      out.output("sample-size", sampleSize);
      report.plan(sampleSize);
      ctx.log("plan: " + sampleSize.get("control") + " rows in the control and " + sampleSize.get("treatment") + " in the treatment");
      return finish(ctx, out, result, report);
    }
    double[] a = d.arm(false);
    double[] b = d.arm(true);
    long na = a.length;
    long nb = b.length;
    long xa = d.proportion() ? d.successes(false) : 0;
    long xb = d.proportion() ? d.successes(true) : 0;
    double meanA = na == 0 ? Double.NaN : AbStats.mean(a);
    double meanB = nb == 0 ? Double.NaN : AbStats.mean(b);
    double difference = meanB - meanA;
    double alpha = p.alpha();

    Map<String, TestResult> tests = new LinkedHashMap<>();
    if (d.proportion()) {
      tests.put("z-test", AbStats.zTest(xa, na, xb, nb, alpha));
      tests.put("chi-square", AbStats.chiSquare(new long[][] {{na - xa, xa}, {nb - xb, xb}}));
      tests.put("welch", TestResult.notApplicable("welch", "the outcome is 0/1: see z-test"));
      tests.put("mann-whitney", TestResult.notApplicable("mann-whitney", "the outcome is 0/1: see chi-square"));
      tests.put("bootstrap", AbStats.bootstrap(null, null, xa, na, xb, nb, p.resamples(), alpha, seed));
      tests.put("bayes", AbStats.bayes(xa, na, xb, nb, p.prior().get(0), p.prior().get(1), alpha, BAYES_DRAWS, seed));
    } else {
      tests.put("z-test", TestResult.notApplicable("z-test", "the outcome is numeric: see welch"));
      tests.put("chi-square", TestResult.notApplicable("chi-square", "the outcome is numeric: see mann-whitney"));
      tests.put("welch", AbStats.welch(a, b, alpha));
      tests.put("mann-whitney", AbStats.mannWhitney(a, b));
      tests.put("bootstrap", AbStats.bootstrap(a, b, 0, na, 0, nb, p.resamples(), alpha, seed));
      tests.put("bayes", TestResult.notApplicable("bayes", "the beta-binomial model is for a 0/1 outcome"));
    }
    double tau = p.mixingSd() != null ? p.mixingSd() : p.minEffect() != null ? p.minEffect() : 0.1 * pooledSd(d);
    tests.put("sequential", tau > 0
        ? AbStats.sequential(d.values(), d.inB(), tau, alpha, d.proportion())
        : TestResult.notEnoughData("sequential", "every value is the same: no variance to set the mixing standard deviation from", Map.of("n-a", (double) na, "n-b", (double) nb)));

    TestResult srm = srm(p, d, na, nb);
    String decideBy = p.decideBy() == DecideBy.AUTO ? (d.proportion() ? "z-test" : "welch") : p.decideBy().name().toLowerCase(Locale.ROOT).replace('_', '-');
    TestResult decider = tests.get(decideBy);
    if (decider.status().equals(TestResult.NOT_APPLICABLE)) {
      throw new InvalidInput(p.data().name() + ": decide-by: " + decideBy + " does not apply: " + decider.note()
          + "\n  hint: " + (d.proportion() ? "for a 0/1 outcome use z-test, chi-square, bootstrap, bayes or sequential" : "for a numeric outcome use welch, mann-whitney, bootstrap or sequential"));
    }
    TestResult fallback = tests.get(d.proportion() ? "z-test" : "welch");
    Boolean reached = null;
    String planText = null;
    if (sampleSize != null) {
      long needA = (Long) sampleSize.get("control");
      long needB = (Long) sampleSize.get("treatment");
      reached = na >= needA && nb >= needB;
      planText = na + " of " + needA + " planned rows in A, " + nb + " of " + needB + " in B";
      sampleSize.put("reached", reached);
    }
    Decision.Verdict v = Decision.decide(decider, fallback, srm, p.srmAlpha(), alpha, difference, p.better() == Better.HIGHER, p.minEffect(), reached, planText);

    Map<String, Object> arms = new LinkedHashMap<>();
    arms.put(d.control(), arm("A", a, xa, d.proportion()));
    if (d.treatment() != null) arms.put(d.treatment(), arm("B", b, xb, d.proportion()));
    Map<String, Object> testValues = new LinkedHashMap<>();
    tests.forEach((k, t) -> testValues.put(k, t.asValue()));
    Map<String, Object> srmValue = srm.asValue();
    srmValue.put("status", !srm.ok() ? srm.status() : srm.pValue() < p.srmAlpha() ? "mismatch" : "ok");
    srmValue.put("srm-alpha", p.srmAlpha());

    result.put("decision", v.decision());
    result.put("reason", v.reason());
    result.put("control", d.control());
    result.put("treatment", d.treatment());
    result.put("metric", d.proportion() ? "proportion" : "mean");
    result.put("arms", arms);
    if (Double.isFinite(difference)) result.put("difference", difference);
    if (Double.isFinite(difference) && meanA != 0) result.put("relative-difference", difference / meanA);
    result.put("decided-by", decideBy);
    if (!Double.isNaN(decider.pValue())) result.put("p-value", decider.pValue());
    TestResult ranged = decider.hasInterval() ? decider : fallback;
    if (ranged.hasInterval()) {
      result.put("ci-low", ranged.low());
      result.put("ci-high", ranged.high());
    }
    result.put("tests", testValues);
    result.put("srm", srmValue);
    if (sampleSize != null) result.put("sample-size", sampleSize);
    if (d.dropped() > 0) result.put("dropped-rows", d.dropped());
    if (d.variants().size() > 2) result.put("variants", d.variants());
    result.forEach((k, x) -> {
      if (x != null && !k.equals("dropped-rows") && !k.equals("variants")) out.output(k, x);
    });
    if (Double.isFinite(difference)) out.metric("difference", difference);
    if (!Double.isNaN(decider.pValue())) out.metric("p-value", decider.pValue());
    if (tests.get("bayes").ok()) out.metric("prob-b-greater", tests.get("bayes").numbers().get("prob-b-greater"));
    out.metric("rows-a", na).metric("rows-b", nb);
    ctx.log(v.decision() + ": " + v.reason());

    report.data(p.data().name(), d, arms, v, decideBy, tests, srm, srmValue, p.minEffect(), difference);
    if (sampleSize != null) report.plan(sampleSize);
    return finish(ctx, out, result, report);
  }

  private StepResult finish(StepContext ctx, StepResult.Builder out, Map<String, Object> result, Report report) throws Exception {
    Path dir = ctx.scratchDir();
    Path json = dir.resolve("results.json");
    Files.writeString(json, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(result) + "\n");
    Path html = dir.resolve("report.html");
    Files.writeString(html, report.html());
    Artifact r = ctx.storeArtifact(html, "text/html");
    ctx.log("report: " + r.uri());
    return out.output("report", r).output("results", ctx.storeArtifact(json, "application/json")).build();
  }

  private static Map<String, Object> arm(String role, double[] x, long successes, boolean proportion) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("role", role);
    m.put("rows", (long) x.length);
    if (x.length > 0) m.put("mean", AbStats.mean(x));
    if (x.length > 1) m.put("sd", Math.sqrt(AbStats.variance(x, AbStats.mean(x))));
    if (proportion) m.put("successes", successes);
    return m;
  }

  private static double pooledSd(AbData d) {
    if (d.values().length < 2) return 0;
    return Math.sqrt(AbStats.variance(d.values(), AbStats.mean(d.values())));
  }

  /** The planned share of A and B: from split: (which must name both when given), else equal. */
  private static double[] shares(Params p, AbData d) throws InvalidInput {
    if (p.split().isEmpty()) return new double[] {1, 1};
    List<String> missing = new ArrayList<>();
    for (String n : new String[] {d.control(), d.treatment()}) if (n != null && !p.split().containsKey(n)) missing.add(n);
    if (!missing.isEmpty()) {
      throw new InvalidInput(p.data().name() + ": split: has no share for variant " + String.join(" and ", missing.stream().map(s -> "\"" + s + "\"").toList())
          + " (it names " + String.join(", ", p.split().keySet()) + ")\n  hint: name each variant compared, e.g. split: {" + d.control() + ": 50, " + (d.treatment() == null ? "B" : d.treatment()) + ": 50}");
    }
    return new double[] {p.split().get(d.control()), d.treatment() == null ? 1 : p.split().get(d.treatment())};
  }

  private static TestResult srm(Params p, AbData d, long na, long nb) throws InvalidInput {
    double[] s = shares(p, d);
    return AbStats.srm(new long[] {na, nb}, s);
  }

  private static Map<String, Object> plan(Params p, AbData d) throws InvalidInput {
    Plan plan = p.plan();
    double ratio = plan.ratio() != null ? plan.ratio() : d != null && !p.split().isEmpty() ? shares(p, d)[1] / shares(p, d)[0] : 1;
    boolean proportion = plan.baseline() != null;
    double effect = proportion
        ? Power.cohensH(plan.baseline(), plan.baseline() + (p.better() == Better.HIGHER ? p.minEffect() : -p.minEffect()))
        : p.minEffect() / plan.sd();
    double rowsA = Power.rowsA(effect, p.alpha(), plan.power(), ratio);
    long needA = (long) Math.ceil(rowsA - 1e-9);
    long needB = (long) Math.ceil(rowsA * ratio - 1e-9);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("control", needA);
    m.put("treatment", needB);
    m.put("total", needA + needB);
    m.put("effect-size", effect);
    m.put("effect-size-kind", proportion ? "cohens-h" : "cohens-d");
    m.put("min-effect", p.minEffect());
    if (proportion) m.put("baseline", plan.baseline());
    else m.put("sd", plan.sd());
    m.put("power", plan.power());
    m.put("alpha", p.alpha());
    m.put("ratio", ratio);
    return m;
  }
}
