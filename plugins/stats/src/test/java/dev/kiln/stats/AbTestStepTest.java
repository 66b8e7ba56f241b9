package dev.kiln.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.kiln.api.InvalidInput;
import dev.kiln.testkit.ParamProblem;
import dev.kiln.testkit.StepHarness;
import dev.kiln.testkit.StepOutcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AbTestStepTest {
  @TempDir Path dir;

  /** 1000 rows per variant, interleaved A, B, A, B...; A converts 120 times, B 150 times (yes/no). */
  Path conversions(String name, int na, int xa, int nb, int xb) throws Exception {
    StringBuilder s = new StringBuilder("user,group,converted\n");
    int ia = 0, ib = 0, u = 0;
    while (ia < na || ib < nb) {
      if (ia < na) s.append(u++).append(",control,").append(ia++ < xa ? "yes" : "no").append('\n');
      if (ib < nb) s.append(u++).append(",new-checkout,").append(ib++ < xb ? "yes" : "no").append('\n');
    }
    return Files.writeString(dir.resolve(name), s);
  }

  StepOutcome run(String with) {
    return StepHarness.of(new AbTestStep(), dir.resolve("w")).projectDir(dir).seed(5).run(with);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> test(StepOutcome out, String name) {
    return (Map<String, Object>) ((Map<String, Object>) out.value("tests")).get(name);
  }

  @Test
  void proportionsAreTestedAndTheZTestDecides() throws Exception {
    conversions("ab.csv", 1000, 120, 1000, 150);
    StepOutcome out = run("data: ab.csv\nvariant: group\noutcome: converted").assertSucceeded();
    assertThat(out.value("control")).isEqualTo("control");
    assertThat(out.value("treatment")).isEqualTo("new-checkout");
    assertThat(out.value("metric")).isEqualTo("proportion");
    // statsmodels: proportions_ztest([150, 120], [1000, 1000]) -> p 0.04964038686536878 (see AbStatsTest)
    assertThat((Double) out.value("p-value")).isCloseTo(0.04964038686536878, within(1e-12));
    assertThat(out.value("decision")).isEqualTo("B better");
    assertThat((String) out.value("reason")).startsWith("z-test p = 0.04964 < alpha 0.05; B - A = +0.03 (95% interval +7.603e-05 to +0.05992)");
    assertThat((Double) out.value("difference")).isCloseTo(0.03, within(1e-12));
    assertThat((Double) out.value("relative-difference")).isCloseTo(0.25, within(1e-12));
    assertThat((Double) test(out, "chi-square").get("p-value")).isCloseTo((Double) test(out, "z-test").get("p-value"), within(1e-12)); // 2x2 Pearson = z^2
    assertThat(test(out, "welch")).containsEntry("status", "not applicable");
    assertThat((Double) test(out, "bayes").get("prob-b-greater")).isCloseTo(0.9750678368121437, within(1e-9));
    assertThat(test(out, "sequential")).containsEntry("status", "ok").containsKey("p-value");
    assertThat(test(out, "bootstrap")).containsEntry("status", "ok").containsEntry("resamples", 2000.0);
    assertThat(out.value("srm")).isEqualTo(Map.of("status", "ok", "p-value", 1.0, "observed-a", 1000.0, "expected-a", 1000.0, "observed-b", 1000.0, "expected-b", 1000.0,
        "chi2", 0.0, "df", 1.0, "srm-alpha", 0.001));
    String html = Files.readString(out.open("report"));
    assertThat(html).contains("<b>B better</b>", "data:image/png;base64,", "new-checkout", "Sample ratio");
    // deterministic: the same data and seed give the same bytes
    StepOutcome again = run("data: ab.csv\nvariant: group\noutcome: converted").assertSucceeded();
    assertThat(again.artifact("report").sha256()).isEqualTo(out.artifact("report").sha256());
    assertThat(again.artifact("results").sha256()).isEqualTo(out.artifact("results").sha256());
  }

  @Test
  void aNumericOutcomeIsComparedByMeansAndWelchDecides() throws Exception {
    StringBuilder s = new StringBuilder("variant,revenue\n");
    for (double v : AbStatsTest.A) s.append("A,").append(v).append('\n');
    for (double v : AbStatsTest.B) s.append("B,").append(v).append('\n');
    Files.writeString(dir.resolve("rev.csv"), s);
    StepOutcome out = run("data: rev.csv\nvariant: variant\noutcome: revenue").assertSucceeded();
    assertThat(out.value("metric")).isEqualTo("mean");
    // scipy: stats.ttest_ind(b, a, equal_var=False) -> p 0.00801982928718731, ci 0.6215695981220586 .. 3.6417637352112733
    assertThat((Double) out.value("p-value")).isCloseTo(0.00801982928718731, within(1e-12));
    assertThat((Double) out.value("ci-low")).isCloseTo(0.6215695981220586, within(1e-10));
    assertThat(out.value("decision")).isEqualTo("B better");
    // better: lower turns the same data round
    assertThat(run("data: rev.csv\nvariant: variant\noutcome: revenue\nbetter: lower").assertSucceeded().value("decision")).isEqualTo("A better");
    // scipy: stats.mannwhitneyu(b, a, alternative='two-sided', method='asymptotic') -> p 0.016095680379275525
    assertThat((Double) test(out, "mann-whitney").get("p-value")).isCloseTo(0.016095680379275525, within(1e-12));
    assertThat(test(out, "z-test")).containsEntry("status", "not applicable");
    assertThat(test(out, "sequential")).containsEntry("status", "ok");
  }

  @Test
  void noDifferenceAndKeepRunningFollowTheDecisionRule() throws Exception {
    conversions("flat.csv", 1000, 120, 1000, 125);
    // nothing planned, no min-effect: a fixed-horizon reading
    assertThat(run("data: flat.csv\nvariant: group\noutcome: converted").assertSucceeded().value("decision")).isEqualTo("no difference");
    // min-effect 0.01: the interval (-0.024 .. 0.034) is not inside +-0.01, so more data could tell
    StepOutcome wait = run("data: flat.csv\nvariant: group\noutcome: converted\nmin-effect: 0.01").assertSucceeded();
    assertThat(wait.value("decision")).isEqualTo("keep running");
    // min-effect 0.05: the interval is inside +-0.05
    assertThat(run("data: flat.csv\nvariant: group\noutcome: converted\nmin-effect: 0.05").assertSucceeded().value("decision")).isEqualTo("no difference");
    // a plan for 0.02 on a 12% baseline: NormalIndPower().solve_power(effect_size=proportion_effectsize(0.14, 0.12), alpha=0.05, power=0.8, ratio=1)
    // -> 4432.462669953644 rows per variant: not there yet
    StepOutcome planned = run("data: flat.csv\nvariant: group\noutcome: converted\nmin-effect: 0.02\nplan: {baseline: 0.12}").assertSucceeded();
    assertThat(planned.value("decision")).isEqualTo("keep running");
    assertThat((String) planned.value("reason")).contains("1000 of 4433 planned rows in A, 1000 of 4433 in B");
    assertThat(map(planned, "sample-size")).containsEntry("reached", false);
    // the sequential test never says no difference on its own
    assertThat(run("data: flat.csv\nvariant: group\noutcome: converted\ndecide-by: sequential").assertSucceeded().value("decision")).isEqualTo("keep running");
    // bayes: P(B better) ~0.64, neither way
    StepOutcome bayes = run("data: flat.csv\nvariant: group\noutcome: converted\ndecide-by: bayes").assertSucceeded();
    assertThat((String) bayes.value("reason")).startsWith("P(B better) = 0.6");
  }

  @Test
  void aPlanAloneSizesTheTest() {
    // statsmodels: NormalIndPower().solve_power(effect_size=proportion_effectsize(0.12, 0.10), alpha=0.05, power=0.8, ratio=1) -> 3834.595739884031
    StepOutcome out = run("plan: {baseline: 0.10}\nmin-effect: 0.02").assertSucceeded();
    assertThat(map(out, "sample-size")).containsEntry("control", 3835L).containsEntry("treatment", 3835L).containsEntry("total", 7670L);
    assertThat(out.outputs()).doesNotContainKey("decision");
  }

  @Test
  void aSampleRatioMismatchStopsTheReading() throws Exception {
    conversions("skew.csv", 1000, 120, 1200, 200);
    StepOutcome out = run("data: skew.csv\nvariant: group\noutcome: converted").assertSucceeded();
    assertThat(out.value("decision")).isEqualTo("keep running");
    assertThat((String) out.value("reason")).startsWith("sample ratio mismatch: the rows per variant (1000 in A, 1200 in B) differ from the planned split (expected 1100, 1100)");
    assertThat(map(out, "srm")).containsEntry("status", "mismatch");
    // planned 45/55 it is fine: scipy.stats.chisquare([1000, 1200], [990, 1210]) -> p 0.6682510562519581
    StepOutcome planned = run("data: skew.csv\nvariant: group\noutcome: converted\nsplit: {control: 45, new-checkout: 55}").assertSucceeded();
    assertThat(map(planned, "srm")).containsEntry("status", "ok");
    assertThat(planned.value("decision")).isEqualTo("B better");
  }

  @Test
  void anEmptyVariantIsNotEnoughDataWithTheNumbers() throws Exception {
    conversions("one.csv", 40, 5, 0, 0);
    StepOutcome out = run("data: one.csv\nvariant: group\noutcome: converted").assertSucceeded();
    assertThat(out.value("decision")).isEqualTo("keep running");
    assertThat((String) out.value("reason")).isEqualTo("z-test: not enough data: the z-test needs at least 1 row in each variant, found 40 in A and 0 in B");
    assertThat(test(out, "z-test")).containsEntry("status", "not enough data").containsEntry("n-a", 40.0).containsEntry("n-b", 0.0);
    assertThat(out.value("control")).isEqualTo("control");
    assertThat(out.outputs()).doesNotContainKey("treatment");
    assertThat(map(out, "srm")).containsEntry("status", "not enough data").containsEntry("note", "variant B has no rows").containsEntry("observed-a", 40.0);
    // a few rows: the tests that need more say so, with their counts
    conversions("few.csv", 3, 1, 1, 1);
    StepOutcome few = run("data: few.csv\nvariant: group\noutcome: converted\ndecide-by: bootstrap").assertSucceeded();
    assertThat(few.value("decision")).isEqualTo("keep running");
    assertThat(test(few, "bootstrap")).containsEntry("note", "the bootstrap needs at least 2 rows in each variant, found 3 in A and 1 in B");
    assertThat(test(few, "sequential")).containsEntry("status", "not enough data");
  }

  @Test
  void badInputNamesTheFileLineAndColumn() throws Exception {
    conversions("ab.csv", 10, 2, 10, 3);
    assertThat(failure("data: ab.csv\nvariant: grup\noutcome: converted"))
        .isEqualTo("ab.csv:1: no column \"grup\" (the variant: column)\n  hint: did you mean \"group\"? columns: user, group, converted");
    Files.writeString(dir.resolve("three.csv"), "v,y\nA,1\nB,0\nC,1\nA,0\n");
    assertThat(failure("data: three.csv\nvariant: v\noutcome: y"))
        .isEqualTo("three.csv: column \"v\" has 3 variants: \"A\" (2 rows), \"B\" (1 rows), \"C\" (1 rows); stats/ab-test compares two\n"
            + "  hint: set control: and treatment: (the other variants' rows are left out), one step per treatment to compare each with the control");
    assertThat(run("data: three.csv\nvariant: v\noutcome: y\ncontrol: A\ntreatment: C").assertSucceeded().value("treatment")).isEqualTo("C");
    assertThat(failure("data: three.csv\nvariant: v\noutcome: y\ncontrol: A\ntreatment: D")).startsWith("three.csv: column \"v\" has no rows of variant \"D\"; it has \"A\" (2 rows)");
    Files.writeString(dir.resolve("maybe.csv"), "v,y\nA,yes\nB,no\nA,maybe\n");
    assertThat(failure("data: maybe.csv\nvariant: v\noutcome: y"))
        .isEqualTo("maybe.csv:4:2: column \"y\" holds \"maybe\"; an outcome is a number, or a yes/no answer (1/0, yes/no, y/n, true/false)\n"
            + "  hint: set success: to the value that counts as a success (every other value then counts as a failure)");
    Files.writeString(dir.resolve("num.csv"), "v,y\nA,1\nB,0\nA,2.5\n");
    assertThat(failure("data: num.csv\nvariant: v\noutcome: y\nmetric: proportion")).startsWith("num.csv:4:2: column \"y\" holds \"2.5\", and metric: proportion needs 0 or 1");
    assertThat(failure("data: ab.csv\nvariant: group\noutcome: converted\ndecide-by: welch")).startsWith("ab.csv: decide-by: welch does not apply: the outcome is 0/1");
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(StepOutcome out, String name) {
    return (Map<String, Object>) out.value(name);
  }

  String failure(String with) {
    StepOutcome out = run(with);
    assertThat(out.failure()).as(with).isInstanceOf(InvalidInput.class);
    return out.failure().getMessage();
  }

  @Test
  void badParamsAreCaughtOffline() {
    StepHarness<AbTestStep.Params> h = StepHarness.of(new AbTestStep(), dir);
    assertThat(h.check("data: x.csv\nvariant: v\noutcome: y\nalpha: 1.5")).extracting(ParamProblem::format)
        .containsExactly("with.yaml:4:8: error[E123]: steps.step.with.alpha: alpha is between 0 and 1 (exclusive), found 1.5\n  hint: e.g. 0.05");
    assertThat(h.check("data: x.csv\nvariant: v\noutcome: y\ndecide-by: t-test")).extracting(ParamProblem::format).singleElement().asString()
        .startsWith("with.yaml:4:12: error[E122]: steps.step.with.decide-by: expected one of auto, z-test, chi-square, welch, mann-whitney, bootstrap, bayes, sequential; found \"t-test\"");
    assertThat(h.check("data: x.csv\nvariant: v\noutcome: y\nmetric: rate")).extracting(ParamProblem::format).singleElement().asString().contains("expected one of auto, proportion, mean");
    assertThat(h.check("data: x.csv\noutcome: y")).extracting(ParamProblem::format).singleElement().asString().contains("data: needs variant: and outcome:");
    assertThat(h.check("plan: {baseline: 0.1}")).extracting(ParamProblem::format).singleElement().asString().contains("plan: needs min-effect:");
    assertThat(h.check("plan: {baseline: 0.1, sd: 2}\nmin-effect: 0.01")).extracting(ParamProblem::format).singleElement().asString().contains("exactly one of baseline");
    assertThat(h.check("plan: {baseline: 0.95}\nmin-effect: 0.1")).extracting(ParamProblem::format).singleElement().asString().contains("baseline +- min-effect must stay a rate");
    assertThat(h.check("data: x.csv\nvariant: v\noutcome: y\ncontrol: A\ntreatment: A")).extracting(ParamProblem::format).singleElement().asString().contains("treatment and control are both \"A\"");
    assertThat(h.check("data: x.csv\nvariant: v\noutcome: y\nprior: [1]")).extracting(ParamProblem::format).singleElement().asString().contains("prior is [a, b]");
    assertThat(h.check("data: x.csv\nvariant: v\noutcome: y\nalpha: 0.01\nsrm-alpha: 0.001\nmin-effect: 0.01")).isEmpty();
  }
}
