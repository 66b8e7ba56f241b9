package dev.kiln.engine.exec;

import dev.kiln.engine.json.Json;
import dev.kiln.engine.plan.ExecutionPlan;
import dev.kiln.engine.plan.Planner;
import dev.kiln.engine.plan.StepInstance;
import dev.kiln.engine.resolve.Resolver;
import dev.kiln.engine.spec.StepSpec;
import dev.kiln.engine.state.StepOutputs;
import dev.kiln.engine.yaml.Node;
import dev.kiln.engine.yaml.ValueNode;
import dev.kiln.registry.RunStatus;
import dev.kiln.registry.StepRunRecord;
import dev.kiln.registry.StoreException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Decides what runs when: an instance starts once every instance of the steps it depends on has
 * ended, on a pool of {@code parallelism} lifecycles; a {@code for-each} step is expanded into its
 * instances when its list is known; a step whose dependency did not produce outputs is skipped; a
 * cancelled run starts nothing new. Fan-out steps' outputs reach downstream steps as lists, in
 * instance order (fan-in).
 */
final class Scheduler {
  private final RunScope run;
  private final StepLifecycle lifecycle;
  private final ExecutionPlan plan;
  private final Map<String, StepRunRecord> previous;
  /** step id -> its instances: the plan's, and for-each steps' once expanded. */
  private final Map<String, List<StepInstance>> instances = new LinkedHashMap<>();
  /** A for-each instance's item: {@code index} and {@code value}. */
  private final Map<String, Map<String, Object>> items = new HashMap<>();
  private final Map<String, StepRunRecord> results = new LinkedHashMap<>();
  private final Map<String, Map<String, Object>> stepOutputs = new HashMap<>();
  private final Map<String, Integer> remaining = new HashMap<>();
  private final Map<String, Integer> inFlightOf = new HashMap<>();
  /** Instances running now, by key. */
  private final Map<String, StepInstance> started = new HashMap<>();
  /** Instances whose dependencies have all ended, not yet started (held back only by max-parallel). */
  private final List<StepInstance> ready = new ArrayList<>();
  /** Instances of steps whose dependencies have not all ended, by step. */
  private final Map<String, List<StepInstance>> pending = new HashMap<>();
  /** step id -> how many of its dependencies have not ended (every instance) yet. */
  private final Map<String, Integer> unfinishedDeps = new HashMap<>();
  private final Map<String, List<String>> dependants = new HashMap<>();
  private final Set<String> unexpanded = new HashSet<>();
  /** for-each steps whose dependencies have ended: their list can be read. */
  private final List<String> expandable = new ArrayList<>();

  Scheduler(RunScope run, StepLifecycle lifecycle, ExecutionPlan plan, Map<String, StepRunRecord> previous) {
    this.run = run;
    this.lifecycle = lifecycle;
    this.plan = plan;
    this.previous = previous;
    for (String s : plan.stepOrder()) {
      if (plan.spec().steps().get(s).expandsAtRunTime()) {
        unexpanded.add(s);
        instances.put(s, new ArrayList<>());
        remaining.put(s, 1); // the expansion itself: dependants wait for it
      } else {
        instances.put(s, plan.instances().get(s));
        remaining.put(s, plan.instances().get(s).size());
      }
      Set<String> deps = plan.dependencies().get(s);
      unfinishedDeps.put(s, deps.size());
      for (String d : deps) dependants.computeIfAbsent(d, x -> new ArrayList<>()).add(s);
      if (deps.isEmpty()) release(s);
      else if (!unexpanded.contains(s)) pending.put(s, plan.instances().get(s));
    }
  }

  /** Every dependency of {@code stepId} has ended: its instances may start (a for-each step may expand). */
  private void release(String stepId) {
    if (unexpanded.contains(stepId)) {
      expandable.add(stepId);
    } else {
      List<StepInstance> p = pending.remove(stepId);
      ready.addAll(p != null ? p : instances.get(stepId));
    }
  }

