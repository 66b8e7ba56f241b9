package dev.kiln.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.api.Artifact;
import dev.kiln.engine.Engine;
import dev.kiln.engine.home.KilnHome;
import dev.kiln.api.AtomicFiles;
import dev.kiln.engine.diag.InvalidInputException;
import dev.kiln.engine.diag.Problem;
import dev.kiln.engine.diag.Problems;
import dev.kiln.engine.plan.ExecutionPlan;
import dev.kiln.engine.json.Json;
import dev.kiln.engine.exec.RunOptions;
import dev.kiln.engine.exec.RunOutcome;
import dev.kiln.engine.models.Provenance;
import dev.kiln.engine.spec.PipelineSpec;
import dev.kiln.registry.MetricRecord;
import dev.kiln.registry.RunStatus;
import dev.kiln.registry.StepRunRecord;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "retrain", mixinStandardHelpOptions = true,
    description = {"Validate every pipeline, run the affected ones (all without --base), and report: DIR/junit.xml (one test case per pipeline and per",
        "gate check), DIR/summary.md (each candidate against the champion, blessed or not, MLflow links), DIR/candidates.json (for kiln ci promote)",
        "and DIR/blessed.txt (NAME:VERSION of each blessed, registered candidate; empty when none).",
        "A pipeline's section of params.yaml (its name as the key) supplies its params. Exit 1 when a run fails, 2 when a pipeline is invalid;",
        "a candidate that is not blessed is reported, not a failure."})
final class CiRetrainCommand implements Callable<Integer> {
  @Parameters(arity = "0..*", paramLabel = "PATH", description = "Pipeline files or directories (default: pipelines).")
  List<Path> paths;

  @Option(names = "--base", paramLabel = "REF", description = "Run only the pipelines the changes since REF affect (kiln ci changed); default: all.")
  String base;

  @Option(names = "--out", defaultValue = "kiln-ci", paramLabel = "DIR", description = "Where the reports go (default: ${DEFAULT-VALUE}).")
  Path outDir;

  @picocli.CommandLine.Mixin RunOutputOptions output = new RunOutputOptions();

  @Spec CommandSpec spec;
  private final Engine engine;
  private final KilnHome home;
  private final Path cwd;

  @Inject
  CiRetrainCommand(Engine engine, KilnHome home, @Named("cwd") Path cwd) {
    this.engine = engine;
    this.home = home;
    this.cwd = cwd;
  }

  /** The run's link in what the MLflow tracker says when it closes. */
  private static final Pattern MLFLOW_RUN = Pattern.compile("^tracking: MLflow run (\\S+)");

  /** A check of a validate step, as its report has it. */
  record Check(String name, String status, Double value, String expected, String detail) {}

  /** A model a validate step judged in this build; {@code version} is set when a register step registered it. */
  record Candidate(String model, Integer version, String artifactSha256, String step, boolean blessed, List<String> failed, Integer championVersion,
      List<Check> checks, Map<String, Double> metrics, Map<String, Double> championMetrics) {}

  /** One pipeline of the build. status: succeeded, failed, invalid or skipped (not affected). */
  record Result(String file, String name, String status, String runId, long millis, String error, String tracking, List<String> reasons, List<Candidate> candidates) {}

  /** What candidates.json holds. */
  record Build(String commit, String branch, String origin, List<Result> pipelines) {}

  @Override
  public Integer call() throws IOException {
    PrintWriter err = spec.commandLine().getErr();
    List<Path> files = CiChanges.pipelineFiles(paths, cwd);
    Map<Path, PipelineSpec> valid = new LinkedHashMap<>();
    List<Result> results = new ArrayList<>();
    Map<Path, Result> invalid = new LinkedHashMap<>();
    for (Path f : files) {
      Problems problems = new Problems();
      Optional<PipelineSpec> s = engine.load(f, Show.display(cwd, f), problems);
      if (s.isPresent() && !problems.hasErrors()) {
        valid.put(f, s.get());
      } else {
        Errors.print(err, problems.sorted());
        invalid.put(f, new Result(Show.display(cwd, f), s.map(PipelineSpec::name).orElse(null), "invalid", null, 0, problemsText(problems.sorted()), null, List.of(), List.of()));
      }
    }
    CiChanges.dropIncluded(valid, cwd);
    files.removeIf(f -> !valid.containsKey(f) && !invalid.containsKey(f)); // sub-pipelines run through the pipelines that include them
    Map<Path, List<String>> affected = new LinkedHashMap<>();
    if (base != null) {
      CiChanges.Report r = new CiChanges(cwd, engine.registry()).analyse(base, valid, cwd);
      for (CiChanges.Pipeline p : r.pipelines()) if (p.affected()) affected.put(cwd.resolve(p.file()).normalize(), p.reasons());
      err.println("kiln ci: " + affected.size() + " of " + valid.size() + " valid pipelines affected by the changes since " + base);
    } else {
      for (Path f : valid.keySet()) affected.put(f.normalize(), List.of("all pipelines (no --base)"));
    }
    for (Path f : files) {
      if (invalid.containsKey(f)) {
        results.add(invalid.get(f));
        continue;
      }
      PipelineSpec s = valid.get(f);
      List<String> reasons = affected.get(f.normalize());
      if (reasons == null) {
        results.add(new Result(Show.display(cwd, f), s.name(), "skipped", null, 0, null, null, List.of(), List.of()));
        continue;
      }
      results.add(retrain(f, s, reasons, err));
    }
    String commit = Provenance.gitCommit(cwd, home.env());
    Build build = new Build(commit, Provenance.branch(cwd, home.env()), Provenance.actor(home.env(), commit).origin(), results);
    Path dir = cwd.resolve(outDir);
    Files.createDirectories(dir);
    StringBuilder blessed = new StringBuilder();
    for (Result r : results) for (Candidate c : r.candidates()) if (c.blessed() && c.version() != null) blessed.append(c.model()).append(':').append(c.version()).append('\n');
    Map<String, String> reports = Map.of("junit.xml", CiReport.junit(build), "summary.md", CiReport.markdown(build), "candidates.json", Json.write(build), "blessed.txt", blessed.toString());
    for (var e : reports.entrySet()) AtomicFiles.write(dir.resolve(e.getKey()), e.getValue().getBytes(StandardCharsets.UTF_8));
    spec.commandLine().getOut().print(reports.get("summary.md"));
    spec.commandLine().getOut().flush();
    err.println("kiln ci: reports in " + Show.display(cwd, dir) + "/ (junit.xml, summary.md, candidates.json, blessed.txt)");
    if (results.stream().anyMatch(r -> r.status().equals("invalid"))) return 2;
    return results.stream().anyMatch(r -> r.status().equals("failed")) ? 1 : 0;
  }

