package dev.kiln.data.check;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.kiln.api.Html;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** data/check's outputs as files: the results as JSON and an HTML page with one row per expectation. */
public final class CheckReport {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private CheckReport() {}

  /** The results: the data, its rows, whether it passed, and each expectation's outcome. */
  public static String json(String dataName, long rows, List<Outcome> outcomes) throws java.io.IOException {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("data", dataName);
    root.put("rows", rows);
    root.put("passed", outcomes.stream().noneMatch(o -> o.status() == Outcome.Status.FAIL));
    List<Object> items = new ArrayList<>();
    for (Outcome o : outcomes) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", o.expectation().displayName());
      m.put("kind", o.expectation().kind());
      m.put("columns", o.expectation().columns());
      m.put("severity", o.expectation().severity().name().toLowerCase(java.util.Locale.ROOT));
      m.put("status", o.status().toString());
      if (o.failing() != null) m.put("failing", o.failing());
      m.put("detail", o.detail());
      if (o.psi() != null) m.put("psi", o.psi());
      if (o.ks() != null) m.put("ks", o.ks());
      List<Object> ex = new ArrayList<>();
      for (Outcome.Example e : o.examples()) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("row", e.row());
        row.put("values", e.values());
        ex.add(row);
      }
      if (o.failing() != null) m.put("examples", ex);
      items.add(m);
    }
    root.put("expectations", items);
    return JSON.writeValueAsString(root) + "\n";
  }

  /** A self-contained page: a summary line and a table of expectations with their failing rows. */
  public static String html(String dataName, long rows, List<Outcome> outcomes) {
    long failed = outcomes.stream().filter(o -> o.status() == Outcome.Status.FAIL).count();
    long warned = outcomes.stream().filter(o -> o.status() == Outcome.Status.WARN).count();
    StringBuilder b = new StringBuilder();
    b.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Data checks: ").append(Html.escape(dataName)).append("</title>\n")
        .append("<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}")
        .append(".pass{background:#e6f4ea}.warn{background:#fef7e0}.fail{background:#fce8e6}</style></head><body>\n")
        .append("<h1>Data checks: ").append(Html.escape(dataName)).append("</h1>\n")
        .append("<p>").append(rows).append(" rows; ").append(outcomes.size() - failed - warned).append(" passed, ")
        .append(warned).append(warned == 1 ? " warning, " : " warnings, ").append(failed).append(" failed</p>\n")
        .append("<table>\n<tr><th>expectation</th><th>severity</th><th>status</th><th>failing rows</th><th>found</th><th>example rows</th></tr>\n");
    for (Outcome o : outcomes) {
      b.append("<tr class=\"").append(o.status()).append("\"><td>").append(Html.escape(o.who())).append("</td><td>")
          .append(o.expectation().severity().name().toLowerCase(java.util.Locale.ROOT)).append("</td><td>").append(o.status()).append("</td><td>")
          .append(o.failing() == null ? "" : o.failing()).append("</td><td>").append(Html.escape(o.detail())).append("</td><td>");
      for (int i = 0; i < o.examples().size(); i++) {
        b.append(i == 0 ? "" : "<br>").append("row ").append(Html.escape(o.examples().get(i).text()));
      }
      b.append("</td></tr>\n");
    }
    return b.append("</table>\n</body></html>\n").toString();
  }
}
