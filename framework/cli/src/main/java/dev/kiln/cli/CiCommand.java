package dev.kiln.cli;

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
}
