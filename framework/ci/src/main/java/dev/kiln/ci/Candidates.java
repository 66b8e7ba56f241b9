package dev.kiln.ci;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.api.Artifact;
import dev.kiln.ci.Build.Candidate;
import dev.kiln.ci.Build.Check;
import dev.kiln.engine.diag.Problem;
import dev.kiln.engine.home.KilnHome;
import dev.kiln.engine.json.Json;
import dev.kiln.engine.state.StepOutputs;
import dev.kiln.registry.MetricRecord;
import dev.kiln.registry.RunStatus;
import dev.kiln.registry.StepRunRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What {@code kiln ci retrain} reads back from a finished run: the gate's candidates, the MLflow run, the errors. */
public final class Candidates {
  private Candidates() {}

  /** The run's link in what the MLflow tracker says when it closes. */
  private static final Pattern MLFLOW_RUN = Pattern.compile("^tracking: MLflow run (\\S+)");

  /** The MLflow run the trackers' closing lines name (the last one), or null. */
  public static String mlflowRun(List<String> tracking) {
    String found = null;
    for (String line : tracking) {
      Matcher m = MLFLOW_RUN.matcher(line);
      if (m.find()) found = m.group(1);
    }
    return found;
  }

  /** The validate steps' verdicts in the run, with the version a register step gave the same bundle. */
  public static List<Candidate> of(KilnHome home, String runId) {
    List<Candidate> out = new ArrayList<>();
    if (runId == null) return out;
    List<StepRunRecord> steps = home.store().stepRuns(runId);
    List<MetricRecord> metrics = home.store().metrics(runId);
    for (StepRunRecord r : steps) {
      if (!"kiln/validate".equals(r.stepType()) || r.status() != RunStatus.SUCCEEDED) continue;
      StepOutputs outputs = StepOutputs.of(r);
      if (!(outputs.get("report") instanceof Artifact a)) continue;
      JsonNode report;
      try {
        report = Json.read(Files.readString(home.artifacts().path(a)));
      } catch (IOException e) {
        continue;
      }
      String model = report.path("model").asText();
      String sha = report.path("candidate").asText();
      Integer version = registered(home, steps, model, sha);
      List<Check> checks = new ArrayList<>();
      List<String> failed = new ArrayList<>();
      for (JsonNode c : report.path("checks")) {
        checks.add(new Check(c.path("name").asText(), c.path("status").asText(), c.path("value").isNumber() ? c.path("value").asDouble() : null,
            c.path("expected").isNull() ? null : c.path("expected").asText(null), c.path("detail").isNull() ? null : c.path("detail").asText(null)));
        if (c.path("status").asText().equals("failed")) failed.add(c.path("name").asText());
      }
      Map<String, Double> cand = new TreeMap<>();
      report.path("metrics").fields().forEachRemaining(e -> cand.put(e.getKey(), e.getValue().asDouble()));
      Map<String, Double> champ = new TreeMap<>();
      for (MetricRecord m : metrics) if (m.stepKey().equals(r.stepKey()) && m.name().startsWith("champion.")) champ.put(m.name().substring(9), m.value());
      Integer championVersion = report.path("champion").isObject() ? report.path("champion").path("version").asInt() : null;
      out.add(new Candidate(model, version, sha, r.stepKey(), report.path("blessed").asBoolean(), failed, championVersion, checks, cand, champ));
    }
    return out;
  }

  private static Integer registered(KilnHome home, List<StepRunRecord> steps, String model, String sha) {
    for (StepRunRecord r : steps) {
      if (!"kiln/register".equals(r.stepType()) || r.status() != RunStatus.SUCCEEDED) continue;
      StepOutputs o = StepOutputs.of(r);
      if (!model.equals(o.get("name")) || !(o.get("version") instanceof Number n)) continue;
      var v = home.store().models().version(model, n.intValue());
      if (v.isPresent() && v.get().artifactSha256().equals(sha)) return n.intValue();
    }
    return null;
  }

  /** The errors among {@code problems}, one per line, as a report's error text. */
  public static String problemsText(List<Problem> problems) {
    StringBuilder sb = new StringBuilder();
    for (Problem p : problems) if (p.isError()) sb.append(p.format()).append('\n');
    return sb.toString().strip();
  }
}
