package dev.kiln.engine.exec;

import dev.kiln.engine.json.Json;
import dev.kiln.engine.resolve.Resolver;
import dev.kiln.engine.resolve.SecretMask;

import dev.kiln.api.Artifact;
import dev.kiln.api.ChildRun;
import dev.kiln.api.StepContext;
import dev.kiln.api.StepFailure;
import dev.kiln.api.StepResult;
import dev.kiln.api.StepType;
import dev.kiln.engine.steps.StepRegistry;
import dev.kiln.engine.artifact.ArtifactStore;
import dev.kiln.engine.bind.ParamsBinder;
import dev.kiln.engine.cache.CacheKey;
import dev.kiln.engine.diag.Problem;
import dev.kiln.engine.diag.Problems;
import dev.kiln.engine.plan.ExecutionPlan;
import dev.kiln.engine.plan.StepInstance;
import dev.kiln.engine.spec.Durations;
import dev.kiln.engine.spec.StepSpec;
import dev.kiln.engine.diag.Location;
import dev.kiln.engine.yaml.MapNode;
import dev.kiln.engine.yaml.Node;
import dev.kiln.engine.yaml.ValueNode;
import dev.kiln.registry.ArtifactRecord;
import dev.kiln.registry.LineageEdge;
import dev.kiln.registry.MetricRecord;
import dev.kiln.registry.RunStatus;
import dev.kiln.registry.RunStore;
import dev.kiln.registry.StepRunRecord;
import dev.kiln.registry.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Executes one run of a plan: schedules step instances on a bounded pool as their dependencies
 * finish, and takes each through the same lifecycle: resolve and bind params, evaluate {@code if},
 * look up the cache, persist RUNNING, execute (with timeout and retries), persist the terminal
 * state. A state is reported to listeners only after the store has committed it.
 */
public final class RunExecutor {
  private final RunStore store;
  private final ArtifactStore artifacts;
  private final StepRegistry registry;
  private final Path home;
  private final RunOptions options;
  private final RunListener listener;
  private final AtomicBoolean cancelled = new AtomicBoolean();
  private final SecretMask secrets = new SecretMask();
  private final CacheKeys cacheKeys = new CacheKeys(secrets);
  private final Set<Future<?>> running = ConcurrentHashMap.newKeySet();
  private final Set<String> invalidInput = ConcurrentHashMap.newKeySet();
  private InputFiles inputFiles;
  private List<dev.kiln.api.ModelRegistryMirror> mirrors = List.of();
  private List<dev.kiln.api.ModelRuntime> modelRuntimes = List.of();
  private volatile String currentRun;

  public RunExecutor(RunStore store, ArtifactStore artifacts, StepRegistry registry, Path home, RunOptions options, RunListener listener) {
    this.store = store;
    this.artifacts = artifacts;
    this.registry = registry;
    this.home = home;
    this.options = options;
    this.listener = listener;
    this.inputFiles = new InputFiles(store, artifacts, options, listener, secrets, List.of());
  }

  /** Registries (MLflow's) that model versions registered during the run are mirrored to. */
  public RunExecutor withMirrors(List<dev.kiln.api.ModelRegistryMirror> mirrors) {
    this.mirrors = List.copyOf(mirrors);
    return this;
  }

  /** The model runtimes plugins registered, which steps reach through {@link StepContext#modelRuntimes()}. */
  public RunExecutor withModelRuntimes(java.util.Collection<dev.kiln.api.ModelRuntime> runtimes) {
    this.modelRuntimes = List.copyOf(runtimes);
    return this;
  }

  /** The data-versioning systems (DVC) asked about every project file a step reads. */
  public RunExecutor withDataVersioning(java.util.Collection<dev.kiln.api.DataVersioning> systems) {
    this.inputFiles = new InputFiles(store, artifacts, options, listener, secrets, List.copyOf(systems));
    return this;
  }

  /** Asks the run to stop: running steps are interrupted and end CANCELLED; nothing new starts. */
  public void cancel() {
    cancelled.set(true);
    for (Future<?> f : running) f.cancel(true);
  }

