package dev.kiln.stats;

import java.util.Locale;

/**
 * The decision rule of {@code stats/ab-test}, in order:
 *
 * <ol>
 *   <li>the deciding test could not run (not enough data): {@value #KEEP_RUNNING};
 *   <li>the sample-ratio-mismatch check failed (p below {@code srm-alpha}): {@value #KEEP_RUNNING},
 *       since a broken assignment makes every test's result untrustworthy;
 *   <li>the deciding test is significant at {@code alpha} (p below alpha; for {@code bootstrap} the
 *       interval excludes 0; for {@code bayes} P(B better) at least 1 - alpha or at most alpha):
 *       {@value #B_BETTER} or {@value #A_BETTER}, by the sign of the difference and {@code better:};
 *   <li>otherwise {@value #NO_DIFFERENCE} when the interval of the difference lies inside
 *       +-{@code min-effect}, or when a {@code plan:} is given and both variants reached its rows;
 *   <li>otherwise {@value #KEEP_RUNNING} when {@code min-effect} or {@code plan:} is given (the test
 *       is not yet powered to rule the effect out) or when deciding by the sequential test (which
 *       has no end);
 *   <li>otherwise (a fixed-horizon test read at its end, nothing planned) {@value #NO_DIFFERENCE}.
 * </ol>
 *
 * A is the control and B the treatment, whatever the variants are called.
 */
final class Decision {
  static final String B_BETTER = "B better";
  static final String A_BETTER = "A better";
  static final String NO_DIFFERENCE = "no difference";
  static final String KEEP_RUNNING = "keep running";

  /** A decision and why. */
  record Verdict(String decision, String reason) {}

  private Decision() {}

  /**
   * @param test the deciding test's result
   * @param fallback a result with an interval of the difference for the equivalence check when the deciding test has none (z-test or welch), or null
   * @param difference B - A as observed
   * @param higherIsBetter better: higher
   * @param minEffect the smallest difference that matters, or null
   * @param plannedReached null without a plan, else whether both variants have the planned rows
   * @param planText e.g. "1200 of 3841 planned rows in A, ..." (when a plan is given)
   */
  static Verdict decide(TestResult test, TestResult fallback, TestResult srm, double srmAlpha, double alpha, double difference, boolean higherIsBetter,
      Double minEffect, Boolean plannedReached, String planText) {
    if (!test.ok()) return new Verdict(KEEP_RUNNING, test.test() + ": " + test.status() + ": " + test.note());
    if (srm.ok() && srm.pValue() < srmAlpha) {
      return new Verdict(KEEP_RUNNING, "sample ratio mismatch: the rows per variant (" + num(srm.numbers().get("observed-a")) + " in A, " + num(srm.numbers().get("observed-b"))
          + " in B) differ from the planned split (expected " + num(srm.numbers().get("expected-a")) + ", " + num(srm.numbers().get("expected-b")) + "), chi-square p = " + AbStats.fmt(srm.pValue())
          + " < srm-alpha " + AbStats.fmt(srmAlpha) + "; the assignment is broken, so no test result can be trusted: fix it and start again");
    }
    boolean significant;
    boolean bHigher;
    String evidence;
    switch (test.test()) {
      case "bayes" -> {
        double pb = test.numbers().get("prob-b-greater");
        double pBetter = higherIsBetter ? pb : 1 - pb;
        significant = pBetter >= 1 - alpha || pBetter <= alpha;
        bHigher = pb > 0.5;
        evidence = "P(B better) = " + AbStats.fmt(pBetter) + (significant ? (pBetter >= 1 - alpha ? " >= " + AbStats.fmt(1 - alpha) : " <= " + AbStats.fmt(alpha)) : ", between " + AbStats.fmt(alpha) + " and " + AbStats.fmt(1 - alpha));
      }
      case "bootstrap" -> {
        significant = test.low() > 0 || test.high() < 0;
        bHigher = difference > 0;
        evidence = "the bootstrap interval " + interval(test, alpha) + (significant ? " excludes 0" : " includes 0");
      }
      case "mann-whitney" -> {
        significant = test.pValue() < alpha;
        bHigher = test.numbers().get("prob-b-greater") > 0.5;
        evidence = "mann-whitney p = " + AbStats.fmt(test.pValue()) + (significant ? " < " : " >= ") + "alpha " + AbStats.fmt(alpha) + ", P(B value > A value) = " + AbStats.fmt(test.numbers().get("prob-b-greater"));
      }
      default -> {
        significant = test.pValue() < alpha;
        bHigher = difference > 0;
        evidence = test.test() + " p = " + AbStats.fmt(test.pValue()) + (significant ? " < " : " >= ") + "alpha " + AbStats.fmt(alpha);
      }
    }
    String diff = "; B - A = " + signed(difference) + (test.hasInterval() ? " " + interval(test, alpha) : fallback != null && fallback.hasInterval() ? " " + interval(fallback, alpha) : "");
    if (significant) return new Verdict(bHigher == higherIsBetter ? B_BETTER : A_BETTER, evidence + diff);
    TestResult ranged = test.hasInterval() ? test : fallback;
    if (minEffect != null && ranged != null && ranged.hasInterval() && ranged.low() > -minEffect && ranged.high() < minEffect) {
      return new Verdict(NO_DIFFERENCE, evidence + diff + ", inside +-min-effect " + AbStats.fmt(minEffect));
    }
    if (plannedReached != null) {
      return plannedReached
          ? new Verdict(NO_DIFFERENCE, evidence + diff + "; the planned sample size is reached (" + planText + ")")
          : new Verdict(KEEP_RUNNING, evidence + diff + "; " + planText);
    }
    if (minEffect != null) return new Verdict(KEEP_RUNNING, evidence + diff + ", not yet inside +-min-effect " + AbStats.fmt(minEffect) + ": more data can tell");
    if (test.test().equals("sequential")) return new Verdict(KEEP_RUNNING, evidence + diff + "; the sequential test may be looked at again as rows arrive");
    return new Verdict(NO_DIFFERENCE, evidence + diff + " (a fixed-horizon test read at its end; give min-effect: or plan: to be told to keep running instead)");
  }

  static String interval(TestResult t, double alpha) {
    return "(" + pct(1 - alpha) + " interval " + signed(t.low()) + " to " + signed(t.high()) + ")";
  }

  private static String pct(double x) {
    String s = String.format(Locale.ROOT, "%.1f", 100 * x);
    return (s.endsWith(".0") ? s.substring(0, s.length() - 2) : s) + "%";
  }

  private static String signed(double v) {
    return (v > 0 ? "+" : "") + AbStats.fmt(v);
  }

  private static String num(Double v) {
    if (v == null) return "?";
    return v == Math.rint(v) ? String.valueOf(v.longValue()) : AbStats.fmt(v);
  }
}
