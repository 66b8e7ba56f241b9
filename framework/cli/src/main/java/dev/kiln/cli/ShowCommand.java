package dev.kiln.cli;

import dev.kiln.engine.home.KilnHome;
import jakarta.inject.Inject;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "show", mixinStandardHelpOptions = true, description = "Show a run and its steps.")
final class ShowCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "RUN")
  String runId;

  @Option(names = "--json", description = "Print as JSON.")
  boolean json;

  @Spec CommandSpec spec;
  private final KilnHome home;

  @Inject
  ShowCommand(KilnHome home) {
    this.home = home;
  }

  @Override
  public Integer call() {
    Show show = new Show(home.store());
    if (json) spec.commandLine().getOut().println(show.json(runId));
    else show.text(runId, spec.commandLine().getOut());
    return 0;
  }
}