  /**
   * Runs the plan under {@code runId}. Step runs already done in {@code previous} (a resumed run)
   * keep their outputs and are not executed again.
   */
  public RunOutcome execute(String runId, ExecutionPlan plan, Map<String, StepRunRecord> previous) {
    currentRun = runId;
    ExecutorService pool = Executors.newFixedThreadPool(options.parallelism(), daemon("kiln-step"));
    ExecutorService stepThreads = Executors.newCachedThreadPool(daemon("kiln-exec"));
    CompletionService<StepRunRecord> cs = new ExecutorCompletionService<>(pool);
    Map<String, StepRunRecord> results = new LinkedHashMap<>();
    Map<String, Map<String, Object>> stepOutputs = new HashMap<>();
    Map<String, Integer> remaining = new HashMap<>();
    plan.instances().forEach((s, list) -> remaining.put(s, list.size()));
    List<StepInstance> waiting = new ArrayList<>(plan.allInstances());
    String runError = null;
    int inFlight = 0;
    try {
      while (!waiting.isEmpty() || inFlight > 0) {
        int before = waiting.size();
        for (var it = waiting.iterator(); it.hasNext(); ) {
          StepInstance inst = it.next();
          if (!depsFinished(plan, inst.stepId(), remaining)) continue;
          it.remove();
          StepRunRecord prev = previous.get(inst.key());
          String blocked = blockedBy(plan, inst.stepId(), results);
          if (cancelled.get()) {
            complete(inst, terminal(runId, inst, plan, RunStatus.CANCELLED, "cancelled before it started", prev), results, stepOutputs, remaining, plan);
          } else if (blocked != null) {
            complete(inst, terminal(runId, inst, plan, RunStatus.SKIPPED, blocked, prev), results, stepOutputs, remaining, plan);
          } else if (prev != null && prev.status().isDone() && outputsIntact(prev)) {
            results.put(inst.key(), prev); // done before the run was resumed
            listener.stepFinished(prev);
            countDone(inst, results, stepOutputs, remaining, plan);
          } else {
            Map<String, Map<String, Object>> visible = Map.copyOf(stepOutputs);
            cs.submit(() -> lifecycle(runId, plan, inst, visible, prev, stepThreads));
            inFlight++;
          }
        }
        if (inFlight == 0) {
          if (waiting.size() < before) continue;
          if (runError != null) break; // a lifecycle failed outright: what waits on it is recorded as cancelled below
          throw new IllegalStateException("no step can start: " + waiting); // a planner bug, never a spin
        }
        Future<StepRunRecord> done = cs.take();
        inFlight--;
        StepRunRecord r;
        try {
          r = done.get();
        } catch (ExecutionException e) {
          Throwable c = e.getCause();
          runError = c instanceof StoreException ? c.getMessage() : "internal error: " + c;
          cancel();
          continue;
        }
        StepInstance inst = plan.instances().get(r.stepId()).stream().filter(i -> i.key().equals(r.stepKey())).findFirst().orElseThrow();
        complete(inst, r, results, stepOutputs, remaining, plan);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      cancel();
      runError = "interrupted";
    } finally {
      pool.shutdownNow();
      stepThreads.shutdownNow();
      try {
        pool.awaitTermination(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    // A lifecycle cancelled through its Future may not have recorded its end: record it now.
    for (StepInstance inst : plan.allInstances()) {
      if (!results.containsKey(inst.key())) {
        StepRunRecord r = terminal(runId, inst, plan, RunStatus.CANCELLED, "cancelled", previous.get(inst.key()));
        results.put(inst.key(), r);
      }
    }
    RunStatus status = cancelled.get() ? RunStatus.CANCELLED : RunStatus.SUCCEEDED;
    for (StepRunRecord r : results.values()) {
      if (r.status() == RunStatus.FAILED && status == RunStatus.SUCCEEDED) {
        status = RunStatus.FAILED;
        if (runError == null) runError = "step " + r.stepKey() + " failed: " + r.error();
      }
    }
    if (runError != null && status == RunStatus.SUCCEEDED) status = RunStatus.FAILED;
    if (status == RunStatus.CANCELLED && runError == null) runError = "cancelled";
    removeRunScratch(runId);
    store.finishRun(runId, status, runError, System.currentTimeMillis());
    listener.runFinished(runId, status, runError);
    boolean badInput = status == RunStatus.FAILED && results.values().stream().anyMatch(r -> r.status() == RunStatus.FAILED && invalidInput.contains(r.stepKey()));
    return new RunOutcome(runId, status, runError, List.copyOf(results.values()), badInput);
  }

  /** Removes {@code work/<run>} once no step uses it; with --keep-scratch, only if nothing was kept. */
  private void removeRunScratch(String runId) {
    Path dir = home.resolve("work").resolve(runId);
    try {
      if (!Files.exists(dir)) return;
      if (!options.keepScratch()) {
        deleteTree(dir);
        return;
      }
      try (var files = Files.walk(dir)) {
        for (Path d : files.sorted(java.util.Comparator.reverseOrder()).filter(Files::isDirectory).toList()) {
          try (var in = Files.list(d)) {
            if (in.findAny().isEmpty()) Files.delete(d);
          }
        }
      }
    } catch (IOException | UncheckedIOException e) {
      // scratch is not state: a leftover directory costs disk space, never correctness
    }
  }

  private static boolean depsFinished(ExecutionPlan plan, String stepId, Map<String, Integer> remaining) {
    for (String d : plan.dependencies().get(stepId)) if (remaining.get(d) > 0) return false;
    return true;
  }

  /** Why a step cannot run: a dependency that did not produce outputs. */
  private static String blockedBy(ExecutionPlan plan, String stepId, Map<String, StepRunRecord> results) {
    for (String d : plan.dependencies().get(stepId)) {
      for (StepInstance i : plan.instances().get(d)) {
        StepRunRecord r = results.get(i.key());
        if (r != null && !r.status().isDone()) return "skipped because " + i.key() + " " + r.status().name().toLowerCase(java.util.Locale.ROOT);
      }
    }
    return null;
  }

  private void complete(StepInstance inst, StepRunRecord r, Map<String, StepRunRecord> results, Map<String, Map<String, Object>> stepOutputs, Map<String, Integer> remaining, ExecutionPlan plan) {
    results.put(inst.key(), r);
    countDone(inst, results, stepOutputs, remaining, plan);
  }

  private static void countDone(StepInstance inst, Map<String, StepRunRecord> results, Map<String, Map<String, Object>> stepOutputs, Map<String, Integer> remaining, ExecutionPlan plan) {
    if (remaining.merge(inst.stepId(), -1, Integer::sum) > 0) return;
    List<StepInstance> all = plan.instances().get(inst.stepId());
    boolean fanOut = plan.spec().steps().get(inst.stepId()).fansOut();
    if (!fanOut) {
      StepRunRecord r = results.get(inst.key());
      if (r.status().isDone()) stepOutputs.put(inst.stepId(), Json.decodeOutputs(r.outputsJson()));
      return;
    }
    // fan-in: downstream steps see each output as the list over the instances, in matrix order
    Map<String, Object> merged = new LinkedHashMap<>();
    for (StepInstance i : all) {
      StepRunRecord r = results.get(i.key());
      if (r == null || !r.status().isDone()) return;
      Json.decodeOutputs(r.outputsJson()).forEach((k, v) -> {
        @SuppressWarnings("unchecked")
        List<Object> l = (List<Object>) merged.computeIfAbsent(k, x -> new ArrayList<>());
        l.add(v);
      });
    }
    merged.replaceAll((k, v) -> Collections.unmodifiableList((List<?>) v));
    stepOutputs.put(inst.stepId(), merged);
  }

  private boolean outputsIntact(StepRunRecord r) {
    Map<String, Artifact> arts = new LinkedHashMap<>();
    Json.decodeOutputs(r.outputsJson()).forEach((k, v) -> Json.artifacts(v, k, arts));
    return arts.values().stream().allMatch(artifacts::isIntact);
  }

  private StepRunRecord terminal(String runId, StepInstance inst, ExecutionPlan plan, RunStatus status, String why, StepRunRecord prev) {
    long now = System.currentTimeMillis();
    StepSpec spec = plan.spec().steps().get(inst.stepId());
    StepRunRecord r = new StepRunRecord(runId, inst.key(), inst.stepId(), spec.uses(), status, prev == null ? 0 : prev.attempt(), null, null, now, now, why, null, null);
    store.saveStepRun(r);
    listener.stepFinished(r);
    return r;
  }

  // ---------------------------------------------------------------- the lifecycle of one instance

  private StepRunRecord lifecycle(String runId, ExecutionPlan plan, StepInstance inst, Map<String, Map<String, Object>> outputs, StepRunRecord prev, ExecutorService stepThreads) {
    StepSpec spec = plan.spec().steps().get(inst.stepId());
    StepType<?> type = registry.find(spec.uses()).orElseThrow();
    long started = System.currentTimeMillis();
    int attemptBase = prev == null ? 0 : prev.attempt();
    Map<String, String> env = new LinkedHashMap<>(options.env());
    Resolver resolver = new Resolver(plan.params(), inst.matrix(), outputs, env, this::pathOrFail, secrets);
    // 1. condition
    try {
      if (spec.condition() != null && !resolver.condition(spec.condition())) {
        return finish(new StepRunRecord(runId, inst.key(), inst.stepId(), spec.uses(), RunStatus.SKIPPED, attemptBase, null, null, started, System.currentTimeMillis(), "condition " + spec.condition().text() + " is false", null, null));
      }
    } catch (RuntimeException e) {
      return failedBeforeStart(runId, inst, spec, attemptBase, started, "if: " + e.getMessage());
    }
    // 2. params, env and inputs
    Map<String, Artifact> imported = new LinkedHashMap<>();
    Map<String, String> declaredEnv = new java.util.TreeMap<>();
    Record params;
    try {
      resolveEnv(plan.spec().env(), resolver, env, declaredEnv);
      resolveEnv(spec.env(), resolver, env, declaredEnv);
      Map<String, String> scriptEnv = new LinkedHashMap<>();
      MapNode with = resolver.resolve(spec.with(), shellKeys(type), scriptEnv);
      env.putAll(scriptEnv);
      Problems problems = new Problems();
      ParamsBinder.Runtime rt = importing(imported, problems, "steps." + spec.id());
      params = new ParamsBinder(ParamsBinder.Mode.BUILD, rt, null, problems).bind(type.paramsType(), with, "steps." + spec.id() + ".with").orElse(null);
      if (params == null) {
        String msg = problems.sorted().stream().map(Problem::format).reduce((a, b) -> a + "\n" + b).orElse("cannot bind params");
        invalidInput.add(inst.key()); // params that do not bind are bad input, as in kiln validate: exit 2
        return failedBeforeStart(runId, inst, spec, attemptBase, started, msg);
      }
      // 3. cache key
      CacheKey key = cacheKeys.of(type, with, imported, declaredEnv, inputFiles);
      if (spec.cache() && type.cacheable() && options.useCache()) {
        StepRunRecord[] hit = reuse(runId, inst, spec.uses(), attemptBase, key, started, imported, with);
        if (hit != null) {
          listener.stepFinished(hit[1]);
          return hit[1];
        }
      }
      return executeWithRetries(runId, plan, inst, spec, type, params, key, env, declaredEnv, imported, with, attemptBase, stepThreads);
    } catch (Resolver.ResolveError | dev.kiln.engine.expr.Evaluator.EvalError e) {
      return failedBeforeStart(runId, inst, spec, attemptBase, started, e.getMessage());
    } catch (UncheckedIOException e) {
      return failedBeforeStart(runId, inst, spec, attemptBase, started, e.getCause().getMessage());
    }
  }

  /** The {@code with:} keys of a step type that hold shell scripts. */
  private static Set<String> shellKeys(StepType<?> type) {
    Set<String> keys = new java.util.HashSet<>();
    for (var f : dev.kiln.engine.bind.ParamsSchema.of(type.paramsType()).fields()) {
      if (f.param() != null && f.param().shell()) keys.add(f.yamlName());
    }
    return keys;
  }

  private void resolveEnv(Map<String, Node> declared, Resolver resolver, Map<String, String> env, Map<String, String> forKey) {
    declared.forEach((k, n) -> {
      Node v = resolver.resolve(n);
      Object value = v instanceof ValueNode vn ? vn.value() : dev.kiln.engine.spec.Values.plain(v);
      String text = value == null ? "" : String.valueOf(value);
      env.put(k, text);
      forKey.put(k, v instanceof ValueNode vn && vn.hasShownForm() ? vn.redacted() : text);
    });
  }

  private StepRunRecord failedBeforeStart(String runId, StepInstance inst, StepSpec spec, int attempt, long started, String msg) {
    return finish(new StepRunRecord(runId, inst.key(), inst.stepId(), spec.uses(), RunStatus.FAILED, attempt, null, null, started, System.currentTimeMillis(), mask(msg), null, null));
  }

  private StepRunRecord finish(StepRunRecord r) {
    store.saveStepRun(r);
    listener.stepFinished(r);
    return r;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private StepRunRecord executeWithRetries(String runId, ExecutionPlan plan, StepInstance inst, StepSpec spec, StepType type, Record params, CacheKey key, Map<String, String> env, Map<String, String> declaredEnv, Map<String, Artifact> imported, MapNode with, int attemptBase, ExecutorService stepThreads) {
    int attempts = spec.retry().attempts();
    String error = null;
    RunStatus status = RunStatus.FAILED;
    for (int a = 1; a <= attempts; a++) {
      int attempt = attemptBase + a;
      Duration delay = spec.retry().delayBefore(a);
      if (!delay.isZero()) {
        try {
          Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
          status = RunStatus.CANCELLED;
          error = "cancelled while waiting to retry";
          break;
        }
      }
      if (cancelled.get()) {
        status = RunStatus.CANCELLED;
        error = "cancelled";
        break;
      }
      long started = System.currentTimeMillis();
      StepRunRecord runningRecord = new StepRunRecord(runId, inst.key(), inst.stepId(), spec.uses(), RunStatus.RUNNING, attempt, key.digest(), key.componentsJson(), started, null, null, null, null);
      store.saveStepRun(runningRecord);
      listener.stepStarted(runningRecord);
      Context ctx = new Context(runId, inst, plan.spec().name(), spec, env, declaredEnv, attempt, null);
      Future<StepResult> f = stepThreads.submit(() -> type.execute(params, ctx));
      running.add(f);
      if (cancelled.get()) f.cancel(true); // cancel() ran between the check above and add()
      boolean ok = false;
      try {
        StepResult result = spec.timeout() == null ? f.get() : f.get(spec.timeout().toMillis(), TimeUnit.MILLISECONDS);
        StepRunRecord r = succeeded(runId, inst, spec, attempt, started, key, result, ctx, imported, with);
        ok = true;
        return r;
      } catch (TimeoutException e) {
        ctx.cancelled.set(true);
        f.cancel(true);
        error = "timed out after " + Durations.format(spec.timeout());
        status = RunStatus.FAILED;
        ctx.log("kiln: " + error);
      } catch (InterruptedException | java.util.concurrent.CancellationException e) {
        ctx.cancelled.set(true);
        f.cancel(true);
        status = RunStatus.CANCELLED;
        error = "cancelled";
        break;
      } catch (ExecutionException e) {
        Throwable c = e.getCause();
        if (cancelled.get()) {
          status = RunStatus.CANCELLED;
          error = "cancelled";
          break;
        }
        error = c instanceof StepFailure sf ? sf.getMessage() : c.getClass().getSimpleName() + ": " + c.getMessage();
        ctx.log("kiln: attempt " + attempt + " failed: " + error);
        if (c instanceof dev.kiln.api.InvalidInput) invalidInput.add(inst.key());
        if (c instanceof StepFailure sf && !sf.retryable()) break;
      } catch (StoreException e) {
        throw e;
      } catch (IOException | RuntimeException e) {
        error = e.getClass().getSimpleName() + ": " + e.getMessage();
      } finally {
        running.remove(f);
        ctx.closeLog();
        ctx.removeScratch(ok);
      }
      if (a < attempts && !cancelled.get()) {
        long now = System.currentTimeMillis();
        StepRunRecord failed = new StepRunRecord(runId, inst.key(), inst.stepId(), spec.uses(), RunStatus.FAILED, attempt, key.digest(), key.componentsJson(), started, now, mask(error) + " (will retry)", null, null);
        store.saveStepRun(failed);
      }
    }
    long now = System.currentTimeMillis();
    return finish(new StepRunRecord(runId, inst.key(), inst.stepId(), spec.uses(), status, attemptBase + Math.max(1, attempts), key.digest(), key.componentsJson(), null, now, mask(error), null, null));
  }

  private StepRunRecord succeeded(String runId, StepInstance inst, StepSpec spec, int attempt, long started, CacheKey key, StepResult result, Context ctx, Map<String, Artifact> imported, MapNode with) throws IOException {
    StepRunRecord r = recordSuccess(runId, inst, spec.uses(), attempt, started, key, result, ctx, imported, with);
    listener.stepFinished(r);
    return r;
  }

  /**
   * Records a step (or child) that ran to the end, in one transaction: a SUCCEEDED step always has
   * its artifacts, lineage and metrics.
   */
  private StepRunRecord recordSuccess(String runId, StepInstance inst, String uses, int attempt, long started, CacheKey key, StepResult result, Context ctx, Map<String, Artifact> imported, MapNode with) throws IOException {
    Map<String, Object> outs = result.outputs();
    Map<String, Artifact> produced = new LinkedHashMap<>();
    outs.forEach((k, v) -> Json.artifacts(v, k, produced));
    for (Artifact a : produced.values()) {
      if (!artifacts.isIntact(a)) throw new IOException("output artifact " + a.name() + " is not in the artifact store; steps must create artifacts with StepContext.storeArtifact");
    }
    List<MetricRecord> metrics = new ArrayList<>(ctx.metrics);
    long now = System.currentTimeMillis();
    result.metrics().forEach((k, v) -> metrics.add(new MetricRecord(runId, inst.key(), mask(k), 0, v, now)));
    // a value that holds a secret is stored, shown and passed on masked, like a log line
    StepRunRecord r = new StepRunRecord(runId, inst.key(), inst.stepId(), uses, RunStatus.SUCCEEDED, attempt, key.digest(), key.componentsJson(), started, now, null, Json.encodeOutputs(secrets.maskValues(outs)), null);
    List<Artifact> all = new ArrayList<>(produced.values());
    all.addAll(imported.values());
    store.completeStep(r, artifactRecords(all, now), lineage(runId, inst.key(), imported, inputsOf(with), outs), metrics);
    return r;
  }

  /** What binding needs at run time: artifact paths, and input files imported into the store. */
  private ParamsBinder.Runtime importing(Map<String, Artifact> imported, Problems problems, String path) {
    return new ParamsBinder.Runtime() {
      @Override
      public Path pathOf(Artifact a) {
        return pathOrFail(a);
      }

      @Override
      public Artifact importFile(String file, Location at) {
        try {
          Artifact a = inputFiles.importFile(currentRun, file);
          imported.put(file, a);
          return a;
        } catch (java.nio.file.NoSuchFileException e) {
          problems.add(at, dev.kiln.engine.diag.Code.E122, path, "input file " + file + " does not exist", null);
          return null;
        } catch (IOException e) {
          problems.add(at, dev.kiln.engine.diag.Code.E122, path, "cannot read input file " + file + ": " + e.getMessage(), null);
          return null;
        }
      }
    };
  }

  /**
   * Reuses an earlier result with the same cache key, if its artifacts are intact: records the
   * instance as CACHED and returns {the earlier step run, the CACHED record}; null on a miss.
   */
  private StepRunRecord[] reuse(String runId, StepInstance inst, String uses, int attempt, CacheKey key, long started, Map<String, Artifact> imported, MapNode with) {
    var hit = store.findByCacheKey(key.digest()).filter(this::outputsIntact);
    if (hit.isEmpty()) return null;
    StepRunRecord h = hit.get();
    long now = System.currentTimeMillis();
    StepRunRecord r = new StepRunRecord(runId, inst.key(), inst.stepId(), uses, RunStatus.CACHED, attempt, key.digest(), key.componentsJson(), started, now, null, h.outputsJson(), h.runId());
    store.completeStep(r, artifactRecords(imported.values(), now), lineage(runId, inst.key(), imported, inputsOf(with), Json.decodeOutputs(h.outputsJson())), List.of());
    return new StepRunRecord[] {h, r};
  }

  private static Map<String, Artifact> inputsOf(MapNode with) {
    Map<String, Artifact> in = new LinkedHashMap<>();
    with.entries().forEach((k, e) -> {
      if (e.value() instanceof ValueNode v) Json.artifacts(v.value(), k, in);
    });
    return in;
  }

  private static List<ArtifactRecord> artifactRecords(java.util.Collection<Artifact> artifacts, long now) {
    return artifacts.stream().map(a -> new ArtifactRecord(a.sha256(), a.size(), a.mediaType(), now)).toList();
  }

  private static List<LineageEdge> lineage(String runId, String stepKey, Map<String, Artifact> imported, Map<String, Artifact> inputs, Map<String, Object> outputs) {
    List<LineageEdge> edges = new ArrayList<>();
    imported.forEach((p, a) -> edges.add(new LineageEdge(runId, stepKey, "in", "file:" + p, a.sha256())));
    inputs.forEach((n, a) -> edges.add(new LineageEdge(runId, stepKey, "in", n, a.sha256())));
    Map<String, Artifact> produced = new LinkedHashMap<>();
    outputs.forEach((k, v) -> Json.artifacts(v, k, produced));
    produced.forEach((n, a) -> edges.add(new LineageEdge(runId, stepKey, "out", n, a.sha256())));
    return edges;
  }

  private Path pathOrFail(Artifact a) {
    try {
      return artifacts.path(a);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The secret values this run has resolved, and masking with them. */
  public SecretMask secrets() {
    return secrets;
  }

  /** {@code s} with every secret value this run resolved replaced by {@code ***}. */
  private String mask(String s) {
    return secrets.mask(s);
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  // ---------------------------------------------------------------- child steps (e.g. tuning trials)

  /**
   * Runs a child step of {@code parent} in the calling thread with the lifecycle of a step: bind,
   * cache lookup, RUNNING, execute, terminal state with artifacts, lineage and metrics in one
   * transaction. Failures become a FAILED child, never an exception of the parent.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private ChildRun runChild(Context parent, String name, String uses, Map<String, Object> with, ChildRun.Monitor monitor) throws InterruptedException {
    String key = parent.inst.key() + "/" + name;
    long started = System.currentTimeMillis();
    StepInstance inst = new StepInstance(key, parent.inst.stepId(), parent.inst.index(), parent.inst.matrix());
    StepType type = registry.find(uses).orElse(null);
    if (type == null) return childFailed(parent, inst, uses, started, "unknown step type \"" + uses + "\"");
    Location at = parent.spec.with() == null ? parent.spec.location() : parent.spec.with().location();
    Map<String, MapNode.Entry> entries = new LinkedHashMap<>();
    with.forEach((k, v) -> entries.put(k, new MapNode.Entry(k, at, new ValueNode(v, null, at))));
    MapNode node = new MapNode(entries, at);
    Map<String, Artifact> imported = new LinkedHashMap<>();
    Problems problems = new Problems();
    ParamsBinder.Runtime rt = importing(imported, problems, key);
    Record params;
    try {
      params = (Record) new ParamsBinder(ParamsBinder.Mode.BUILD, rt, null, problems).bind(type.paramsType(), node, key + ".with").orElse(null);
    } catch (RuntimeException e) {
      params = null;
      problems.add(at, dev.kiln.engine.diag.Code.E122, key, e.getMessage(), null);
    }
    if (params == null) {
      String msg = problems.sorted().stream().map(pr -> pr.path() + ": " + pr.message() + (pr.hint() == null ? "" : " (" + pr.hint() + ")")).reduce((a, b) -> a + "; " + b).orElse("cannot bind params");
      return childFailed(parent, inst, uses, started, "invalid params: " + msg);
    }
    CacheKey ck = cacheKeys.of(type, node, imported, parent.declaredEnv, inputFiles);
    if (parent.spec.cache() && type.cacheable() && options.useCache()) {
      StepRunRecord[] hit = reuse(parent.runId, inst, uses, 0, ck, started, imported, node);
      if (hit != null) {
        StepRunRecord h = hit[0];
        listener.stepFinished(hit[1]);
        Map<String, Object> outs = Json.decodeOutputs(h.outputsJson());
        Map<String, Double> last = new LinkedHashMap<>();
        List<MetricRecord> recorded = new ArrayList<>(store.metrics(h.runId(), h.stepKey()));
        recorded.sort(java.util.Comparator.comparingLong(MetricRecord::step).thenComparingLong(MetricRecord::recordedAt));
        for (MetricRecord m : recorded) {
          last.put(m.name(), m.value());
          if (m.step() > 0) monitor.report(m.name(), m.value(), m.step()); // the monitor sees the same series as when it ran
        }
        return new ChildRun(key, ChildRun.Status.CACHED, outs, last, null, h.runId(), 0);
      }
    }
    StepRunRecord runningRecord = new StepRunRecord(parent.runId, key, inst.stepId(), uses, RunStatus.RUNNING, 1, ck.digest(), ck.componentsJson(), started, null, null, null, null);
    store.saveStepRun(runningRecord);
    listener.stepStarted(runningRecord);
    Context ctx = new Context(parent.runId, inst, parent.pipeline, parent.spec, parent.env, parent.declaredEnv, 1, parent);
    ctx.monitor = monitor;
    boolean ok = false;
    try {
      StepResult result = (StepResult) type.execute(params, ctx);
      if (ctx.stopped.get()) throw new StepFailure("stopped by its monitor");
      StepRunRecord r = recordSuccess(parent.runId, inst, uses, 1, started, ck, result, ctx, imported, node);
      ok = true;
      listener.stepFinished(r);
      Map<String, Double> last = lastValues(ctx.metrics);
      last.putAll(result.metrics());
      return new ChildRun(key, ChildRun.Status.SUCCEEDED, result.outputs(), last, null, null, r.finishedAt() - started);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      endChild(parent, inst, uses, ck, started, RunStatus.CANCELLED, "cancelled", ctx);
      throw e;
    } catch (StoreException e) {
      throw e;
    } catch (Exception e) {
      boolean stopped = ctx.stopped.get();
      if (!stopped && parent.cancelled()) {
        endChild(parent, inst, uses, ck, started, RunStatus.CANCELLED, "cancelled", ctx);
        throw new InterruptedException("cancelled");
      }
      String error = stopped ? "stopped by its monitor" + (ctx.lastReport == null ? "" : " after " + ctx.lastReport)
          : e instanceof StepFailure sf ? sf.getMessage() : e.getClass().getSimpleName() + ": " + e.getMessage();
      error = mask(error);
      ctx.log("kiln: " + error);
      endChild(parent, inst, uses, ck, started, stopped ? RunStatus.CANCELLED : RunStatus.FAILED, error, ctx);
      return new ChildRun(key, stopped ? ChildRun.Status.STOPPED : ChildRun.Status.FAILED, Map.of(), lastValues(ctx.metrics), error, null, System.currentTimeMillis() - started);
    } finally {
      ctx.closeLog();
      ctx.removeScratch(ok);
    }
  }

  private void endChild(Context parent, StepInstance inst, String uses, CacheKey ck, long started, RunStatus status, String error, Context ctx) {
    long now = System.currentTimeMillis();
    StepRunRecord r = new StepRunRecord(parent.runId, inst.key(), inst.stepId(), uses, status, 1, ck.digest(), ck.componentsJson(), started, now, error, null, null);
    store.completeStep(r, List.of(), List.of(), new ArrayList<>(ctx.metrics));
    listener.stepFinished(r);
  }

  private ChildRun childFailed(Context parent, StepInstance inst, String uses, long started, String error) {
    String msg = mask(error);
    StepRunRecord r = new StepRunRecord(parent.runId, inst.key(), inst.stepId(), uses, RunStatus.FAILED, 1, null, null, started, System.currentTimeMillis(), msg, null, null);
    store.saveStepRun(r);
    listener.stepFinished(r);
    parent.log("kiln: " + inst.key() + " failed: " + msg);
    return new ChildRun(inst.key(), ChildRun.Status.FAILED, Map.of(), Map.of(), msg, null, 0);
  }

  private static Map<String, Double> lastValues(List<MetricRecord> metrics) {
    Map<String, Double> out = new LinkedHashMap<>();
    synchronized (metrics) {
      for (MetricRecord m : metrics) out.put(m.name(), m.value());
    }
    return out;
  }

  /** The context of one attempt of one instance. */
  private final class Context implements StepContext {
    final String runId;
    final StepInstance inst;
    final String pipeline;
    final StepSpec spec;
    final Map<String, String> env;
    final Map<String, String> declaredEnv;
    final Context parent;
    final AtomicBoolean cancelled = new AtomicBoolean();
    final AtomicBoolean stopped = new AtomicBoolean();
    volatile ChildRun.Monitor monitor;
    volatile String lastReport;
    final List<MetricRecord> metrics = Collections.synchronizedList(new ArrayList<>());
    final Path scratch;
    final long seed;
    private Writer log;

    Context(String runId, StepInstance inst, String pipeline, StepSpec spec, Map<String, String> env, Map<String, String> declaredEnv, int attempt, Context parent) {
      this.runId = runId;
      this.inst = inst;
      this.pipeline = pipeline;
      this.spec = spec;
      this.declaredEnv = Map.copyOf(declaredEnv);
      this.parent = parent;
      this.env = Map.copyOf(env);
      this.scratch = home.resolve("work").resolve(runId).resolve(safe(inst.key()));
      byte[] h = (pipeline + "/" + inst.key()).getBytes(StandardCharsets.UTF_8);
      this.seed = java.nio.ByteBuffer.wrap(java.util.HexFormat.of().parseHex(ArtifactStore.hash(h).substring(0, 16))).getLong();
      try {
        if (Files.exists(scratch)) deleteTree(scratch);
        Files.createDirectories(scratch);
        Path logFile = logFile(home, runId, inst.key());
        Files.createDirectories(logFile.getParent());
        log = Files.newBufferedWriter(logFile, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        log.write("--- attempt " + attempt + " " + java.time.Instant.now() + "\n");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public String runId() {
      return runId;
    }

    @Override
    public String stepId() {
      return inst.key();
    }

    @Override
    public Path projectDir() {
      return options.projectDir();
    }

    @Override
    public Path scratchDir() {
      return scratch;
    }

    @Override
    public Artifact storeArtifact(Path file, String mediaType) throws IOException {
      // its metadata is recorded with the step's end, in the same transaction as its state
      return artifacts.put(file, mediaType == null ? MediaTypes.guess(file) : mediaType);
    }

    @Override
    public Path open(Artifact artifact) throws IOException {
      return artifacts.path(artifact);
    }

    @Override
    public void metric(String name, double value, long step) {
      metrics.add(new MetricRecord(runId, inst.key(), mask(name), step, value, System.currentTimeMillis()));
      ChildRun.Monitor m = monitor;
      if (m != null && !stopped.get() && !m.report(name, value, step)) {
        lastReport = String.format(java.util.Locale.ROOT, "%s = %.6g at step %d", name, value, step);
        stopped.set(true);
      }
    }

    @Override
    public void progress(long done, long total, String message) {
      listener.stepProgress(inst.key(), done, total, mask(message));
    }

    @Override
    public ChildRun runChild(String name, String uses, Map<String, Object> with, ChildRun.Monitor monitor) throws InterruptedException {
      if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9_.=-]*")) throw new IllegalArgumentException("a child name is letters, digits, _ . = -, found " + name);
      if (cancelled()) throw new InterruptedException("cancelled");
      return RunExecutor.this.runChild(this, name, uses, with, monitor == null ? ChildRun.Monitor.NONE : monitor);
    }

    @Override
    public Map<String, String> state() {
      return store.state(runId, inst.key());
    }

    @Override
    public void saveState(String key, String value) {
      store.saveState(runId, inst.key(), key, mask(value), System.currentTimeMillis());
    }

    @Override
    public synchronized void log(String line) {
      String masked = mask(line);
      try {
        if (log != null) log.write(masked + "\n");
      } catch (IOException e) {
        // the log is best effort; the step's state is what must be durable
      }
      listener.stepLog(inst.key(), masked);
    }

    /**
     * Removes the attempt's scratch directory: it holds working copies of what became artifacts,
     * or a failed attempt's leftovers, kept only with {@code --keep-scratch}.
     */
    void removeScratch(boolean succeeded) {
      if (!succeeded && options.keepScratch()) return;
      try {
        if (Files.exists(scratch)) deleteTree(scratch);
      } catch (IOException | UncheckedIOException e) {
        // best effort: the run's directory is removed again when the run ends
      }
    }

    synchronized void closeLog() {
      try {
        if (log != null) log.close();
      } catch (IOException e) {
        // nothing to do
      }
      log = null;
    }

    @Override
    public Map<String, String> env() {
      return env;
    }

    @Override
    public long seed() {
      return seed;
    }

    @Override
    public List<dev.kiln.api.ModelRuntime> modelRuntimes() {
      return modelRuntimes;
    }

    @Override
    public dev.kiln.api.Models models() {
      return new dev.kiln.engine.models.EngineModels(store, artifacts, runId, inst.key(), pipeline, options.projectDir(), env, mirrors, this::log);
    }

    @Override
    public boolean cancelled() {
      return cancelled.get() || stopped.get() || (parent != null && parent.cancelled()) || RunExecutor.this.cancelled.get() || Thread.currentThread().isInterrupted();
    }
  }

  /** Where a step instance's log is kept under {@code KILN_HOME}. */
  public static Path logFile(Path home, String runId, String stepKey) {
    return home.resolve("logs").resolve(runId).resolve(safe(stepKey) + ".log");
  }

  static String safe(String key) {
    return key.replace('[', '_').replace("]", "").replace('/', java.io.File.separatorChar);
  }

  static void deleteTree(Path p) throws IOException {
    try (var s = Files.walk(p)) {
      for (Path x : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(x);
    }
  }
}
