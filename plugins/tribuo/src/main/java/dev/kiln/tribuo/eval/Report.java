package dev.kiln.tribuo.eval;

import static dev.kiln.api.Html.escape;

import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One self-contained HTML page per evaluation: model card summary, metrics, and the plots inline. */
public final class Report {
  private Report() {}

  public static String html(String title, Map<String, Object> card, Map<String, Double> metrics, Map<String, byte[]> plots, List<String> notes) {
    StringBuilder b = new StringBuilder();
    b.append("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").append(escape(title)).append("</title>\n<style>")
        .append("body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:1400px}table{border-collapse:collapse;margin:1em 0}")
        .append("td,th{border:1px solid #ccc;padding:4px 10px;text-align:left}th{background:#f3f3f3}.num{text-align:right;font-variant-numeric:tabular-nums}")
        .append("figure{display:inline-block;margin:0 1em 1em 0}figcaption{color:#666;font-size:90%}img{border:1px solid #ddd}")
        .append("</style></head><body>\n<h1>").append(escape(title)).append("</h1>\n");
    b.append("<h2>Model</h2>\n<table>");
    Map<String, Object> summary = new LinkedHashMap<>();
    for (String k : List.of("algorithm", "task", "target", "labels", "hyperparameters", "feature-count", "training-rows", "training-data", "seed")) {
      if (card.containsKey(k)) summary.put(k, card.get(k));
    }
    summary.forEach((k, v) -> b.append("<tr><th>").append(escape(k)).append("</th><td>").append(escape(String.valueOf(v))).append("</td></tr>"));
    b.append("</table>\n<h2>Metrics</h2>\n<table><tr><th>metric</th><th>value</th></tr>");
    metrics.forEach((k, v) -> b.append("<tr><td>").append(escape(k)).append("</td><td class=\"num\">").append(String.format(java.util.Locale.ROOT, "%.4f", v)).append("</td></tr>"));
    b.append("</table>\n");
    for (String n : notes) b.append("<p>").append(escape(n)).append("</p>\n");
    if (!plots.isEmpty()) b.append("<h2>Plots</h2>\n");
    plots.forEach((name, png) -> b.append("<figure><img alt=\"").append(escape(name)).append("\" src=\"data:image/png;base64,")
        .append(Base64.getEncoder().encodeToString(png)).append("\"><figcaption>").append(escape(name)).append("</figcaption></figure>\n"));
    b.append("</body></html>\n");
    return b.toString();
  }
}
