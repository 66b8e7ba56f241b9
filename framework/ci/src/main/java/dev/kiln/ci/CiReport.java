package dev.kiln.ci;

import dev.kiln.api.Html;
import dev.kiln.ci.Build.Candidate;
import dev.kiln.ci.Build.Check;
import dev.kiln.ci.Build.Result;
import dev.kiln.engine.json.Json;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * The reports of {@code kiln ci retrain}: JUnit XML, so the CI's test view shows every pipeline
 * and every check of the gate (a failed check is a failure, a check that could not run is
 * skipped), and a Markdown summary for people (GitHub's job summary, Jenkins' build page).
 */
public final class CiReport {
  private CiReport() {}

  /** The files {@code kiln ci retrain} writes, by name: junit.xml, summary.md, candidates.json and blessed.txt (NAME:VERSION of each blessed, registered candidate). */
  public static Map<String, String> files(Build b) {
    StringBuilder blessed = new StringBuilder();
    for (Result r : b.pipelines()) for (Candidate c : r.candidates()) if (c.blessed() && c.version() != null) blessed.append(c.model()).append(':').append(c.version()).append('\n');
    return Map.of("junit.xml", junit(b), "summary.md", markdown(b), "candidates.json", Json.write(b), "blessed.txt", blessed.toString());
  }

  static String junit(Build b) {
    StringBuilder pipelines = new StringBuilder();
    int tests = 0;
    int failures = 0;
    int skipped = 0;
    for (Result r : b.pipelines()) {
      tests++;
      pipelines.append("    <testcase classname=\"kiln.pipelines\" name=\"").append(Html.escape(r.file())).append("\" time=\"").append(seconds(r.millis())).append("\">");
      switch (r.status()) {
        case "failed", "invalid" -> {
          failures++;
          pipelines.append("<failure message=\"").append(Html.escape(r.status() + ": " + firstLine(r.error()))).append("\" type=\"").append(r.status()).append("\">")
              .append(Html.escape(r.error() == null ? "" : r.error())).append("</failure>");
        }
        case "skipped" -> {
          skipped++;
          pipelines.append("<skipped message=\"not affected by the change\"/>");
        }
        default -> pipelines.append("<system-out>").append(Html.escape("run " + r.runId() + (r.tracking() == null ? "" : "\nMLflow: " + r.tracking()) + "\n" + String.join("\n", r.reasons()))).append("</system-out>");
      }
      pipelines.append("</testcase>\n");
    }
    StringBuilder sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    StringBuilder suites = new StringBuilder();
    suites.append("  <testsuite name=\"kiln.pipelines\" tests=\"").append(tests).append("\" failures=\"").append(failures).append("\" errors=\"0\" skipped=\"").append(skipped).append("\">\n")
        .append(pipelines).append("  </testsuite>\n");
    int allTests = tests;
    int allFailures = failures;
    int allSkipped = skipped;
    for (Result r : b.pipelines()) {
      for (Candidate c : r.candidates()) {
        String suite = "kiln.gate." + c.model();
        StringBuilder cases = new StringBuilder();
        int t = 0;
        int f = 0;
        int s = 0;
        for (Check k : c.checks()) {
          t++;
          cases.append("    <testcase classname=\"").append(Html.escape(suite)).append("\" name=\"").append(Html.escape(k.name() + (k.expected() == null ? "" : " " + k.expected()))).append("\" time=\"0\">");
          String value = (k.value() == null ? "" : "value " + num(k.value())) + (k.detail() == null ? "" : (k.value() == null ? "" : "; ") + k.detail());
          switch (k.status()) {
            case "failed" -> {
              f++;
              cases.append("<failure message=\"").append(Html.escape(value)).append("\" type=\"gate\"/>");
            }
            case "skipped" -> {
              s++;
              cases.append("<skipped message=\"").append(Html.escape(value)).append("\"/>");
            }
            default -> cases.append("<system-out>").append(Html.escape(value)).append("</system-out>");
          }
          cases.append("</testcase>\n");
        }
        suites.append("  <testsuite name=\"").append(Html.escape(suite)).append("\" tests=\"").append(t).append("\" failures=\"").append(f).append("\" errors=\"0\" skipped=\"").append(s).append("\">\n")
            .append("    <properties><property name=\"pipeline\" value=\"").append(Html.escape(r.file())).append("\"/><property name=\"version\" value=\"").append(c.version() == null ? "" : c.version())
            .append("\"/><property name=\"blessed\" value=\"").append(c.blessed()).append("\"/></properties>\n")
            .append(cases).append("  </testsuite>\n");
        allTests += t;
        allFailures += f;
        allSkipped += s;
      }
    }
    sb.append("<testsuites name=\"kiln ci retrain\" tests=\"").append(allTests).append("\" failures=\"").append(allFailures).append("\" errors=\"0\" skipped=\"").append(allSkipped).append("\">\n");
    sb.append(suites).append("</testsuites>\n");
    return sb.toString();
  }

