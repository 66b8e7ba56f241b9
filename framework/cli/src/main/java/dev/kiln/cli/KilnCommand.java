package dev.kiln.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "kiln",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = "Runs declarative ML pipelines: strict before, fast during, honest after.",
    subcommands = {
      RunCommand.class,
      ValidateCommand.class,
      PlanCommand.class,
      RunsCommand.class,
      ShowCommand.class,
      ResumeCommand.class,
      SyncCommand.class,
      ReproduceCommand.class,
      DataCommand.class,
      ModelsCommand.class,
      PromoteCommand.class,
      HistoryCommand.class,
      ServeCommand.class,
      CiCommand.class,
      ExplainCommand.class,
      PluginsCommand.class,
      SchemaCommand.class,
      picocli.CommandLine.HelpCommand.class
    },
    footer = {"", "Exit codes: 0 success, 1 the run failed, 2 invalid input (spec, params, usage)."})
public final class KilnCommand implements Runnable {
  @Option(names = "--debug", description = "Show stack traces of internal errors.", scope = picocli.CommandLine.ScopeType.INHERIT)
  boolean debug;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "a command is required: run, validate, plan, runs, show, resume, explain, models, promote, history, serve, ci, plugins or schema");
  }
}
