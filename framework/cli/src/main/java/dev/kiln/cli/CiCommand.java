package dev.kiln.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;

@Command(name = "ci", mixinStandardHelpOptions = true,
    description = {"Continuous training in CI: which pipelines a change affects, retrain them with the gate as a test report, promote what the gate blessed.",
        "  kiln ci changed --base origin/main      kiln ci retrain --base origin/main      kiln ci promote"},
    subcommands = {CiChangedCommand.class, CiRetrainCommand.class, CiPromoteCommand.class})
final class CiCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: changed, retrain or promote");
  }

  /** Pipeline files under the given paths (default: pipelines/); a path that does not exist is a usage error. */
  static List<Path> pipelineFiles(List<Path> paths, Path cwd) throws IOException {
    return ValidateCommand.pipelineFiles(paths == null || paths.isEmpty() ? List.of(Path.of("pipelines")) : paths, cwd, p -> {
      throw new Errors.UsageProblem(p + ": no such file or directory");
    });
  }
}
