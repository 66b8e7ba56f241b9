package dev.kiln.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.kiln.engine.home.KilnHome;
import dev.kiln.engine.json.Json;
import dev.kiln.registry.RunRecord;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "runs", mixinStandardHelpOptions = true, description = "List runs, newest first.")
final class RunsCommand implements Callable<Integer> {
  @Option(names = "--json", description = "Print as JSON.")
  boolean json;

  @Option(names = "--limit", defaultValue = "50", description = "At most this many runs (default: ${DEFAULT-VALUE}).")
  int limit;

  @Spec CommandSpec spec;
  private final KilnHome home;

  @Inject
  RunsCommand(KilnHome home) {
    this.home = home;
  }

  @Override
  public Integer call() {
    var out = spec.commandLine().getOut();
    List<RunRecord> runs = home.store().listRuns(limit);
    Show show = new Show(home.store());
    if (json) {
      ArrayNode a = JsonNodeFactory.instance.arrayNode();
      for (RunRecord r : runs) a.add(show.runNode(r, false));
      out.println(Json.write(a));
      return 0;
    }
    if (runs.isEmpty()) {
      out.println("no runs yet; start one with `kiln run <pipeline.yaml>`");
      return 0;
    }
    out.println(String.format(Locale.ROOT, "%-23s %-20s %-10s %-24s %s", "RUN", "PIPELINE", "STATUS", "CREATED", "DURATION"));
    for (RunRecord r : runs) {
      String d = r.startedAt() != null && r.finishedAt() != null ? Show.millis(r.finishedAt() - r.startedAt()) : "";
      out.println(String.format(Locale.ROOT, "%-23s %-20s %-10s %-24s %s", r.id(), r.pipeline(), r.status(), Instant.ofEpochMilli(r.createdAt()), d));
    }
    return 0;
  }
}
