package dev.kiln.data.profile;

import static dev.kiln.api.Html.escape;

import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The EDA report: one self-contained HTML page (PNG charts inlined as data URIs) and the charts
 * themselves, keyed by name: {@code histogram-<column>}, {@code bars-<column>}, {@code
 * target-<column>}, {@code pearson}, {@code spearman}, {@code cramers-v}.
 */
public final class Report {
  /** The page and its charts. */
  public record Rendered(String html, Map<String, byte[]> plots) {}

  private final Profile p;
  private final String title;
  private final Map<String, byte[]> plots = new LinkedHashMap<>();
  private final StringBuilder b = new StringBuilder();

  private Report(Profile p, String title) {
    this.p = p;
    this.title = title;
  }

  public static Rendered render(Profile p, String title) {
    Report r = new Report(p, title);
    r.page();
    return new Rendered(r.b.toString(), r.plots);
  }

  private void page() {
    b.append("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").append(escape(title)).append("</title>\n<style>")
        .append("body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:1400px}table{border-collapse:collapse;margin:1em 0}")
        .append("td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}th{background:#f3f3f3}.num{text-align:right;font-variant-numeric:tabular-nums}")
        .append("figure{display:inline-block;margin:0 1em 1em 0;vertical-align:top}figcaption{color:#666;font-size:90%}img{border:1px solid #ddd}")
        .append("section{border-top:1px solid #ddd;margin-top:1.5em}.note{color:#666}")
        .append("</style></head><body>\n<h1>").append(escape(title)).append("</h1>\n");
    overview();
    columnsTable();
    correlations();
    target();
    details();
    b.append("</body></html>\n");
  }

  private void overview() {
    long cells = p.rows * p.columns.size();
    b.append("<h2>Overview</h2>\n<table>");
    row("source", p.source + (p.split != null ? " (split: " + p.split + ")" : ""));
    row("rows", Long.toString(p.rows));
    row("columns profiled", p.columns.size() + (p.tableColumns != p.columns.size() ? " of " + p.tableColumns : ""));
    row("missing cells", p.missingCells() + " (" + pct(cells == 0 ? 0 : 100.0 * p.missingCells() / cells) + ")");
    row("duplicate rows", Long.toString(p.duplicateRows));
    if (p.target != null) row("target", p.target.column + " (from " + p.targetFrom + "; " + (p.target.classes ? "classes" : "numeric") + ")");
    row("rows sampled for correlations", p.sampleRows + (p.sampleRows < p.rows ? " (seed " + p.options.seed() + ")" : " (all)"));
    b.append("</table>\n");
  }

  private void row(String k, String v) {
    b.append("<tr><th>").append(escape(k)).append("</th><td>").append(escape(v)).append("</td></tr>");
  }

  private void columnsTable() {
    b.append("<h2>Columns</h2>\n<table><tr>");
    for (String h : List.of("column", "kind", "type", "missing", "missing %", "distinct", "mean", "std", "min", "p25", "p50", "p75", "max", "outliers (IQR)", "outliers (|z|>3)")) {
      b.append("<th>").append(escape(h)).append("</th>");
    }
    b.append("</tr>\n");
    for (ColumnProfile c : p.columns) {
      boolean num = c.kind == ColumnKind.NUMERIC;
      b.append("<tr><td><a href=\"#").append(anchor(c.name)).append("\">").append(escape(c.name)).append("</a></td><td>").append(c.kind.label()).append("</td><td>").append(escape(c.sqlType)).append("</td>");
      num(Long.toString(c.missing));
      num(pct(c.missingPercent(p.rows)));
      num(Long.toString(c.distinct));
      num(num ? Numbers.compact(c.mean) : "");
      num(num ? Numbers.compact(c.std) : "");
      num(num ? Numbers.compact(c.min) : c.minText == null ? "" : c.minText);
      num(num ? Numbers.compact(c.quantile("p25")) : "");
      num(num ? Numbers.compact(c.quantile("p50")) : "");
      num(num ? Numbers.compact(c.quantile("p75")) : "");
      num(num ? Numbers.compact(c.max) : c.maxText == null ? "" : c.maxText);
      num(num ? Long.toString(c.outliersIqr) : "");
      num(num ? Long.toString(c.outliersZ) : "");
      b.append("</tr>\n");
    }
    b.append("</table>\n");
  }

