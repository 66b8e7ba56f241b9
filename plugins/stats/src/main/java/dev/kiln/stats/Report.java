package dev.kiln.stats;

import static dev.kiln.api.Html.escape;

import dev.kiln.api.Png;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The step's HTML page: the decision and why, the variants, every test's numbers, the
 * sample-ratio check, the plan, and two interval plots drawn with Java2D into PNG ({@link Png}):
 * fixed sizes, one logical font, no timestamps, so the same numbers give the same bytes.
 */
final class Report {
  static {
    System.setProperty("java.awt.headless", "true");
  }

  private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 13);
  private static final Font TEXT = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
  private static final Color AXIS = new Color(90, 90, 90);
  private static final Color GRID = new Color(228, 228, 228);
  private static final Color LINE = new Color(70, 130, 180);
  private static final Color BAND = new Color(255, 236, 204);

  private final String title;
  private final double alpha;
  private final StringBuilder body = new StringBuilder();

  Report(String title, double alpha) {
    this.title = title;
    this.alpha = alpha;
  }

  void data(String source, AbData d, Map<String, Object> arms, Decision.Verdict v, String decideBy, Map<String, TestResult> tests, TestResult srm, Map<String, Object> srmValue,
      Double minEffect, double difference) {
    String cls = v.decision().equals(Decision.KEEP_RUNNING) ? "wait" : v.decision().equals(Decision.NO_DIFFERENCE) ? "same" : "win";
    body.append("<div class=\"decision ").append(cls).append("\"><b>").append(escape(v.decision())).append("</b> <span>(decided by ").append(escape(decideBy)).append(")</span><p>")
        .append(escape(v.reason())).append("</p></div>\n");
    body.append("<p>").append(escape(source)).append(": outcome as ").append(d.proportion() ? "a proportion (0/1)" : "a mean").append("; A = control \"").append(escape(d.control()))
        .append("\", B = treatment ").append(d.treatment() == null ? "(none in the data)" : "\"" + escape(d.treatment()) + "\"");
    if (d.dropped() > 0) body.append("; ").append(d.dropped()).append(" rows without a variant or outcome left out");
    if (d.variants().size() > 2) body.append("; other variants left out: ").append(escape(AbData.describe(d.variants())));
    body.append(".</p>\n<h2>Variants</h2>\n<table><tr><th></th><th>variant</th><th>rows</th>").append(d.proportion() ? "<th>successes</th><th>rate</th>" : "<th>mean</th><th>sd</th>").append("</tr>\n");
    for (var e : arms.entrySet()) {
      @SuppressWarnings("unchecked")
      Map<String, Object> a = (Map<String, Object>) e.getValue();
      body.append("<tr><td>").append(a.get("role")).append("</td><td>").append(escape(e.getKey())).append("</td><td>").append(a.get("rows")).append("</td>");
      if (d.proportion()) body.append("<td>").append(a.get("successes")).append("</td><td>").append(num(a.get("mean"))).append("</td>");
      else body.append("<td>").append(num(a.get("mean"))).append("</td><td>").append(num(a.get("sd"))).append("</td>");
      body.append("</tr>\n");
    }
    body.append("</table>\n<p>B - A = ").append(Double.isFinite(difference) ? AbStats.fmt(difference) : "n/a").append("</p>\n");

    body.append("<h2>Tests</h2>\n<table><tr><th>test</th><th>status</th><th>p-value</th><th>").append(pct()).append(" interval of B - A</th><th>numbers</th></tr>\n");
    List<String> labels = new ArrayList<>();
    List<double[]> intervals = new ArrayList<>();
    for (TestResult t : tests.values()) {
      if (t.status().equals(TestResult.NOT_APPLICABLE)) continue;
      body.append("<tr").append(t.test().equals(decideBy) ? " class=\"decider\"" : "").append("><td>").append(escape(t.test())).append("</td><td>").append(escape(t.status()))
          .append(t.note() == null ? "" : "<br><small>" + escape(t.note()) + "</small>").append("</td><td>").append(Double.isNaN(t.pValue()) ? "" : AbStats.fmt(t.pValue())).append("</td><td>")
          .append(t.hasInterval() ? AbStats.fmt(t.low()) + " to " + AbStats.fmt(t.high()) : "").append("</td><td><small>");
      List<String> nums = new ArrayList<>();
      t.numbers().forEach((k, x) -> {
        if (x != null && Double.isFinite(x)) nums.add(escape(k) + " " + AbStats.fmt(x));
      });
      body.append(String.join(", ", nums)).append("</small></td></tr>\n");
      if (t.hasInterval()) {
        labels.add(t.test());
        intervals.add(new double[] {t.low(), t.high()});
      }
    }
    body.append("</table>\n");
    if (!intervals.isEmpty()) {
      body.append(img("intervals of B - A", forest("B - A: " + pct() + " intervals by test", labels, intervals, Double.isFinite(difference) ? difference : Double.NaN, minEffect)));
      body.append("<p><small>Solid line: no difference; dashed: the observed difference").append(minEffect == null ? "" : "; shaded: +-min-effect").append(
          ". Bayes: credible interval; sequential: the always-valid confidence sequence (wider: it holds at every look).</small></p>\n");
    }
    List<String> armLabels = new ArrayList<>();
    List<double[]> armIntervals = new ArrayList<>();
    double z = AbStats.z(alpha);
    for (var e : arms.entrySet()) {
      @SuppressWarnings("unchecked")
      Map<String, Object> a = (Map<String, Object>) e.getValue();
      long n = (Long) a.get("rows");
      if (n < 2 || !(a.get("mean") instanceof Double mean)) continue;
      double se = d.proportion() ? Math.sqrt(mean * (1 - mean) / n) : (Double) a.get("sd") / Math.sqrt(n);
      armLabels.add(a.get("role") + ": " + e.getKey());
      armIntervals.add(new double[] {mean - z * se, mean + z * se, mean});
    }
    if (!armIntervals.isEmpty()) body.append(img("means by variant", forest((d.proportion() ? "rate" : "mean") + " by variant, " + pct() + " normal intervals", armLabels, armIntervals, Double.NaN, null)));

    body.append("<h2>Sample ratio</h2>\n<p>").append(escape(String.valueOf(srmValue.get("status")))).append(srm.ok() ? ": chi-square p = " + AbStats.fmt(srm.pValue()) + " (fails below " + AbStats.fmt((Double) srmValue.get("srm-alpha")) + ")" : "")
        .append("; rows ").append(fmtCount(srm.numbers().get("observed-a"))).append(" in A, ").append(fmtCount(srm.numbers().get("observed-b"))).append(" in B; expected ")
        .append(AbStats.fmt(srm.numbers().get("expected-a"))).append(" and ").append(AbStats.fmt(srm.numbers().get("expected-b"))).append(".</p>\n");
  }

  void plan(Map<String, Object> plan) {
    body.append("<h2>Plan</h2>\n<table>");
    plan.forEach((k, v) -> body.append("<tr><th>").append(escape(k)).append("</th><td>").append(escape(num(v))).append("</td></tr>"));
    body.append("</table>\n<p>Rows per variant for a two-sided test at alpha ").append(AbStats.fmt(alpha)).append(" to detect min-effect with the given power (normal approximation, as statsmodels' NormalIndPower).</p>\n");
  }

  String html() {
    return "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + escape(title) + "</title><style>\n"
        + "body{font-family:sans-serif;max-width:980px;margin:2em auto;color:#222}table{border-collapse:collapse;margin:.5em 0}"
        + "td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}tr.decider{background:#eef5fb}"
        + ".decision{padding:.6em 1em;border-radius:6px;margin:1em 0}.decision b{font-size:1.4em}.win{background:#e3f4e1}.same{background:#eee}.wait{background:#fff4d6}\n"
        + "</style></head><body>\n<h1>" + escape(title) + "</h1>\n" + body + "</body></html>\n";
  }

  private String pct() {
    String s = String.format(Locale.ROOT, "%.1f", 100 * (1 - alpha));
    return (s.endsWith(".0") ? s.substring(0, s.length() - 2) : s) + "%";
  }

  private static String num(Object v) {
    if (v instanceof Double x) return AbStats.fmt(x);
    return String.valueOf(v);
  }

  private static String fmtCount(Double v) {
    return v == null ? "?" : String.valueOf(v.longValue());
  }

  private static String img(String alt, byte[] png) {
    return "<figure><img alt=\"" + escape(alt) + "\" src=\"data:image/png;base64," + Base64.getEncoder().encodeToString(png) + "\"></figure>\n";
  }

  /**
   * One horizontal interval per row ({@code [low, high]} or {@code [low, high, point]}), a
   * vertical line at 0 (for differences), the observed difference dashed, and the band
   * +-{@code band} shaded when given.
   */
  static byte[] forest(String title, List<String> labels, List<double[]> rows, double point, Double band) {
    int rowH = 26;
    int w = 640;
    int h = 70 + rowH * rows.size() + 30;
    int left = 150;
    int right = w - 24;
    int top = 36;
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_OFF);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, w, h);
    g.setColor(Color.BLACK);
    g.setFont(TITLE);
    g.drawString(title, 12, 20);
    boolean differences = band != null || !Double.isNaN(point);
    double lo = differences ? 0 : Double.POSITIVE_INFINITY;
    double hi = differences ? 0 : Double.NEGATIVE_INFINITY;
    for (double[] r : rows) {
      lo = Math.min(lo, r[0]);
      hi = Math.max(hi, r[1]);
    }
    if (band != null) {
      lo = Math.min(lo, -band);
      hi = Math.max(hi, band);
    }
    if (!(hi > lo)) {
      lo -= 1;
      hi += 1;
    }
    double pad = (hi - lo) * 0.06;
    lo -= pad;
    hi += pad;
    int bottom = top + rowH * rows.size() + 8;
    final double flo = lo;
    final double fhi = hi;
    java.util.function.DoubleToIntFunction x = v -> (int) Math.round(left + (v - flo) / (fhi - flo) * (right - left));
    if (band != null) {
      g.setColor(BAND);
      g.fillRect(x.applyAsInt(-band), top, x.applyAsInt(band) - x.applyAsInt(-band), bottom - top);
    }
    double[] ticks = ticks(lo, hi);
    g.setFont(TEXT);
    for (double t : ticks) {
      int tx = x.applyAsInt(t);
      g.setColor(GRID);
      g.drawLine(tx, top, tx, bottom);
      g.setColor(AXIS);
      String s = AbStats.fmt(t);
      g.drawString(s, tx - g.getFontMetrics().stringWidth(s) / 2, bottom + 16);
    }
    if (differences) {
      g.setColor(Color.BLACK);
      g.drawLine(x.applyAsInt(0), top, x.applyAsInt(0), bottom);
    }
    if (!Double.isNaN(point)) {
      g.setColor(new Color(200, 80, 60));
      g.setStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {4f, 4f}, 0f));
      g.drawLine(x.applyAsInt(point), top, x.applyAsInt(point), bottom);
    }
    g.setStroke(new BasicStroke(2.5f));
    for (int i = 0; i < rows.size(); i++) {
      double[] r = rows.get(i);
      int y = top + i * rowH + rowH / 2 + 4;
      g.setColor(AXIS);
      String label = labels.get(i);
      g.drawString(label, left - 10 - g.getFontMetrics().stringWidth(label), y + 4);
      g.setColor(LINE);
      g.drawLine(x.applyAsInt(r[0]), y, x.applyAsInt(r[1]), y);
      g.drawLine(x.applyAsInt(r[0]), y - 5, x.applyAsInt(r[0]), y + 5);
      g.drawLine(x.applyAsInt(r[1]), y - 5, x.applyAsInt(r[1]), y + 5);
      if (r.length > 2) g.fillOval(x.applyAsInt(r[2]) - 4, y - 4, 8, 8);
    }
    g.setStroke(new BasicStroke(1f));
    g.setColor(AXIS);
    g.drawRect(left, top, right - left, bottom - top);
    g.dispose();
    return Png.encode(img);
  }

  /** About six round tick values between lo and hi. */
  static double[] ticks(double lo, double hi) {
    double raw = (hi - lo) / 6;
    double mag = Math.pow(10, Math.floor(Math.log10(raw)));
    double step = raw / mag < 1.5 ? mag : raw / mag < 3.5 ? 2 * mag : raw / mag < 7.5 ? 5 * mag : 10 * mag;
    List<Double> out = new ArrayList<>();
    for (double t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) out.add(Math.abs(t) < step * 1e-9 ? 0 : t);
    return out.stream().mapToDouble(Double::doubleValue).toArray();
  }
}
