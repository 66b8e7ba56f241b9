package dev.kiln.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.engine.home.KilnHome;
import dev.kiln.engine.json.Json;
import dev.kiln.registry.RunRecord;
import dev.kiln.registry.RunStatus;
import dev.kiln.registry.StepRunRecord;
import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "explain", mixinStandardHelpOptions = true, description = "Why a step ran or was cached: its cache key's components and what changed since the previous run.")
final class ExplainCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "RUN")
  String runId;

  @Parameters(index = "1", paramLabel = "STEP", description = "A step id, or an instance id such as train[0].")
  String step;

  @Spec CommandSpec spec;
  private final KilnHome home;

  @Inject
  ExplainCommand(KilnHome home) {
    this.home = home;
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    RunRecord run = new Show(home.store()).run(runId);
    List<StepRunRecord> steps = home.store().stepRuns(runId);
    List<StepRunRecord> matching = steps.stream().filter(s -> s.stepKey().equals(step) || s.stepId().equals(step)).toList();
    if (matching.isEmpty()) {
      throw new Errors.UsageProblem("run " + runId + " has no step \"" + step + "\"; its steps: " + String.join(", ", steps.stream().map(StepRunRecord::stepKey).toList()));
    }
    for (StepRunRecord s : matching) explain(run, s, out);
    return 0;
  }

  private void explain(RunRecord run, StepRunRecord s, PrintWriter out) {
    out.println("step " + s.stepKey() + " (" + s.stepType() + ") in run " + run.id() + ": " + s.status());
    if (s.cacheKey() == null) {
      out.println("  no cache key: the step " + (s.status() == RunStatus.SKIPPED ? "was skipped" : "stopped") + " before its inputs were resolved" + (s.error() == null ? "" : " (" + Progress.firstLine(s.error()) + ")"));
      return;
    }
    out.println("  cache key " + s.cacheKey());
    if (s.status() == RunStatus.CACHED) out.println("  reused the outputs of run " + s.cachedFrom() + ", whose step had the same key");
    JsonNode now = Json.read(s.cacheComponents());
    var prev = home.store().previousStepRun(run.pipeline(), s.stepKey(), run.id());
    if (prev.isEmpty()) {
      out.println("  no earlier run of " + run.pipeline() + " has this step: it ran because there was nothing to reuse");
      printComponents(now, out);
      return;
    }
    StepRunRecord p = prev.get();
    out.println("  compared with run " + p.runId() + " (" + p.status() + ", key " + p.cacheKey().substring(0, 12) + "...)");
    JsonNode before = Json.read(p.cacheComponents());
    boolean changed = false;
    for (Iterator<String> it = now.fieldNames(); it.hasNext(); ) {
      String c = it.next();
      Map<String, String> a = flatten(before.get(c));
      Map<String, String> b = flatten(now.get(c));
      if (a.equals(b)) {
        out.println(String.format("  %-15s unchanged", c));
        continue;
      }
      changed = true;
      out.println(String.format("  %-15s CHANGED", c));
      TreeMap<String, String> keys = new TreeMap<>();
      a.keySet().forEach(k -> keys.put(k, ""));
      b.keySet().forEach(k -> keys.put(k, ""));
      for (String k : keys.keySet()) {
        String x = a.get(k);
        String y = b.get(k);
        if (x == null ? y == null : x.equals(y)) continue;
        out.println("    " + (k.isEmpty() ? c : k) + ": " + (x == null ? "(absent)" : x) + " -> " + (y == null ? "(absent)" : y));
      }
    }
    if (!changed && s.status() == RunStatus.SUCCEEDED) out.println("  nothing changed: it executed because caching was off (--no-cache or cache: false) or the cached outputs were gone");
  }

  private static void printComponents(JsonNode now, PrintWriter out) {
    for (Iterator<String> it = now.fieldNames(); it.hasNext(); ) {
      String c = it.next();
      out.println(String.format("  %-15s %s", c, abbreviate(now.get(c).toString())));
    }
  }

  /** Dotted paths to leaf values, so differences can be named precisely. */
  static Map<String, String> flatten(JsonNode n) {
    Map<String, String> out = new TreeMap<>();
    flatten(n, "", out);
    return out;
  }

  private static void flatten(JsonNode n, String path, Map<String, String> out) {
    if (n == null) return;
    if (n.isObject()) {
      n.fields().forEachRemaining(e -> flatten(e.getValue(), path.isEmpty() ? e.getKey() : path + "." + e.getKey(), out));
    } else if (n.isArray()) {
      for (int i = 0; i < n.size(); i++) flatten(n.get(i), path + "[" + i + "]", out);
      if (n.isEmpty()) out.put(path, "[]");
    } else {
      out.put(path, abbreviate(n.toString()));
    }
  }

  private static String abbreviate(String s) {
    return s.length() > 100 ? s.substring(0, 97) + "..." : s;
  }
}
