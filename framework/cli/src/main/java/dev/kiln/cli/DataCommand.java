package dev.kiln.cli;

import dev.kiln.api.DataVersioning;
import dev.kiln.engine.Engine;
import dev.kiln.engine.home.KilnHome;
import dev.kiln.engine.json.Json;
import dev.kiln.registry.DataVersionRecord;
import dev.kiln.registry.RunRecord;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import jakarta.inject.Named;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "data", mixinStandardHelpOptions = true, description = "Versioned data (DVC) the pipelines read.", subcommands = DataCommand.Status.class)
final class DataCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return 2;
  }

  @Command(name = "status", mixinStandardHelpOptions = true,
      description = "Which tracked inputs changed since the last run of each pipeline, and so which pipelines are stale.")
  static final class Status implements Callable<Integer> {
    @Option(names = "--json", description = "Print the status as JSON.")
    boolean json;

    @Spec CommandSpec spec;
    private final Provider<Engine> engine;
    private final KilnHome home;
    private final Path cwd;

    @Inject
    Status(Provider<Engine> engine, KilnHome home, @Named("cwd") Path cwd) {
      this.engine = engine;
      this.home = home;
      this.cwd = cwd;
    }

    /** A tracked input of a pipeline's last run, then and now. */
    record Row(String pipeline, String run, String path, String system, String recorded, String now, String state) {}

    @Override
    public Integer call() {
      var out = spec.commandLine().getOut();
      // the last run of each pipeline that read tracked data
      Map<String, RunRecord> last = new LinkedHashMap<>();
      for (RunRecord r : home.store().listRuns(10_000)) last.putIfAbsent(r.pipeline(), r);
      List<Row> rows = new ArrayList<>();
      Map<String, List<DataVersionRecord>> byPipeline = new LinkedHashMap<>();
      Set<String> paths = new LinkedHashSet<>();
      for (RunRecord r : last.values()) {
        List<DataVersionRecord> v = home.store().dataVersions(r.id());
        if (v.isEmpty()) continue;
        byPipeline.put(r.pipeline(), v);
        v.forEach(d -> paths.add(d.path()));
      }
      Map<String, DataVersioning.DataVersion> current = new LinkedHashMap<>();
      for (DataVersioning system : engine.get().dataSystems()) {
        try {
          current.putAll(system.current(cwd, paths, home.env()));
        } catch (DataVersioning.DataUnavailable e) {
          spec.commandLine().getErr().println("kiln: " + e.getMessage());
          return 1;
        }
      }
      Map<String, List<String>> stale = new LinkedHashMap<>();
      byPipeline.forEach((pipeline, versions) -> {
        for (DataVersionRecord v : versions) {
          DataVersioning.DataVersion now = current.get(v.path());
          String state;
          if (now == null) state = "not tracked any more";
          else if (!now.hash().equals(v.hash())) state = "changed";
          else if (now.modified()) state = "modified in the workspace (not added)";
          else state = v.modified() ? "changed" : "unchanged";
          rows.add(new Row(pipeline, last.get(pipeline).id(), v.path(), v.system(), v.hash(), now == null ? "-" : now.hash() + (now.modified() ? "+modified" : ""), state));
          if (!state.equals("unchanged")) stale.computeIfAbsent(pipeline, k -> new ArrayList<>()).add(v.path());
        }
      });
      if (json) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("inputs", rows); // a Row's components are the keys
        j.put("stale", stale);
        out.println(Json.write(j));
        return 0;
      }
      if (rows.isEmpty()) {
        out.println("no run has read DVC-tracked data yet (`kiln run` a pipeline whose inputs have .dvc files)");
        return 0;
      }
      out.printf("%-16s %-24s %-28s %-16s %-16s %s%n", "PIPELINE", "LAST RUN", "INPUT", "RECORDED", "NOW", "STATE");
      for (Row r : rows) {
        out.printf("%-16s %-24s %-28s %-16s %-16s %s%n", r.pipeline(), r.run(), r.path(), abbreviate(r.recorded()), abbreviate(r.now()), r.state());
      }
      if (stale.isEmpty()) out.println("every pipeline is up to date with its tracked data");
      else stale.forEach((p, why) -> out.println("stale: " + p + " (" + String.join(", ", why) + " changed since its last run)"));
      return 0;
    }

    private static String abbreviate(String hash) {
      return hash.length() > 16 ? hash.substring(0, 16) : hash;
    }
  }
}
