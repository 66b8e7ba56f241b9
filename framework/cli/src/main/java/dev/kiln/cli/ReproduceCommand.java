package dev.kiln.cli;

import dev.kiln.api.DataVersioning;
import dev.kiln.engine.Engine;
import dev.kiln.engine.home.KilnHome;
import dev.kiln.engine.json.Json;
import dev.kiln.engine.exec.RunOptions;
import dev.kiln.engine.exec.RunOutcome;
import dev.kiln.engine.plan.ExecutionPlan;
import dev.kiln.registry.DataVersionRecord;
import dev.kiln.registry.LineageEdge;
import dev.kiln.registry.StepRunRecord;
import dev.kiln.registry.RunRecord;
import dev.kiln.registry.RunStatus;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import jakarta.inject.Named;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "reproduce", mixinStandardHelpOptions = true,
    description = "Re-run a recorded run: restore the data versions it read (DVC), run its pipeline as it was with its params and no cache, and compare every artifact hash.")
final class ReproduceCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "RUN", description = "The run id (see `kiln runs`).")
  String runId;

  @picocli.CommandLine.Mixin RunOutputOptions output = new RunOutputOptions();

  @Spec CommandSpec spec;

  private final Provider<Engine> engine;
  private final KilnHome home;
  private final Path cwd;

  @Inject
  ReproduceCommand(Provider<Engine> engine, KilnHome home, @Named("cwd") Path cwd) {
    this.engine = engine;
    this.home = home;
    this.cwd = cwd;
  }

  /** One artifact of the original run and what the reproduction produced in its place. */
  record Comparison(String step, String direction, String name, String original, String reproduced, boolean matches) {
    static Comparison of(String step, String direction, String name, String original, String reproduced) {
      return new Comparison(step, direction, name, original, reproduced, original.equals(reproduced));
    }
  }

  @Override
  public Integer call() {
    var err = spec.commandLine().getErr();
    var out = spec.commandLine().getOut();
    RunRecord run = home.store().findRun(runId).orElseThrow(() -> new Errors.UsageProblem("no run " + runId + "; `kiln runs` lists them"));
    RunOptions options = RunCommand.options(cwd, home, output, true);
    // 1. the data as the run read it
    List<DataVersionRecord> versions = home.store().dataVersions(runId);
    for (DataVersionRecord v : versions) {
      DataVersioning system = engine.get().dataSystems().stream().filter(s -> s.name().equals(v.system())).findFirst()
          .orElseThrow(() -> new Errors.UsageProblem("run " + runId + " read " + v.path() + " through " + v.system() + ", and no installed plugin provides it"));
      if (v.modified()) {
        err.println("warning: " + v.path() + " had changes not added to " + v.system() + " when " + runId + " ran; its content may not be restorable");
      }
      try {
        String did = system.restore(cwd, new DataVersioning.DataVersion(v.system(), v.path(), v.hash(), v.size(), v.source(), v.descriptor(), v.modified()), options.env());
        err.println(did == null ? v.path() + ": already " + v.hash() : did);
      } catch (DataVersioning.DataUnavailable e) {
        err.println("kiln: cannot reproduce " + runId + ": " + e.getMessage());
        return 1;
      }
    }
    // 2. the pipeline as it ran, its params, no cache
    ExecutionPlan plan = engine.get().planOf(run, cwd);
    err.println("reproducing " + runId + " (" + run.pipelineFile() + ") without the cache ...");
    RunOutcome outcome = RunSupport.run(onStart -> engine.get().run(plan, home, options, new Progress(err, Progress.isTerminal()), onStart));
    // 3. every artifact hash, then the data versions
    java.util.Set<String> children = new java.util.HashSet<>();
    for (StepRunRecord r : home.store().stepRuns(runId)) if (r.isChild()) children.add(r.stepKey());
    List<Comparison> compared = compare(home.store().lineage(runId), home.store().lineage(outcome.runId()), children);
    Map<String, DataVersionRecord> now = new LinkedHashMap<>();
    for (DataVersionRecord v : home.store().dataVersions(outcome.runId())) now.put(v.path(), v);
    for (DataVersionRecord v : versions) {
      DataVersionRecord r = now.get(v.path());
      compared.add(Comparison.of("(data)", "in", v.path(), v.hash(), r == null ? "(not read)" : r.hash()));
    }
    boolean same = outcome.status() == RunStatus.SUCCEEDED && !compared.isEmpty() && compared.stream().allMatch(Comparison::matches);
    if (output.json) {
      Map<String, Object> j = new LinkedHashMap<>();
      j.put("run", runId);
      j.put("reproduction", outcome.runId());
      j.put("status", outcome.status().name());
      j.put("reproduced", same);
      j.put("artifacts", compared); // a Comparison's components are the keys
      out.println(Json.write(j));
    } else {
      new Show(home.store()).failures(outcome.runId(), home, err);
      for (Comparison c : compared) {
        out.printf("%-5s %-24s %-3s %-28s %-14s %-14s%n", c.matches() ? "same" : "DIFF", c.step(), c.direction(), c.name(), shortHash(c.original()), shortHash(c.reproduced()));
      }
      long differ = compared.stream().filter(c -> !c.matches()).count();
      out.println(same
          ? "reproduced: run " + outcome.runId() + " matches " + runId + " in all " + compared.size() + " artifact and data hashes"
          : "NOT reproduced: run " + outcome.runId() + " (" + outcome.status() + ") differs from " + runId + " in " + differ + " of " + compared.size() + " hashes");
    }
    return same ? 0 : 1;
  }

  /** Lineage edges of both runs side by side, per step, direction and name. */
  static List<Comparison> compare(List<LineageEdge> original, List<LineageEdge> reproduced, java.util.Set<String> children) {
    Map<String, String> again = new TreeMap<>();
    for (LineageEdge e : reproduced) again.put(e.stepKey() + "\u0000" + e.direction() + "\u0000" + e.name(), e.sha256());
    List<Comparison> out = new ArrayList<>();
    for (LineageEdge e : original) {
      if (children.contains(e.stepKey())) continue; // trials of a sweep: their outputs are compared through the step's
      String r = again.get(e.stepKey() + "\u0000" + e.direction() + "\u0000" + e.name());
      out.add(Comparison.of(e.stepKey(), e.direction(), e.name(), e.sha256(), r == null ? "(missing)" : r));
    }
    return out;
  }

  private static String shortHash(String h) {
    if (h.startsWith("(")) return h;
    int colon = h.indexOf(':');
    String body = colon >= 0 ? h.substring(colon + 1) : h;
    return (colon >= 0 ? h.substring(0, colon + 1) : "") + body.substring(0, Math.min(12, body.length()));
  }
}