  static String markdown(Build b) {
    StringBuilder sb = new StringBuilder("## Kiln retrain");
    if (b.commit() != null) sb.append(" at `").append(b.commit(), 0, Math.min(12, b.commit().length())).append('`');
    if (b.branch() != null) sb.append(" on `").append(b.branch()).append('`');
    sb.append("\n\n| pipeline | result | run | time | why |\n|---|---|---|---|---|\n");
    for (Result r : b.pipelines()) {
      String run = r.runId() == null ? "" : r.tracking() != null ? "[" + r.runId() + "](" + r.tracking() + ")" : "`" + r.runId() + "`";
      String result = switch (r.status()) {
        case "succeeded" -> "succeeded";
        case "skipped" -> "not affected";
        default -> "**" + r.status().toUpperCase(Locale.ROOT) + "**";
      };
      sb.append("| ").append(md(r.file())).append(" | ").append(result).append(" | ").append(run).append(" | ")
          .append(r.millis() == 0 ? "" : seconds(r.millis()) + " s").append(" | ").append(md(String.join("; ", r.reasons()))).append(" |\n");
    }
    for (Result r : b.pipelines()) {
      if (r.error() != null) sb.append("\n**").append(md(r.file())).append("** ").append(r.status()).append(":\n\n```\n").append(r.error().strip()).append("\n```\n");
      for (Candidate c : r.candidates()) {
        sb.append("\n### ").append(c.model()).append(c.version() == null ? " (not registered)" : " version " + c.version()).append(": ")
            .append(c.blessed() ? "blessed" : "**not blessed** (failed: " + String.join(", ", c.failed()) + ")").append('\n');
        sb.append('\n').append(c.championVersion() == null ? "No champion yet: judged on its absolute checks." : "Against " + c.model() + "@champion, version " + c.championVersion() + ", on the same holdout.").append("\n\n");
        TreeSet<String> names = new TreeSet<>(c.metrics().keySet());
        if (!names.isEmpty()) {
          sb.append("| metric | candidate |").append(c.championMetrics().isEmpty() ? "" : " champion | change |").append('\n')
              .append("|---|---|").append(c.championMetrics().isEmpty() ? "" : "---|---|").append('\n');
          for (String n : names) {
            double v = c.metrics().get(n);
            sb.append("| ").append(n).append(" | ").append(num(v)).append(" |");
            if (!c.championMetrics().isEmpty()) {
              Double ch = c.championMetrics().get(n);
              sb.append(' ').append(ch == null ? "" : num(ch)).append(" | ").append(ch == null ? "" : String.format(Locale.ROOT, "%+.4g", v - ch)).append(" |");
            }
            sb.append('\n');
          }
          sb.append('\n');
        }
        sb.append("| check | value | expected | result |\n|---|---|---|---|\n");
        for (Check k : c.checks()) {
          sb.append("| ").append(md(k.name())).append(" | ").append(k.value() == null ? "" : num(k.value())).append(" | ").append(md(k.expected() == null ? "" : k.expected()))
              .append(" | ").append(k.status().equals("failed") ? "**FAILED**" : k.status()).append(k.detail() == null ? "" : " (" + md(k.detail()) + ")").append(" |\n");
        }
      }
    }
    return sb.toString();
  }


  /** Numbers as the validate step (and kiln models) prints them. */
  private static String num(double v) {
    return String.format(Locale.ROOT, "%.4g", v);
  }

  private static String seconds(long millis) {
    return String.format(Locale.ROOT, "%.3f", millis / 1000.0);
  }

  private static String firstLine(String s) {
    return s == null ? "" : s.lines().findFirst().orElse("");
  }

  private static String md(String s) {
    return s == null ? "" : s.replace("|", "\\|").replace("\n", " ");
  }
}
