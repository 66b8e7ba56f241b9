package dev.kiln.cli;

import dev.kiln.engine.home.KilnHome;
import dev.kiln.engine.json.Json;
import dev.kiln.registry.AuditEntry;
import dev.kiln.registry.ModelRegistry;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "history", mixinStandardHelpOptions = true,
    description = "The audit log of a model: every registration and alias move, who made it, from where, when and why.")
final class HistoryCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "NAME", description = "A registered model.")
  String name;

  @Option(names = "--json", description = "Print as JSON.")
  boolean json;

  @Spec CommandSpec spec;
  private final KilnHome home;

  @Inject
  HistoryCommand(KilnHome home) {
    this.home = home;
  }

  @Override
  public Integer call() {
    var out = spec.commandLine().getOut();
    ModelRegistry reg = home.store().models();
    ModelsCommand.requireModel(reg, name);
    List<AuditEntry> log = reg.history(name);
    if (json) {
      out.println(Json.write(log));
      return 0;
    }
    out.println(String.format(Locale.ROOT, "%-20s %-9s %-10s %-9s %-14s %s", "WHEN", "ACTION", "ALIAS", "VERSION", "WHO", "FROM / WHY"));
    for (AuditEntry e : log) {
      String move = e.action().equals("promote") ? (e.fromVersion() == null ? "" : e.fromVersion() + "->") + e.version()
          : e.action().equals("demote") ? e.fromVersion() + "->" : String.valueOf(e.version());
      String why = e.origin() + (e.gitCommit() == null ? "" : " @" + e.gitCommit().substring(0, Math.min(12, e.gitCommit().length())))
          + (e.forced() ? "  FORCED: " + e.reason() : e.reason() == null ? "" : "  " + e.reason());
      out.println(String.format(Locale.ROOT, "%-20s %-9s %-10s %-9s %-14s %s", Instant.ofEpochMilli(e.at()).toString().replaceAll("\\.\\d+Z$", "Z"), e.action(),
          e.alias() == null ? "" : e.alias(), move, e.actor(), why));
    }
    return 0;
  }
}
