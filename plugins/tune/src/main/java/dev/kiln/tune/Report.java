package dev.kiln.tune;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The trials table (CSV) and the HTML report of a search. */
final class Report {
  private Report() {}

  static String csv(Space space, List<Trial> trials) {
    List<Space.Dim> dims = space.all();
    StringBuilder b = new StringBuilder("number,state,value,seconds,cached");
    for (Space.Dim d : dims) b.append(',').append(quote(d.id()));
    b.append('\n');
    for (Trial t : trials) {
      b.append(t.number()).append(',').append(t.state().name().toLowerCase(Locale.ROOT)).append(',').append(t.value() == null ? "" : t.value())
          .append(',').append(String.format(Locale.ROOT, "%.3f", t.millis() / 1000.0)).append(',').append(t.cached());
      for (Space.Dim d : dims) {
        Object v = t.params().get(d.id());
        b.append(',').append(v == null ? "" : quote(String.valueOf(v)));
      }
      b.append('\n');
    }
    return b.toString();
  }

  private static String quote(String s) {
    return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
  }

  private static String esc(Object o) {
    return String.valueOf(o).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  static String html(String trainer, String sampler, String metric, boolean max, Space space, List<Trial> trials, Trial best, Map<String, byte[]> plots) {
    StringBuilder h = new StringBuilder("<!doctype html><html><head><meta charset=\"utf-8\"><title>Search: ").append(esc(metric)).append("</title><style>")
        .append("body{font-family:sans-serif;margin:2em;max-width:1100px}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}img{max-width:100%}</style></head><body>");
    h.append("<h1>Hyperparameter search</h1><p>").append(esc(trainer)).append(", sampler ").append(esc(sampler)).append(", ").append(max ? "maximize " : "minimize ").append(esc(metric))
        .append(". ").append(trials.size()).append(" trials.</p>");
    h.append("<h2>Best: trial ").append(best.number()).append(String.format(Locale.ROOT, ", %s = %.5f</h2><p>", esc(metric), best.value())).append(esc(space.named(best.params()))).append("</p>");
    List<Trial> top = new ArrayList<>(trials.stream().filter(t -> t.state() == Trial.State.COMPLETE).toList());
    top.sort((a, b) -> max ? Double.compare(b.value(), a.value()) : Double.compare(a.value(), b.value()));
    h.append("<h2>Best trials</h2><table><tr><th>trial</th><th>").append(esc(metric)).append("</th><th>seconds</th><th>parameters</th></tr>");
    for (Trial t : top.subList(0, Math.min(15, top.size()))) {
      h.append(String.format(Locale.ROOT, "<tr><td>%d</td><td>%.5f</td><td>%.1f</td><td style=\"text-align:left\">%s</td></tr>", t.number(), t.value(), t.millis() / 1000.0, esc(space.named(t.params()))));
    }
    h.append("</table>");
    for (var e : plots.entrySet()) {
      h.append("<h2>").append(esc(e.getKey())).append("</h2><img alt=\"").append(esc(e.getKey())).append("\" src=\"data:image/png;base64,").append(Base64.getEncoder().encodeToString(e.getValue())).append("\">");
    }
    return h.append("</body></html>").toString();
  }
}