  private void num(String v) {
    b.append("<td class=\"num\">").append(escape(v)).append("</td>");
  }

  private void correlations() {
    if (p.pearson == null && p.cramersV == null) return;
    b.append("<h2>Correlations</h2>\n<p class=\"note\">Over ").append(p.sampleRows).append(" rows, each pair on the rows where both values are present.</p>\n");
    if (p.pearson != null) figure("pearson", "Pearson correlation (numeric columns)", Charts.heatmap("Pearson correlation", p.pearson.columns(), p.pearson.values(), -1));
    if (p.spearman != null) figure("spearman", "Spearman rank correlation (numeric columns)", Charts.heatmap("Spearman rank correlation", p.spearman.columns(), p.spearman.values(), -1));
    if (p.cramersV != null) figure("cramers-v", "Cramér's V (categorical columns)", Charts.heatmap("Cramér's V", p.cramersV.columns(), p.cramersV.values(), 0));
    b.append('\n');
  }

  private void target() {
    TargetRelations t = p.target;
    if (t == null) return;
    b.append("<h2>Target: ").append(escape(t.column)).append("</h2>\n");
    if (t.note != null) {
      b.append("<p class=\"note\">").append(escape(t.note)).append("</p>\n");
      return;
    }
    if (t.classes) {
      b.append("<table><tr><th>class</th><th>rows</th><th>share</th></tr>");
      long total = t.labelCounts.stream().mapToLong(Long::longValue).sum();
      for (int i = 0; i < t.labels.size(); i++) {
        b.append("<tr><td>").append(escape(t.labels.get(i))).append("</td>");
        num(Long.toString(t.labelCounts.get(i)));
        num(pct(100.0 * t.labelCounts.get(i) / total));
        b.append("</tr>");
      }
      b.append("</table>\n");
    } else {
      List<TargetRelations.Correlation> corr = new ArrayList<>();
      for (TargetRelations.Relation r : t.relations) if (r instanceof TargetRelations.Correlation k) corr.add(k);
      corr.sort(java.util.Comparator.comparingDouble((TargetRelations.Correlation k) -> k.pearson() == null ? 0 : -Math.abs(k.pearson())).thenComparing(TargetRelations.Correlation::column));
      if (!corr.isEmpty()) {
        b.append("<table><tr><th>column</th><th>Pearson</th><th>Spearman</th></tr>");
        for (TargetRelations.Correlation k : corr) {
          b.append("<tr><td>").append(escape(k.column())).append("</td>");
          num(fixed(k.pearson()));
          num(fixed(k.spearman()));
          b.append("</tr>");
        }
        b.append("</table>\n");
      }
    }
    for (TargetRelations.Relation r : t.relations) {
      String name = "target-" + r.column();
      if (r instanceof TargetRelations.ByClass bc) {
        List<String> groups = new ArrayList<>();
        List<double[]> boxes = new ArrayList<>();
        for (TargetRelations.ClassSummary s : bc.classes()) {
          if (s.p5p25p50p75p95() == null) continue;
          groups.add(s.label() + " (mean " + Numbers.compact(s.mean()) + ")");
          boxes.add(s.p5p25p50p75p95());
        }
        if (!groups.isEmpty()) figure(name, r.column() + " by " + t.column, Charts.boxes(r.column() + " by " + t.column, r.column() + " (box p25-p75, whiskers p5-p95)", groups, boxes.toArray(double[][]::new)));
      } else if (r instanceof TargetRelations.SharesByCategory s) {
        figure(name, t.column + " by " + r.column(), Charts.shares(t.column + " by " + r.column(), labelled(s.categories(), s.counts()), t.labels, s.shares()));
      } else if (r instanceof TargetRelations.Correlation k) {
        figure(name, t.column + " against " + r.column() + " (Pearson " + fixed(k.pearson()) + ")",
            Charts.scatter(t.column + " against " + r.column(), r.column(), t.column, k.xs(), k.ys()));
      } else if (r instanceof TargetRelations.MeanByCategory m) {
        figure(name, "mean " + t.column + " by " + r.column(), Charts.bars("Mean " + t.column + " by " + r.column(), "mean " + t.column, labelled(m.categories(), m.counts()), m.means(), false));
      }
    }
    b.append('\n');
  }

