package dev.kiln.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.api.AtomicFiles;
import dev.kiln.ci.Build;
import dev.kiln.ci.Build.Result;
import dev.kiln.ci.Candidates;
import dev.kiln.ci.CiChanges;
import dev.kiln.ci.CiProblem;
import dev.kiln.ci.CiReport;
import dev.kiln.engine.Engine;
import dev.kiln.engine.diag.InvalidInputException;
import dev.kiln.engine.diag.Problems;
import dev.kiln.engine.exec.RunOptions;
import dev.kiln.engine.exec.RunOutcome;
import dev.kiln.engine.home.KilnHome;
import dev.kiln.engine.models.Provenance;
import dev.kiln.engine.plan.ExecutionPlan;
import dev.kiln.engine.spec.PipelineSpec;
import dev.kiln.registry.RunStatus;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
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
import java.util.concurrent.Callable;
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
  private final Provider<Engine> engine;
  private final KilnHome home;
  private final Path cwd;

  @Inject
  CiRetrainCommand(Provider<Engine> engine, KilnHome home, @Named("cwd") Path cwd) {
    this.engine = engine;
    this.home = home;
    this.cwd = cwd;
  }

  @Override
  public Integer call() throws IOException {
    PrintWriter err = spec.commandLine().getErr();
    List<Path> files = CiCommand.pipelineFiles(paths, cwd);
    Map<Path, PipelineSpec> valid = new LinkedHashMap<>();
    List<Result> results = new ArrayList<>();
    Map<Path, Result> invalid = new LinkedHashMap<>();
    for (Path f : files) {
      Problems problems = new Problems();
      Optional<PipelineSpec> s = engine.get().load(f, Show.display(cwd, f), problems);
      if (s.isPresent() && !problems.hasErrors()) {
        valid.put(f, s.get());
      } else {
        Errors.print(err, problems.sorted());
        invalid.put(f, new Result(Show.display(cwd, f), s.map(PipelineSpec::name).orElse(null), "invalid", null, 0, Candidates.problemsText(problems.sorted()), null, List.of(), List.of()));
      }
    }
    CiChanges.dropIncluded(valid, cwd);
    files.removeIf(f -> !valid.containsKey(f) && !invalid.containsKey(f)); // sub-pipelines run through the pipelines that include them
    Map<Path, List<String>> affected = new LinkedHashMap<>();
    if (base != null) {
      CiChanges.Report r = new CiChanges(cwd, engine.get().registry()).analyse(base, valid, cwd);
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
    Map<String, String> reports = CiReport.files(build);
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
      ExecutionPlan plan = engine.get().plan(f, shown, overrides, p -> err.println(p.format()));
      RunOptions options = RunCommand.options(cwd, home, output, false);
      RunOutcome outcome = RunSupport.run(onStart -> engine.get().run(plan, home, options, new Progress(err, Progress.isTerminal()), onStart));
      new Show(home.store()).failures(outcome.runId(), home, err);
      err.flush();
      String tracking = Candidates.mlflowRun(outcome.tracking());
      boolean ok = outcome.status() == RunStatus.SUCCEEDED;
      return new Result(shown, s.name(), ok ? "succeeded" : outcome.invalidInput() ? "invalid" : "failed", outcome.runId(), System.currentTimeMillis() - t0,
          ok ? null : outcome.error(), tracking, reasons, Candidates.of(home, outcome.runId()));
    } catch (InvalidInputException e) {
      Errors.print(err, e.problems());
      return new Result(shown, s.name(), "invalid", null, System.currentTimeMillis() - t0, Candidates.problemsText(e.problems()), null, reasons, List.of());
    } catch (Errors.UsageProblem | CiProblem e) {
      // a bad params.yaml (CiProblem) or a bad param in it fails this pipeline, not the build
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
}
