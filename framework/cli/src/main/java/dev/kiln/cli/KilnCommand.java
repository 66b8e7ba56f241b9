package dev.kiln.cli;

import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "kiln",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = "Runs declarative ML pipelines: strict before, fast during, honest after.",
    footer = {"", "Exit codes: 0 success, 1 the run failed, 2 invalid input (spec, params, usage)."})
public final class KilnCommand implements Runnable {
  /** The subcommands, in the order help lists them; {@link Main} adds them (see {@link #subcommandsFor}). */
  static final List<Class<?>> SUBCOMMANDS = List.of(
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
      picocli.CommandLine.HelpCommand.class);

  /**
   * The subcommands {@code args} can reach. picocli builds the model of every subcommand it is
   * given (reflection over each one's options) before it parses, which cost every command as much
   * as it took to run {@code kiln --version}. The root takes no option with a value, so the first
   * argument that is not an option names the command: when it is one, only that one is built.
   * Anything else ({@code --help}, no command, {@code help}, a misspelt name that picocli should
   * suggest a correction for) gets them all.
   */
  static List<Class<?>> subcommandsFor(String[] args) {
    if (java.util.Arrays.stream(args).allMatch(a -> a.equals("--version") || a.equals("-V") || a.equals("--debug"))
        && java.util.Arrays.stream(args).anyMatch(a -> a.equals("--version") || a.equals("-V"))) {
      return List.of(); // kiln --version prints the version and nothing else
    }
    for (String a : args) {
      if (a.equals("--")) break;
      if (a.startsWith("-")) continue;
      for (Class<?> c : SUBCOMMANDS) {
        if (c != picocli.CommandLine.HelpCommand.class && c.getAnnotation(Command.class).name().equals(a)) return List.of(c);
      }
      break;
    }
    return SUBCOMMANDS;
  }

  @Option(names = "--debug", description = "Show stack traces of internal errors.", scope = picocli.CommandLine.ScopeType.INHERIT)
  boolean debug;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "a command is required: run, validate, plan, runs, show, resume, explain, models, promote, history, serve, ci, plugins or schema");
  }
}
