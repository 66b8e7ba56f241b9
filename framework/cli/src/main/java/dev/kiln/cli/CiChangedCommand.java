package dev.kiln.cli;

import dev.kiln.ci.CiChanges;
import dev.kiln.engine.Engine;
import dev.kiln.engine.diag.Problems;
import dev.kiln.engine.json.Json;
import dev.kiln.engine.spec.PipelineSpec;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import jakarta.inject.Named;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "changed", mixinStandardHelpOptions = true,
    description = {"Which pipelines the changes since --base affect: the pipeline file, the data it reads (with its .dvc files and dvc.lock entries),",
        "its section of params.yaml, the code of the plugins it uses, and Kiln itself. Uncommitted and untracked files count."})
final class CiChangedCommand implements Callable<Integer> {
  @Parameters(arity = "0..*", paramLabel = "PATH", description = "Pipeline files or directories (default: pipelines).")
  List<Path> paths;

  @Option(names = "--base", required = true, paramLabel = "REF", description = "Compare with this commit, branch or tag (its merge base with HEAD), e.g. origin/main.")
  String base;

  @Option(names = "--json", description = "Print the answer as JSON.")
  boolean json;

  @Option(names = "--files", description = "Print only the affected pipeline files, one per line (nothing when none is affected), for scripts.")
  boolean filesOnly;

  @Spec CommandSpec spec;
  private final Provider<Engine> engine;
  private final Path cwd;

  @Inject
  CiChangedCommand(Provider<Engine> engine, @Named("cwd") Path cwd) {
    this.engine = engine;
    this.cwd = cwd;
  }

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    CiChanges.Report r = analyse(engine.get(), cwd, base, paths);
    if (json) {
      out.println(Json.write(r));
      return 0;
    }
    if (filesOnly) {
      for (CiChanges.Pipeline p : r.affected()) out.println(p.file());
      return 0;
    }
    out.println(r.changed().size() + " files changed since " + base + " (merge base " + r.mergeBase().substring(0, Math.min(12, r.mergeBase().length())) + ")");
    for (CiChanges.Pipeline p : r.pipelines()) {
      out.println((p.affected() ? "affected  " : "unchanged ") + p.file() + (p.name() == null ? "" : " (" + p.name() + ")"));
      for (String why : p.reasons()) out.println("    " + why);
    }
    return 0;
  }

  /** Loads the pipelines (an invalid one is left out here; validation reports it) and analyses the change. */
  static CiChanges.Report analyse(Engine engine, Path cwd, String base, List<Path> paths) throws IOException {
    Map<Path, PipelineSpec> specs = new LinkedHashMap<>();
    for (Path f : CiCommand.pipelineFiles(paths, cwd)) {
      Problems problems = new Problems();
      engine.load(f, Show.display(cwd, f), problems).ifPresent(s -> specs.put(f, s));
    }
    CiChanges.dropIncluded(specs, cwd);
    return new CiChanges(cwd, engine.registry()).analyse(base, specs, cwd);
  }
}