  private Result retrain(Path f, PipelineSpec s, List<String> reasons, PrintWriter err) {
    String shown = Show.display(cwd, f);
    long t0 = System.currentTimeMillis();
    Map<String, String> overrides = new LinkedHashMap<>();
    try {
      JsonNode section = s.name() == null ? null : paramsYaml().path(s.name());
      if (section != null && section.isObject()) overrides.putAll(RunFiles.params(section, CiChanges.PARAMS_FILE + ":" + s.name()));
      err.println("kiln ci: retraining " + shown + (overrides.isEmpty() ? "" : " with " + CiChanges.PARAMS_FILE + ":" + s.name()) + " (" + String.join("; ", reasons) + ")");
      ExecutionPlan plan = engine.plan(f, shown, overrides, p -> err.println(p.format()));
      RunOptions options = RunCommand.options(cwd, home, output, false);
      RunOutcome outcome = RunSupport.run(onStart -> engine.run(plan, home, options, new Progress(err, Progress.isTerminal()), onStart));
      new Show(home.store()).failures(outcome.runId(), home, err);
      err.flush();
      String tracking = null;
      for (String line : outcome.tracking()) {
        Matcher m = MLFLOW_RUN.matcher(line);
        if (m.find()) tracking = m.group(1);
      }
      boolean ok = outcome.status() == RunStatus.SUCCEEDED;
      return new Result(shown, s.name(), ok ? "succeeded" : outcome.invalidInput() ? "invalid" : "failed", outcome.runId(), System.currentTimeMillis() - t0,
          ok ? null : outcome.error(), tracking, reasons, candidates(outcome.runId()));
    } catch (InvalidInputException e) {
      Errors.print(err, e.problems());
      return new Result(shown, s.name(), "invalid", null, System.currentTimeMillis() - t0, problemsText(e.problems()), null, reasons, List.of());
    } catch (Errors.UsageProblem e) {
      err.println("kiln ci: " + shown + ": " + e.getMessage());
      return new Result(shown, s.name(), "invalid", null, System.currentTimeMillis() - t0, e.getMessage(), null, reasons, List.of());
    }
  }

  /** params.yaml, once read; unset until then (and after a failed read, so each pipeline reports it). */
  private JsonNode paramsYaml;

  /** params.yaml beside the pipelines (a missing node when there is none), read once for the whole build, as kiln ci changed reads it. */
  private JsonNode paramsYaml() {
    if (paramsYaml == null) {
      Path p = cwd.resolve(CiChanges.PARAMS_FILE);
      try {
        paramsYaml = CiChanges.yaml(Files.exists(p) ? Files.readString(p) : null);
      } catch (IOException e) {
        throw new Errors.UsageProblem(CiChanges.PARAMS_FILE + ": cannot read: " + e.getMessage());
      }
    }
    return paramsYaml;
  }


  /** The validate steps' verdicts in the run, with the version a register step gave the same bundle. */
  private List<Candidate> candidates(String runId) {
    List<Candidate> out = new ArrayList<>();
    if (runId == null) return out;
    List<StepRunRecord> steps = home.store().stepRuns(runId);
    List<MetricRecord> metrics = home.store().metrics(runId);
    for (StepRunRecord r : steps) {
      if (!"kiln/validate".equals(r.stepType()) || r.status() != RunStatus.SUCCEEDED) continue;
      Map<String, Object> outputs = Json.decodeOutputs(r.outputsJson());
      if (!(outputs.get("report") instanceof Artifact a)) continue;
      JsonNode report;
      try {
        report = Json.read(Files.readString(home.artifacts().path(a)));
      } catch (IOException e) {
        continue;
      }
      String model = report.path("model").asText();
      String sha = report.path("candidate").asText();
      Integer version = registered(steps, model, sha);
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

  private Integer registered(List<StepRunRecord> steps, String model, String sha) {
    for (StepRunRecord r : steps) {
      if (!"kiln/register".equals(r.stepType()) || r.status() != RunStatus.SUCCEEDED) continue;
      Map<String, Object> o = Json.decodeOutputs(r.outputsJson());
      if (!model.equals(o.get("name")) || !(o.get("version") instanceof Number n)) continue;
      var v = home.store().models().version(model, n.intValue());
      if (v.isPresent() && v.get().artifactSha256().equals(sha)) return n.intValue();
    }
    return null;
  }

  private static String problemsText(List<Problem> problems) {
    StringBuilder sb = new StringBuilder();
    for (Problem p : problems) if (p.isError()) sb.append(p.format()).append('\n');
    return sb.toString().strip();
  }
}
