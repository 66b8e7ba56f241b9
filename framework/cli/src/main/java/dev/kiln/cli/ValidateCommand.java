package dev.kiln.cli;

import dev.kiln.engine.Engine;
import dev.kiln.engine.diag.Code;
import dev.kiln.engine.diag.Problem;
import dev.kiln.engine.diag.Problems;
import dev.kiln.engine.diag.Location;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import jakarta.inject.Named;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "validate", mixinStandardHelpOptions = true, description = "Check pipelines without running anything; every problem at once.")
final class ValidateCommand implements Callable<Integer> {
  @Parameters(arity = "1..*", paramLabel = "PATH", description = "Pipeline files, or directories searched for *.yaml / *.yml.")
  List<Path> paths;

  @Spec CommandSpec spec;
  private final Provider<Engine> engine;
  private final Path cwd;

  @Inject
  ValidateCommand(Provider<Engine> engine, @Named("cwd") Path cwd) {
    this.engine = engine;
    this.cwd = cwd;
  }

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Problems problems = new Problems();
    List<Path> files = pipelineFiles(paths, cwd, p -> problems.add(Location.file(Show.display(cwd, p)), Code.E001, "", "no such file or directory", "check the path"),
        d -> problems.add(Location.file(Show.display(cwd, d)), Code.E001, "", "no pipeline files (*.yaml, *.yml) found in this directory", "give a pipeline file, or a directory that holds some"));
    for (Path f : files) engine.get().load(f, Show.display(cwd, f), problems);
    List<Problem> sorted = problems.sorted();
    int errors = Errors.print(err, sorted);
    int warnings = sorted.size() - errors;
    if (errors > 0) {
      err.println(Errors.summary(errors, warnings));
      return 2;
    }
    out.println("ok: " + files.size() + (files.size() == 1 ? " pipeline" : " pipelines") + " valid" + (warnings > 0 ? " (" + Errors.summary(0, warnings).substring(10) + ")" : ""));
    return 0;
  }

  /** Pipeline files under {@code paths}: files as given, directories searched for *.yaml / *.yml (sorted); {@code missing} hears of paths that do not exist. */
  static List<Path> pipelineFiles(List<Path> paths, Path cwd, java.util.function.Consumer<Path> missing) throws IOException {
    return pipelineFiles(paths, cwd, missing, d -> {});
  }

  /** As above; {@code empty} hears of directories that hold no pipeline file (a wrong directory would otherwise pass as valid). */
  static List<Path> pipelineFiles(List<Path> paths, Path cwd, java.util.function.Consumer<Path> missing, java.util.function.Consumer<Path> empty) throws IOException {
    List<Path> files = new ArrayList<>();
    for (Path p : paths) {
      Path abs = cwd.resolve(p);
      if (Files.isDirectory(abs)) {
        int before = files.size();
        try (Stream<Path> s = Files.walk(abs)) {
          s.filter(Files::isRegularFile).filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml")).sorted().forEach(files::add);
        }
        if (files.size() == before) empty.accept(p);
      } else if (Files.exists(abs)) {
        files.add(abs);
      } else {
        missing.accept(p);
      }
    }
    return files;
  }
}