  private static List<String> labelled(List<String> categories, long[] counts) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < categories.size(); i++) out.add(categories.get(i) + " (" + counts[i] + ")");
    return out;
  }

  private void details() {
    b.append("<h2>Column details</h2>\n");
    for (ColumnProfile c : p.columns) {
      b.append("<section id=\"").append(anchor(c.name)).append("\"><h3>").append(escape(c.name)).append(" <small>").append(c.kind.label()).append(", ").append(escape(c.sqlType)).append("</small></h3>\n");
      if (c.kind == ColumnKind.NUMERIC && c.quantiles != null) {
        b.append("<table><tr>");
        for (String q : ColumnProfile.QUANTILE_NAMES) b.append("<th>").append(q).append("</th>");
        b.append("<th>IQR fences</th>").append(c.nonFinite > 0 ? "<th>non-finite</th>" : "").append("</tr><tr>");
        for (double q : c.quantiles) num(Numbers.compact(q));
        double iqr = c.iqr();
        num(Numbers.compact(c.quantiles[2] - 1.5 * iqr) + " .. " + Numbers.compact(c.quantiles[4] + 1.5 * iqr));
        if (c.nonFinite > 0) num(Long.toString(c.nonFinite));
        b.append("</tr></table>\n");
        if (c.edges != null) figure("histogram-" + c.name, "distribution of " + c.name, Charts.histogram(c.name, c.name, c.edges, c.counts));
      }
      if (!c.top.isEmpty()) {
        b.append("<table><tr><th>value</th><th>rows</th><th>%</th></tr>");
        long shown = 0;
        for (ColumnProfile.Count v : c.top) {
          b.append("<tr><td>").append(escape(v.value())).append("</td>");
          num(Long.toString(v.count()));
          num(pct(100.0 * v.count() / c.count));
          b.append("</tr>");
          shown += v.count();
        }
        if (shown < c.count) {
          b.append("<tr><td>").append(escape(TargetRelations.OTHER)).append("</td>");
          num(Long.toString(c.count - shown));
          num(pct(100.0 * (c.count - shown) / c.count));
          b.append("</tr>");
        }
        b.append("</table>\n");
        if (c.kind == ColumnKind.CATEGORICAL) {
          List<String> labels = new ArrayList<>();
          List<Double> values = new ArrayList<>();
          for (ColumnProfile.Count v : c.top) {
            labels.add(v.value());
            values.add(100.0 * v.count() / c.count);
          }
          if (shown < c.count) {
            labels.add(TargetRelations.OTHER);
            values.add(100.0 * (c.count - shown) / c.count);
          }
          figure("bars-" + c.name, "values of " + c.name, Charts.bars(c.name, "% of non-missing rows", labels, values.stream().mapToDouble(Double::doubleValue).toArray(), true));
        }
      }
      b.append("</section>\n");
    }
  }

  private void figure(String name, String caption, byte[] png) {
    plots.put(name, png);
    b.append("<figure><img alt=\"").append(escape(name)).append("\" src=\"data:image/png;base64,").append(Base64.getEncoder().encodeToString(png))
        .append("\"><figcaption>").append(escape(caption)).append("</figcaption></figure>\n");
  }

  private static String anchor(String column) {
    StringBuilder s = new StringBuilder("col-");
    for (char ch : column.toCharArray()) s.append(Character.isLetterOrDigit(ch) || ch == '-' || ch == '_' ? ch : '_');
    return escape(s.toString());
  }

  private static String pct(double v) {
    return String.format(Locale.ROOT, "%.2f%%", v);
  }

  private static String fixed(Double v) {
    return v == null ? "" : String.format(Locale.ROOT, "%.3f", v);
  }
}
