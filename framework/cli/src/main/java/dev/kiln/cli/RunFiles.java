package dev.kiln.cli;

import dev.kiln.api.Artifact;
import dev.kiln.engine.home.KilnHome;
import dev.kiln.api.AtomicFiles;
import dev.kiln.engine.json.Json;
import dev.kiln.engine.state.StepOutputs;
import dev.kiln.registry.MetricRecord;
import dev.kiln.registry.StepRunRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Files a finished run leaves in the workspace for tools around Kiln (DVC stages above all):
 * {@code --export STEP.OUTPUT=PATH} copies an output artifact out of the store,
 * {@code --metrics-out FILE} writes each step's final metrics as JSON ({@code dvc metrics show}
 * reads it). Both are written atomically, and only after the run succeeded.
 */
final class RunFiles {
  private RunFiles() {}

  /** Parses {@code STEP.OUTPUT=PATH}; a malformed one is a usage problem. */
  static Map<String, Path> exports(List<String> specs, Path cwd) {
    Map<String, Path> out = new LinkedHashMap<>();
    for (String s : specs) {
      int eq = s.indexOf('=');
      String ref = eq < 0 ? "" : s.substring(0, eq);
      if (eq < 0 || !ref.matches("[A-Za-z0-9_-]+(\\[\\d+])?\\.[A-Za-z0-9_.-]+") || eq == s.length() - 1) {
        throw new Errors.UsageProblem("--export takes STEP.OUTPUT=PATH (e.g. train.model=models/churn.model), found \"" + s + "\"");
      }
      out.put(ref, cwd.resolve(s.substring(eq + 1)));
    }
    return out;
  }

  /** Writes the requested files of a succeeded run; returns one line per file written. */
  static List<String> write(KilnHome home, String runId, Map<String, Path> exports, Path metricsOut, Path cwd) throws IOException {
    List<String> lines = new java.util.ArrayList<>();
    Map<String, StepRunRecord> steps = new LinkedHashMap<>();
    for (StepRunRecord r : home.store().stepRuns(runId)) steps.put(r.stepKey(), r);
    for (var e : exports.entrySet()) {
      String ref = e.getKey();
      int dot = ref.indexOf('.');
      String step = ref.substring(0, dot);
      String output = ref.substring(dot + 1);
      StepRunRecord r = steps.get(step);
      if (r == null || r.outputsJson() == null) {
        throw new Errors.UsageProblem("--export " + ref + ": the run has no finished step \"" + step + "\"; its steps: " + String.join(", ", steps.keySet()));
      }
      Map<String, Artifact> artifacts = StepOutputs.of(r).artifacts();
      Artifact a = artifacts.get(output);
      if (a == null) {
        throw new Errors.UsageProblem("--export " + ref + ": step " + step + " has no artifact output \"" + output + "\"; its artifacts: " + String.join(", ", artifacts.keySet()));
      }
      Path target = e.getValue();
      if (target.getParent() != null) Files.createDirectories(target.getParent());
      AtomicFiles.write(target, Files.readAllBytes(home.artifacts().path(a)));
      lines.add("exported " + ref + " -> " + Show.display(cwd, target) + " (sha256 " + a.sha256().substring(0, 12) + ")");
    }
    if (metricsOut != null) {
      Map<String, Map<String, Object>> metrics = new TreeMap<>();
      List<MetricRecord> all = new java.util.ArrayList<>(home.store().metrics(runId));
      all.sort(Comparator.comparingLong(MetricRecord::step).thenComparingLong(MetricRecord::recordedAt));
      java.util.Set<String> children = new java.util.HashSet<>();
      for (var r : home.store().stepRuns(runId)) if (r.isChild()) children.add(r.stepKey());
      for (MetricRecord m : all) {
        if (children.contains(m.stepKey())) continue; // child steps (tuning trials) are in the run, not in its summary
        metrics.computeIfAbsent(m.stepKey(), k -> new TreeMap<>()).put(m.name(), m.value());
      }
      if (metricsOut.getParent() != null) Files.createDirectories(metricsOut.getParent());
      AtomicFiles.write(metricsOut, (Json.write(metrics) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
      lines.add("metrics -> " + Show.display(cwd, metricsOut));
    }
    return lines;
  }

  /**
   * Pipeline params from a YAML file: the top-level mapping, or the mapping under {@code KEY} with
   * {@code FILE:KEY} (how DVC's params.yaml groups them per stage). Scalars only.
   */
  static Map<String, String> paramsFile(String spec, Path cwd) {
    int colon = spec.lastIndexOf(':');
    String file = colon > 0 && !spec.substring(colon + 1).contains("/") ? spec.substring(0, colon) : spec;
    String key = file.equals(spec) ? null : spec.substring(colon + 1);
    Path p = cwd.resolve(file);
    com.fasterxml.jackson.databind.JsonNode root;
    try {
      root = new com.fasterxml.jackson.dataformat.yaml.YAMLMapper().readTree(p.toFile());
    } catch (java.io.FileNotFoundException | java.nio.file.NoSuchFileException e) {
      throw new Errors.UsageProblem("--params-file: " + file + " does not exist");
    } catch (IOException e) {
      throw new Errors.UsageProblem("--params-file: " + file + " is not valid YAML: " + e.getMessage().lines().findFirst().orElse(""));
    }
    com.fasterxml.jackson.databind.JsonNode node = key == null ? root : root == null ? null : root.path(key);
    if (node == null || !node.isObject()) {
      throw new Errors.UsageProblem("--params-file: " + (key == null ? file + " must hold a mapping of param names to values" : file + " has no mapping under \"" + key + "\""));
    }
    return params(node, "--params-file: " + file + (key == null ? "" : ":" + key));
  }

  /** Param overrides from a mapping of names to scalars; {@code shown} starts the message about a value that is not a scalar. */
  static Map<String, String> params(com.fasterxml.jackson.databind.JsonNode node, String shown) {
    Map<String, String> out = new LinkedHashMap<>();
    node.fields().forEachRemaining(e -> {
      if (!e.getValue().isValueNode()) {
        throw new Errors.UsageProblem(shown + ": param " + e.getKey() + " must be a scalar, found " + e.getValue().getNodeType().name().toLowerCase(java.util.Locale.ROOT));
      }
      out.put(e.getKey(), e.getValue().asText());
    });
    return out;
  }
}
