package dev.kiln.cli;

import dev.kiln.engine.Engine;
import dev.kiln.engine.home.KilnHome;
import dev.kiln.engine.exec.RunOptions;
import dev.kiln.engine.plan.ExecutionPlan;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import jakarta.inject.Named;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "run", mixinStandardHelpOptions = true, description = "Validate, plan and run a pipeline.")
final class RunCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "FILE", description = "The pipeline YAML.")
  Path file;

  @Option(names = {"-p", "--param"}, paramLabel = "NAME=VALUE", description = "Override a pipeline param (repeatable).")
  Map<String, String> params = new LinkedHashMap<>();

  @Option(names = "--params-file", paramLabel = "FILE[:KEY]", description = "Read param values from a YAML file (the mapping under KEY with FILE:KEY, as in DVC's params.yaml); -p wins over it.")
  String paramsFile;

  @picocli.CommandLine.Mixin RunOutputOptions output = new RunOutputOptions();

  @Option(names = "--no-cache", description = "Execute every step even when an identical one ran before.")
  boolean noCache;


  @Spec CommandSpec spec;

  private final Provider<Engine> engine;
  private final KilnHome home;
  private final Path cwd;

  @Inject
  RunCommand(Provider<Engine> engine, KilnHome home, @Named("cwd") Path cwd) {
    this.engine = engine;
    this.home = home;
    this.cwd = cwd;
  }

  @Override
  public Integer call() {
    var err = spec.commandLine().getErr();
    Map<String, String> overrides = new LinkedHashMap<>();
    if (paramsFile != null) overrides.putAll(RunFiles.paramsFile(paramsFile, cwd));
    overrides.putAll(params);
    ExecutionPlan plan = engine.get().plan(cwd.resolve(file), Show.display(cwd, file), overrides, p -> err.println(p.format()));
    RunOptions options = options(cwd, home, output, noCache);
    return RunSupport.execute(home, output, cwd, spec.commandLine().getOut(), err,
        onStart -> engine.get().run(plan, home, options, new Progress(err, Progress.isTerminal()), onStart));
  }

  static RunOptions options(Path cwd, KilnHome home, RunOutputOptions output, boolean noCache) {
    Integer parallelism = output.parallelism;
    Map<String, String> env = home.env();
    if (output.trackingUri != null) {
      env = new LinkedHashMap<>(env);
      env.put("MLFLOW_TRACKING_URI", output.trackingUri);
    }
    RunOptions o = new RunOptions(cwd, Runtime.getRuntime().availableProcessors(), !noCache, env).withKeepScratch(output.keepScratch);
    if (parallelism != null) {
      if (parallelism < 1) throw new Errors.UsageProblem("--parallelism must be at least 1, found " + parallelism);
      o = o.withParallelism(parallelism);
    }
    return o;
  }
}