  /** Runs every instance to its end; returns the terminal record of each (in the order they ended) and the run's error if it failed outright. */
  Result run() {
    ExecutorService pool = Executors.newFixedThreadPool(run.options.parallelism(), RunExecutor.daemon("kiln-step"));
    CompletionService<StepRunRecord> cs = new ExecutorCompletionService<>(pool);
    String runError = null;
    int inFlight = 0;
    try {
      while (!ready.isEmpty() || !expandable.isEmpty() || !pending.isEmpty() || !unexpanded.isEmpty() || inFlight > 0) {
        boolean progressed = expandReady();
        for (var it = ready.iterator(); it.hasNext(); ) {
          StepInstance inst = it.next();
          StepSpec spec = plan.spec().steps().get(inst.stepId());
          if (spec.maxParallel() != null && inFlightOf.getOrDefault(inst.stepId(), 0) >= spec.maxParallel()) continue;
          it.remove();
          progressed = true;
          StepRunRecord prev = previous.get(inst.key());
          String blocked = blockedBy(inst.stepId());
          if (run.cancelled.get()) {
            complete(inst, run.records.ended(inst, spec.uses(), RunStatus.CANCELLED, attemptOf(prev), System.currentTimeMillis(), "cancelled before it started"));
          } else if (blocked != null) {
            complete(inst, run.records.ended(inst, spec.uses(), RunStatus.SKIPPED, attemptOf(prev), System.currentTimeMillis(), blocked));
          } else if (prev != null && prev.status().isDone() && run.records.outputsIntact(prev)) {
            run.listener.stepFinished(prev); // done before the run was resumed
            complete(inst, prev);
          } else {
            Map<String, Map<String, Object>> visible = Map.copyOf(stepOutputs);
            Map<String, Object> each = items.getOrDefault(inst.key(), Map.of());
            cs.submit(() -> lifecycle.run(plan, inst, visible, each, prev));
            inFlightOf.merge(inst.stepId(), 1, Integer::sum);
            started.put(inst.key(), inst);
            inFlight++;
          }
          // complete() may have released more instances into ready: start over on a fresh iterator
          break;
        }
        if (progressed && inFlight == 0) continue;
        if (progressed && !ready.isEmpty() && readyCanStart()) continue;
        if (inFlight == 0) {
          if (progressed) continue;
          if (runError != null) break; // a lifecycle failed outright: what waits on it is recorded as cancelled below
          throw new IllegalStateException("no step can start: " + pending.keySet() + " " + unexpanded); // a planner bug, never a spin
        }
        Future<StepRunRecord> done = cs.take();
        inFlight--;
        StepRunRecord r;
        try {
          r = done.get();
        } catch (ExecutionException e) {
          Throwable c = e.getCause();
          runError = c instanceof StoreException ? c.getMessage() : "internal error: " + c;
          run.cancelled.set(true);
          for (Future<?> f : run.running) f.cancel(true);
          continue;
        }
        inFlightOf.merge(r.stepId(), -1, Integer::sum);
        complete(started.remove(r.stepKey()), r);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      run.cancelled.set(true);
      for (Future<?> f : run.running) f.cancel(true);
      runError = "interrupted";
    } finally {
      pool.shutdownNow();
      try {
        pool.awaitTermination(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    // A lifecycle cancelled through its Future may not have recorded its end: record it now.
    for (String s : plan.stepOrder()) {
      List<StepInstance> list = unexpanded.contains(s) ? List.of(new StepInstance(s, s, 0, Map.of())) : instances.get(s);
      for (StepInstance inst : list) {
        if (!results.containsKey(inst.key())) {
          StepRunRecord prev = previous.get(inst.key());
          results.put(inst.key(), run.records.ended(inst, plan.spec().steps().get(s).uses(), RunStatus.CANCELLED, attemptOf(prev), System.currentTimeMillis(), "cancelled"));
        }
      }
    }
    return new Result(List.copyOf(results.values()), runError);
  }

  record Result(List<StepRunRecord> records, String error) {}

  /**
   * Expands every for-each step whose dependencies have ended: one instance per item of its list.
   * An empty list skips the step (and so its dependants); a value that is not a list fails it.
   */
  private boolean expandReady() {
    boolean any = false;
    while (!expandable.isEmpty()) {
      String s = expandable.remove(0);
      unexpanded.remove(s);
      any = true;
      StepSpec spec = plan.spec().steps().get(s);
      StepInstance whole = new StepInstance(s, s, 0, Map.of());
      String blocked = blockedBy(s);
      String problem = null;
      List<?> list = null;
      if (run.cancelled.get()) {
        problem = "cancelled before it started";
      } else if (blocked == null) {
        try {
          Resolver resolver = new Resolver(plan.params(), Map.of(), stepOutputs, run.options.env(), run::pathOrFail, run.secrets);
          Node v = resolver.resolve(spec.forEach());
          Object value = v instanceof ValueNode vn ? vn.value() : null;
          if (!(value instanceof List<?> l)) {
            problem = "for-each: " + spec.forEach().text() + " is " + describe(value) + ", not a list";
          } else if (l.size() > Planner.MAX_INSTANCES_PER_STEP) {
            problem = "for-each: the list has " + l.size() + " items; at most " + Planner.MAX_INSTANCES_PER_STEP + " instances per step are allowed (hint: group the items, e.g. into batches, and fan out over the batches)";
          } else {
            list = l;
          }
        } catch (RuntimeException e) {
          problem = "for-each: " + e.getMessage();
        }
      }
      if (blocked != null || problem != null || list.isEmpty()) {
        RunStatus status = blocked != null || (problem == null) ? RunStatus.SKIPPED : run.cancelled.get() ? RunStatus.CANCELLED : RunStatus.FAILED;
        String why = blocked != null ? blocked : problem != null ? problem : "for-each list " + spec.forEach().text() + " is empty";
        instances.put(s, List.of(whole));
        StepRunRecord prev = previous.get(s);
        remaining.put(s, 1);
        complete(whole, run.records.ended(whole, spec.uses(), status, attemptOf(prev), System.currentTimeMillis(), why));
        continue;
      }
      List<StepInstance> created = new ArrayList<>();
      Set<String> used = new HashSet<>();
      for (int i = 0; i < list.size(); i++) {
        String key = s + "[" + label(list.get(i), used) + "]";
        StepInstance inst = new StepInstance(key, s, i, Map.of());
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("index", (long) i);
        item.put("value", list.get(i));
        items.put(key, Collections.unmodifiableMap(item));
        created.add(inst);
      }
      instances.put(s, created);
      remaining.put(s, created.size());
      ready.addAll(created);
      run.listener.stepExpanded(s, created.stream().map(StepInstance::key).toList());
    }
    return any;
  }

  /**
   * An instance's name from its item, so a resumed or re-run fan-out finds each item's earlier
   * result wherever it now stands in the list: a short scalar names itself ({@code train[us-east]});
   * anything else is named by a digest of its JSON form.
   */
  static String label(Object item, Set<String> used) {
    String text = item instanceof String || item instanceof Number || item instanceof Boolean ? String.valueOf(item) : null;
    if (item instanceof Map<?, ?> m) {
      for (String k : List.of("name", "id", "key")) {
        Object v = m.get(k);
        if (v instanceof String || v instanceof Number) {
          text = String.valueOf(v);
          break;
        }
      }
    }
    String base = text != null && text.matches("[A-Za-z0-9][A-Za-z0-9_.=-]{0,63}") ? text
        : dev.kiln.engine.artifact.ArtifactStore.hash(Json.write(item).getBytes(java.nio.charset.StandardCharsets.UTF_8)).substring(0, 12);
    String label = base;
    for (int n = 2; !used.add(label); n++) label = base + "~" + n;
    return label;
  }

  private static String describe(Object v) {
    if (v == null) return "null";
    if (v instanceof Map<?, ?>) return "a mapping";
    if (v instanceof dev.kiln.api.Artifact a) return "a file (artifact " + a.name() + ")";
    if (v instanceof String s) return "the text \"" + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "\"";
    if (v instanceof Number || v instanceof Boolean) return String.valueOf(v);
    return "a " + v.getClass().getSimpleName();
  }

  private static int attemptOf(StepRunRecord prev) {
    return prev == null ? 0 : prev.attempt();
  }

  /** Whether some ready instance is not held back by its step's max-parallel. */
  private boolean readyCanStart() {
    for (StepInstance i : ready) {
      Integer max = plan.spec().steps().get(i.stepId()).maxParallel();
      if (max == null || inFlightOf.getOrDefault(i.stepId(), 0) < max) return true;
    }
    return false;
  }

  /** Why a step cannot run: a dependency that did not produce outputs. */
  private String blockedBy(String stepId) {
    for (String d : plan.dependencies().get(stepId)) {
      for (StepInstance i : instances.get(d)) {
        StepRunRecord r = results.get(i.key());
        if (r != null && !r.status().isDone()) return "skipped because " + i.key() + " " + r.status().name().toLowerCase(java.util.Locale.ROOT);
      }
    }
    return null;
  }

  private void complete(StepInstance inst, StepRunRecord r) {
    results.put(inst.key(), r);
    if (remaining.merge(inst.stepId(), -1, Integer::sum) > 0) return;
    fanIn(inst, r);
    for (String t : dependants.getOrDefault(inst.stepId(), List.of())) {
      if (unfinishedDeps.merge(t, -1, Integer::sum) == 0) release(t);
    }
  }

  /** The step's outputs as its dependants see them: its own, or (fan-in) each as the list over its instances. */
  private void fanIn(StepInstance inst, StepRunRecord r) {
    StepSpec spec = plan.spec().steps().get(inst.stepId());
    if (!spec.fansOut()) {
      if (r.status().isDone()) stepOutputs.put(inst.stepId(), StepOutputs.of(r).asMap());
      return;
    }
    // fan-in: downstream steps see each output as the list over the instances, in order
    Map<String, Object> merged = new LinkedHashMap<>();
    for (StepInstance i : instances.get(inst.stepId())) {
      StepRunRecord ri = results.get(i.key());
      if (ri == null || !ri.status().isDone()) return;
      StepOutputs.of(ri).asMap().forEach((k, v) -> {
        @SuppressWarnings("unchecked")
        List<Object> l = (List<Object>) merged.computeIfAbsent(k, x -> new ArrayList<>());
        l.add(v);
      });
    }
    merged.replaceAll((k, v) -> Collections.unmodifiableList((List<?>) v));
    stepOutputs.put(inst.stepId(), merged);
  }
}
