package dev.kiln.cli;

import dev.kiln.api.Tracker;
import dev.kiln.engine.home.KilnHome;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "sync", mixinStandardHelpOptions = true,
    description = "Deliver tracking events that earlier runs left in the outbox (after an MLflow outage or a killed run).")
final class SyncCommand implements Callable<Integer> {
  @Option(names = "--tracking-uri", paramLabel = "URI", description = "Deliver to this MLflow server instead of the one each run was tracked to.")
  String trackingUri;

  @Spec CommandSpec spec;
  private final KilnHome home;
  private final Provider<Set<Tracker>> trackers;

  @Inject
  SyncCommand(KilnHome home, Provider<Set<Tracker>> trackers) {
    this.home = home;
    this.trackers = trackers;
  }

  @Override
  public Integer call() {
    var out = spec.commandLine().getOut();
    Map<String, String> env = new LinkedHashMap<>(home.env());
    if (trackingUri != null) env.put("KILN_SYNC_TRACKING_URI", trackingUri);
    boolean failed = false;
    int any = 0;
    for (Tracker t : trackers.get()) {
      List<Tracker.SyncLine> lines = t.sync(home.dir(), env);
      if (lines == null) continue;
      for (Tracker.SyncLine line : lines) {
        any++;
        out.println(t.name() + ": " + line.text());
        if (!line.delivered()) failed = true;
      }
    }
    if (any == 0) out.println("nothing to deliver");
    return failed ? 1 : 0;
  }
}
