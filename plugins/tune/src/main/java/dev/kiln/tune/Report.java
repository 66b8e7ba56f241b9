package dev.kiln.tune;

import com.fasterxml.jackson.dataformat.csv.CsvGenerator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.kiln.api.Html;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The trials table (CSV) and the HTML report of a search. */
final class Report {
  private Report() {}

  private static final CsvMapper CSV = new CsvMapper();

  /**
   * The trials as CSV (RFC 4180: a value with a comma, quote or line break is quoted). How long a
   * trial took and whether it came from the cache are the run's, not the result's (the step log
   * and {@code kiln show} have them): leaving them out keeps the artifact byte-reproducible.
   */
  static String csv(Space space, List<Trial> trials) {
    List<Space.Dim> dims = space.all();
    StringWriter out = new StringWriter();
    try (CsvGenerator g = CSV.getFactory().createGenerator(out)) {
      g.setSchema(CsvSchema.emptySchema().withoutHeader().withLineSeparator("\n"));
      g.enable(CsvGenerator.Feature.STRICT_CHECK_FOR_QUOTING);
      g.writeStartArray();
      for (String h : List.of("number", "state", "value")) g.writeString(h);
      for (Space.Dim d : dims) g.writeString(d.id());
      g.writeEndArray();
      for (Trial t : trials) {
        g.writeStartArray();
        g.writeString(Integer.toString(t.number()));
        g.writeString(t.state().name().toLowerCase(Locale.ROOT));
        g.writeString(t.value() == null ? "" : String.valueOf(t.value()));
        for (Space.Dim d : dims) {
          Object v = t.params().get(d.id());
          g.writeString(v == null ? "" : String.valueOf(v));
        }
        g.writeEndArray();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringWriter does not fail
    }
    return out.toString();
  }

  private static String esc(Object o) {
    return Html.escape(String.valueOf(o));
  }

  static String html(String trainer, String sampler, String metric, boolean max, Space space, List<Trial> trials, Trial best, Map<String, byte[]> plots) {
    StringBuilder h = new StringBuilder("<!doctype html><html><head><meta charset=\"utf-8\"><title>Search: ").append(esc(metric)).append("</title><style>")
        .append("body{font-family:sans-serif;margin:2em;max-width:1100px}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}img{max-width:100%}</style></head><body>");
    h.append("<h1>Hyperparameter search</h1><p>").append(esc(trainer)).append(", sampler ").append(esc(sampler)).append(", ").append(max ? "maximize " : "minimize ").append(esc(metric))
        .append(". ").append(trials.size()).append(" trials.</p>");
    h.append("<h2>Best: trial ").append(best.number()).append(String.format(Locale.ROOT, ", %s = %.5f</h2><p>", esc(metric), best.value())).append(esc(space.named(best.params()))).append("</p>");
    List<Trial> top = new ArrayList<>(trials.stream().filter(t -> t.state() == Trial.State.COMPLETE).toList());
    top.sort((a, b) -> max ? Double.compare(b.value(), a.value()) : Double.compare(a.value(), b.value()));
    h.append("<h2>Best trials</h2><table><tr><th>trial</th><th>").append(esc(metric)).append("</th><th>parameters</th></tr>");
    for (Trial t : top.subList(0, Math.min(15, top.size()))) {
      h.append(String.format(Locale.ROOT, "<tr><td>%d</td><td>%.5f</td><td style=\"text-align:left\">%s</td></tr>", t.number(), t.value(), esc(space.named(t.params()))));
    }
    h.append("</table>");
    for (var e : plots.entrySet()) {
      h.append("<h2>").append(esc(e.getKey())).append("</h2><img alt=\"").append(esc(e.getKey())).append("\" src=\"data:image/png;base64,").append(Base64.getEncoder().encodeToString(e.getValue())).append("\">");
    }
    return h.append("</body></html>").toString();
  }
}
