package dev.kiln.cli;

import dev.kiln.engine.Engine;
import dev.kiln.engine.home.KilnHome;
import dev.kiln.engine.exec.RunOptions;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import jakarta.inject.Named;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "resume", mixinStandardHelpOptions = true, description = "Continue a failed, cancelled or killed run without re-running finished steps.")
final class ResumeCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "RUN", description = "The run id (see `kiln runs`).")
  String runId;

  @picocli.CommandLine.Mixin RunOutputOptions output = new RunOutputOptions();


  @Spec CommandSpec spec;

  private final Provider<Engine> engine;
  private final KilnHome home;
  private final Path cwd;

  @Inject
  ResumeCommand(Provider<Engine> engine, KilnHome home, @Named("cwd") Path cwd) {
    this.engine = engine;
    this.home = home;
    this.cwd = cwd;
  }

  @Override
  public Integer call() {
    var err = spec.commandLine().getErr();
    RunOptions options = RunCommand.options(cwd, home, output, false);
    return RunSupport.execute(home, output, cwd, spec.commandLine().getOut(), err,
        onStart -> engine.get().resume(runId, home, options, new Progress(err, Progress.isTerminal()), onStart));
  }
}
