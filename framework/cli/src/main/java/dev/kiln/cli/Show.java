package dev.kiln.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.api.Artifact;
import dev.kiln.engine.home.KilnHome;
import dev.kiln.engine.json.Json;
import dev.kiln.engine.state.StepOutputs;
import dev.kiln.registry.MetricRecord;
import dev.kiln.registry.RunRecord;
import dev.kiln.registry.RunStatus;
import dev.kiln.registry.RunStore;
import dev.kiln.registry.StepRunRecord;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Renders runs for people (text) and for scripts (the stable JSON documented in the README). */
final class Show {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private final RunStore store;

  Show(RunStore store) {
    this.store = store;
  }

  RunRecord run(String runId) {
    return store.findRun(runId).orElseThrow(() -> new Errors.UsageProblem("no run " + runId + "; `kiln runs` lists them"));
  }

  String json(String runId) {
    return Json.write(runNode(run(runId), true));
  }

  ObjectNode runNode(RunRecord r, boolean withSteps) {
    ObjectNode n = F.objectNode();
    n.put("run_id", r.id());
    n.put("pipeline", r.pipeline());
    n.put("file", r.pipelineFile());
    n.put("status", r.status().name());
    n.put("error", r.error());
    n.put("created_at", Instant.ofEpochMilli(r.createdAt()).toString());
    if (r.startedAt() != null && r.finishedAt() != null) n.put("duration_ms", r.finishedAt() - r.startedAt());
    else n.putNull("duration_ms");
    n.set("params", Json.MAPPER.valueToTree(Json.plain(Json.read(r.paramsJson()))));
    if (!withSteps) return n;
    Map<String, Map<String, Double>> lastMetric = new LinkedHashMap<>();
    for (MetricRecord m : store.metrics(r.id())) lastMetric.computeIfAbsent(m.stepKey(), k -> new java.util.TreeMap<>()).put(m.name(), m.value());
    ArrayNode steps = n.putArray("steps");
    for (StepRunRecord s : store.stepRuns(r.id())) {
      ObjectNode sn = steps.addObject();
      sn.put("id", s.stepKey());
      sn.put("step", s.stepId());
      sn.put("uses", s.stepType());
      sn.put("status", s.status().name());
      sn.put("cached", s.status() == RunStatus.CACHED);
      sn.put("cached_from", s.cachedFrom());
      sn.put("attempt", s.attempt());
      if (s.durationMillis() != null) sn.put("duration_ms", s.durationMillis());
      else sn.putNull("duration_ms");
      sn.put("cache_key", s.cacheKey());
      sn.put("error", s.error());
      ObjectNode outs = sn.putObject("outputs");
      StepOutputs.of(s).asMap().forEach((k, v) -> outs.set(k, Json.MAPPER.valueToTree(v instanceof Artifact a ? Map.of("artifact", a) : v)));
      ObjectNode ms = sn.putObject("metrics");
      lastMetric.getOrDefault(s.stepKey(), Map.of()).forEach(ms::put);
    }
    return n;
  }

  void text(String runId, PrintWriter out) {
    RunRecord r = run(runId);
    out.println("run       " + r.id());
    out.println("pipeline  " + r.pipeline() + " (" + r.pipelineFile() + ")");
    out.println("status    " + r.status() + (r.error() == null ? "" : ": " + Progress.firstLine(r.error())));
    out.println("created   " + Instant.ofEpochMilli(r.createdAt()));
    if (r.startedAt() != null && r.finishedAt() != null) out.println("duration  " + millis(r.finishedAt() - r.startedAt()));
    out.println("params    " + r.paramsJson());
    out.println();
    out.println(String.format(Locale.ROOT, "%-24s %-18s %-10s %8s  %s", "STEP", "USES", "STATUS", "TIME", "OUTPUTS / ERROR"));
    for (StepRunRecord s : store.stepRuns(r.id())) {
      String detail = s.error() != null ? Progress.firstLine(s.error()) : outputs(s);
      out.println(String.format(Locale.ROOT, "%-24s %-18s %-10s %8s  %s", s.stepKey(), s.stepType(), s.status(), s.durationMillis() == null ? "" : millis(s.durationMillis()), detail));
    }
  }

  private static String outputs(StepRunRecord s) {
    StringBuilder sb = new StringBuilder();
    StepOutputs.of(s).asMap().forEach((k, v) -> {
      if (sb.length() > 0) sb.append(", ");
      String shown = v instanceof Artifact a ? "sha256:" + a.sha256().substring(0, 12) + " (" + a.size() + " B)" : String.valueOf(v);
      if (shown.length() > 40) shown = shown.substring(0, 37) + "...";
      sb.append(k).append('=').append(shown.replace('\n', ' '));
    });
    return sb.toString();
  }

  /** For failed steps: the error and the tail of the step log, so CI output explains itself. */
  void failures(String runId, KilnHome home, PrintWriter err) {
    for (StepRunRecord s : store.stepRuns(runId)) {
      if (s.status() != RunStatus.FAILED) continue;
      err.println();
      err.println("step " + s.stepKey() + " failed: " + s.error());
      Path log = dev.kiln.engine.exec.RunExecutor.logFile(home.dir(), runId, s.stepKey());
      if (Files.isRegularFile(log)) {
        try {
          List<String> lines = Files.readAllLines(log);
          int from = Math.max(0, lines.size() - 20);
          err.println("  last lines of " + log + ":");
          for (String l : lines.subList(from, lines.size())) err.println("  | " + l);
        } catch (IOException e) {
          // the log is informational
        }
      }
    }
    err.flush();
  }

  static String millis(long ms) {
    if (ms < 1000) return ms + "ms";
    if (ms < 60_000) return String.format(Locale.ROOT, "%.1fs", ms / 1000.0);
    return String.format(Locale.ROOT, "%dm%02ds", ms / 60_000, (ms / 1000) % 60);
  }

  static String display(Path cwd, Path file) {
    Path abs = cwd.resolve(file).normalize();
    try {
      return cwd.relativize(abs).toString();
    } catch (IllegalArgumentException e) {
      return abs.toString();
    }
  }
}
