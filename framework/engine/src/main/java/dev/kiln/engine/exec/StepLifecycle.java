package dev.kiln.engine.exec;

import dev.kiln.api.Artifact;
import dev.kiln.api.ChildRun;
import dev.kiln.api.StepFailure;
import dev.kiln.api.StepResult;
import dev.kiln.api.StepType;
import dev.kiln.api.StepUnit;
import dev.kiln.engine.bind.ParamsBinder;
import dev.kiln.engine.bind.ParamsSchema;
import dev.kiln.engine.cache.CacheKey;
import dev.kiln.engine.diag.Code;
import dev.kiln.engine.diag.Location;
import dev.kiln.engine.diag.Problem;
import dev.kiln.engine.diag.Problems;
import dev.kiln.engine.plan.ExecutionPlan;
import dev.kiln.engine.plan.StepInstance;
import dev.kiln.engine.resolve.Resolver;
import dev.kiln.engine.spec.Durations;
import dev.kiln.engine.spec.RetrySpec;
import dev.kiln.engine.spec.StepSpec;
import dev.kiln.engine.spec.Values;
import dev.kiln.engine.state.StepOutputs;
import dev.kiln.engine.yaml.MapNode;
import dev.kiln.engine.yaml.Node;
import dev.kiln.engine.yaml.ValueNode;
import dev.kiln.registry.MetricRecord;
import dev.kiln.registry.RunStatus;
import dev.kiln.registry.StepRunRecord;
import dev.kiln.registry.StoreException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The one lifecycle every step instance and every child step (a tuning trial) goes through: resolve
 * and bind params, evaluate {@code if}, look up the cache, then attempts (persist RUNNING, run the
 * unit on the executor under the time limit, retry as {@code retry:} says), then the terminal state
 * with outputs, lineage and metrics in one transaction. A store write that fails is never reported
 * as a state: the run fails with the store's message and a resumed run repeats the instance.
 */
final class StepLifecycle {
  private final RunScope run;
  /** The {@code with:} keys holding shell scripts, per step type (read once, from annotations). */
  private final Map<Class<?>, Set<String>> shellKeys = new ConcurrentHashMap<>();

  StepLifecycle(RunScope run) {
    this.run = run;
  }

  // ---------------------------------------------------------------- a step instance

  /** Takes one instance from its resolved inputs to its terminal state; returns that state. */
  StepRunRecord run(ExecutionPlan plan, StepInstance inst, Map<String, Map<String, Object>> outputs, Map<String, Object> each, StepRunRecord prev) {
    StepSpec spec = plan.spec().steps().get(inst.stepId());
    StepType<?> type = run.registry.find(spec.uses()).orElseThrow();
    long started = System.currentTimeMillis();
    int attemptBase = prev == null ? 0 : prev.attempt();
    Map<String, String> env = new LinkedHashMap<>(run.options.env());
    Resolver resolver = new Resolver(plan.params(), inst.matrix(), each, outputs, env, run::pathOrFail, run.secrets);
    // 1. condition
    try {
      if (spec.condition() != null && !resolver.condition(spec.condition())) {
        return run.records.ended(inst, spec.uses(), RunStatus.SKIPPED, attemptBase, started, "condition " + spec.condition().text() + " is false");
      }
    } catch (RuntimeException e) {
      return run.records.ended(inst, spec.uses(), RunStatus.FAILED, attemptBase, started, "if: " + e.getMessage());
    }
    // 2. params, env and inputs
    Map<String, Artifact> imported = new LinkedHashMap<>();
    Map<String, String> declaredEnv = new TreeMap<>();
    try {
      resolveEnv(plan.spec().env(), resolver, env, declaredEnv);
      resolveEnv(spec.env(), resolver, env, declaredEnv);
      Map<String, String> scriptEnv = new LinkedHashMap<>();
      MapNode with = resolver.resolve(spec.with(), shellKeys(type), scriptEnv);
      env.putAll(scriptEnv);
      Problems problems = new Problems();
      Record params = new ParamsBinder(ParamsBinder.Mode.BUILD, importing(imported, problems, "steps." + spec.id()), null, problems).bind(type.paramsType(), with, "steps." + spec.id() + ".with").orElse(null);
      if (params == null) {
        String msg = problems.sorted().stream().map(Problem::format).reduce((a, b) -> a + "\n" + b).orElse("cannot bind params");
        run.invalidInput.add(inst.key()); // params that do not bind are bad input, as in kiln validate: exit 2
        return run.records.ended(inst, spec.uses(), RunStatus.FAILED, attemptBase, started, msg);
      }
      // 3. cache
      CacheKey key = run.cacheKeys.of(type, with, imported, declaredEnv, run.inputFiles);
      if (spec.cache() && type.cacheable() && run.options.useCache()) {
        StepRunRecord[] hit = run.records.reuse(inst, spec.uses(), attemptBase, key, started, imported, with);
        if (hit != null) return hit[1];
      }
      // 4. attempts
      Target t = new Target(inst, spec, plan.spec().name(), type, params, key, env, declaredEnv, imported, with, attemptBase, spec.retry(), spec.timeout(), null, ChildRun.Monitor.NONE);
      Ended end = attempts(t);
      if (end.record != null) return end.record;
      return run.records.finish(StepRunRecord.of(run.runId, inst.key(), inst.stepId(), spec.uses()).started(end.attempt, null).keyed(key.digest(), key.componentsJson()).ended(end.status, System.currentTimeMillis(), run.mask(end.error)));
    } catch (Resolver.ResolveError | dev.kiln.engine.expr.Evaluator.EvalError e) {
      return run.records.ended(inst, spec.uses(), RunStatus.FAILED, attemptBase, started, e.getMessage());
    } catch (UncheckedIOException e) {
      return run.records.ended(inst, spec.uses(), RunStatus.FAILED, attemptBase, started, e.getCause().getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return run.records.ended(inst, spec.uses(), RunStatus.CANCELLED, attemptBase, started, "cancelled");
    }
  }

  private Set<String> shellKeys(StepType<?> type) {
    return shellKeys.computeIfAbsent(type.paramsType(), c -> {
      Set<String> keys = new HashSet<>();
      for (var f : ParamsSchema.of(type.paramsType()).fields()) {
        if (f.param() != null && f.param().shell()) keys.add(f.yamlName());
      }
      return Set.copyOf(keys);
    });
  }

  private static void resolveEnv(Map<String, Node> declared, Resolver resolver, Map<String, String> env, Map<String, String> forKey) {
    declared.forEach((k, n) -> {
      Node v = resolver.resolve(n);
      Object value = v instanceof ValueNode vn ? vn.value() : Values.plain(v);
      String text = value == null ? "" : String.valueOf(value);
      env.put(k, text);
      forKey.put(k, v instanceof ValueNode vn && vn.hasShownForm() ? vn.redacted() : text);
    });
  }

  /** What binding needs at run time: artifact paths, and input files imported into the store. */
  private ParamsBinder.Runtime importing(Map<String, Artifact> imported, Problems problems, String path) {
    return new ParamsBinder.Runtime() {
      @Override
      public Path pathOf(Artifact a) {
        return run.pathOrFail(a);
      }

      @Override
      public Artifact importFile(String file, Location at) {
        try {
          Artifact a = run.inputFiles.importFile(run.runId, file);
          imported.put(file, a);
          return a;
        } catch (java.nio.file.NoSuchFileException e) {
          problems.add(at, Code.E122, path, "input file " + file + " does not exist", null);
          return null;
        } catch (IOException e) {
          problems.add(at, Code.E122, path, "cannot read input file " + file + ": " + e.getMessage(), null);
          return null;
        }
      }
    };
  }

  // ---------------------------------------------------------------- a child step (a tuning trial)

  /**
   * Runs a child of {@code parent} with the lifecycle of a step: bind, cache lookup, attempts under
   * the parent step's {@code retry:} and the given time limit, terminal state with artifacts,
   * lineage and metrics. A failure becomes a FAILED child, never an exception of the parent.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  ChildRun runChild(StepRunContext parent, String name, String uses, Map<String, Object> with, ChildRun.Monitor monitor, Duration timeout) throws InterruptedException {
    String key = parent.inst.key() + "/" + name;
    long started = System.currentTimeMillis();
    StepInstance inst = new StepInstance(key, parent.inst.stepId(), parent.inst.index(), parent.inst.matrix());
    StepType type = run.registry.find(uses).orElse(null);
    if (type == null) return childFailed(parent, inst, uses, started, "unknown step type \"" + uses + "\"");
    Location at = parent.spec.with() == null ? parent.spec.location() : parent.spec.with().location();
    Map<String, MapNode.Entry> entries = new LinkedHashMap<>();
    with.forEach((k, v) -> entries.put(k, new MapNode.Entry(k, at, new ValueNode(v, null, at))));
    MapNode node = new MapNode(entries, at);
    Map<String, Artifact> imported = new LinkedHashMap<>();
    Problems problems = new Problems();
    Record params;
    try {
      params = (Record) new ParamsBinder(ParamsBinder.Mode.BUILD, importing(imported, problems, key), null, problems).bind(type.paramsType(), node, key + ".with").orElse(null);
    } catch (RuntimeException e) {
      params = null;
      problems.add(at, Code.E122, key, e.getMessage(), null);
    }
    if (params == null) {
      String msg = problems.sorted().stream().map(pr -> pr.path() + ": " + pr.message() + (pr.hint() == null ? "" : " (" + pr.hint() + ")")).reduce((a, b) -> a + "; " + b).orElse("cannot bind params");
      return childFailed(parent, inst, uses, started, "invalid params: " + msg);
    }
    CacheKey ck = run.cacheKeys.of(type, node, imported, parent.declaredEnv, run.inputFiles);
    if (parent.spec.cache() && type.cacheable() && run.options.useCache()) {
      StepRunRecord[] hit = run.records.reuse(inst, uses, 0, ck, started, imported, node);
      if (hit != null) {
        StepRunRecord h = hit[0];
        Map<String, Object> outs = StepOutputs.of(h).asMap();
        Map<String, Double> last = new LinkedHashMap<>();
        List<MetricRecord> recorded = new ArrayList<>(run.store.metrics(h.runId(), h.stepKey()));
        recorded.sort(java.util.Comparator.comparingLong(MetricRecord::step).thenComparingLong(MetricRecord::recordedAt));
        for (MetricRecord m : recorded) {
          last.put(m.name(), m.value());
          if (m.step() > 0) monitor.report(m.name(), m.value(), m.step()); // the monitor sees the same series as when it ran
        }
        return new ChildRun(key, ChildRun.Status.CACHED, outs, last, null, h.runId(), 0);
      }
    }
    Target t = new Target(inst, parent.spec, parent.pipeline, type, params, ck, parent.env, parent.declaredEnv, imported, node, 0, parent.spec.retry(), timeout, parent, monitor);
    Ended end = attempts(t);
    if (end.status == RunStatus.SUCCEEDED) {
      Map<String, Double> last = end.ctx.lastValues();
      last.putAll(end.result.metrics());
      return new ChildRun(key, ChildRun.Status.SUCCEEDED, end.result.outputs(), last, null, null, end.record.finishedAt() - end.started);
    }
    List<MetricRecord> metrics = end.ctx == null ? List.of() : new ArrayList<>(end.ctx.metrics);
    run.records.failed(inst, uses, end.status, end.attempt, ck, end.started, end.error, metrics);
    if (end.status == RunStatus.CANCELLED && !end.stopped) throw new InterruptedException("cancelled");
    Map<String, Double> last = end.ctx == null ? Map.of() : end.ctx.lastValues();
    String error = run.mask(end.error);
    return new ChildRun(key, end.stopped ? ChildRun.Status.STOPPED : ChildRun.Status.FAILED, Map.of(), last, error, null, System.currentTimeMillis() - end.started);
  }

  private ChildRun childFailed(StepRunContext parent, StepInstance inst, String uses, long started, String error) {
    StepRunRecord r = run.records.ended(inst, uses, RunStatus.FAILED, 1, started, error);
    parent.log("kiln: " + inst.key() + " failed: " + r.error());
    return new ChildRun(inst.key(), ChildRun.Status.FAILED, Map.of(), Map.of(), r.error(), null, 0);
  }

  // ---------------------------------------------------------------- attempts, for steps and children alike

  /** A bound instance ready for its attempts. {@code parent} is null for a step, set for a child. */
  private record Target(
      StepInstance inst, StepSpec spec, String pipeline, StepType<?> type, Record params, CacheKey key,
      Map<String, String> env, Map<String, String> declaredEnv, Map<String, Artifact> imported, MapNode with,
      int attemptBase, RetrySpec retry, Duration timeout, StepRunContext parent, ChildRun.Monitor monitor) {
    String uses() {
      return type.name();
    }

    boolean child() {
      return parent != null;
    }
  }

  /**
   * How the attempts ended: SUCCEEDED (with its recorded state), FAILED or CANCELLED (not yet
   * recorded: a step and a child record it differently); stopped when a child's monitor stopped it.
   */
  private record Ended(RunStatus status, StepRunRecord record, StepResult result, String error, int attempt, long started, StepRunContext ctx, boolean stopped) {}

  @SuppressWarnings({"unchecked", "rawtypes"})
  private Ended attempts(Target t) throws InterruptedException {
    int attempts = t.retry.attempts();
    String error = null;
    RunStatus status = RunStatus.FAILED;
    boolean stopped = false;
    long started = System.currentTimeMillis();
    StepRunContext ctx = null;
    int attempt = t.attemptBase;
    for (int a = 1; a <= attempts; a++) {
      attempt = t.attemptBase + a;
      Duration delay = t.retry.delayBefore(a);
      if (!delay.isZero()) {
        try {
          Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
          status = RunStatus.CANCELLED;
          error = "cancelled while waiting to retry";
          break;
        }
      }
      if (run.cancelled.get() || (t.child() && t.parent.cancelled())) {
        status = RunStatus.CANCELLED;
        error = "cancelled";
        break;
      }
      started = System.currentTimeMillis();
      run.records.running(t.inst, t.uses(), attempt, t.key, started);
      StepRunContext c = new StepRunContext(run, this, t.inst, t.pipeline, t.spec, t.env, t.declaredEnv, attempt, t.parent);
      ctx = c;
      c.monitor = t.child() ? t.monitor : null;
      StepType type = t.type;
      Record params = t.params;
      Future<StepResult> f = run.executor.submit(unit(t, attempt, c.seed), () -> (StepResult) type.execute(params, c));
      run.running.add(f);
      if (run.cancelled.get()) f.cancel(true); // the run was cancelled between the check above and add()
      boolean ok = false;
      try {
        StepResult result = t.timeout == null ? f.get() : f.get(t.timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (c.stopped.get()) throw new ExecutionException(new StepFailure("stopped by its monitor"));
        StepRunRecord r = run.records.succeeded(t.inst, t.uses(), attempt, started, t.key, result, c.metrics, t.imported, t.with);
        ok = true;
        return new Ended(RunStatus.SUCCEEDED, r, result, null, attempt, started, c, false);
      } catch (TimeoutException e) {
        c.cancelled.set(true);
        f.cancel(true);
        error = "timed out after " + Durations.format(t.timeout);
        status = RunStatus.FAILED;
        c.log("kiln: " + error);
      } catch (InterruptedException | CancellationException e) {
        c.cancelled.set(true);
        f.cancel(true);
        status = RunStatus.CANCELLED;
        error = "cancelled";
        break;
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        if (c.stopped.get()) {
          stopped = true;
          status = RunStatus.CANCELLED;
          error = "stopped by its monitor" + (c.lastReport == null ? "" : " after " + c.lastReport);
          c.log("kiln: " + run.mask(error));
          break;
        }
        if (run.cancelled.get() || (t.child() && t.parent.cancelled())) {
          status = RunStatus.CANCELLED;
          error = "cancelled";
          break;
        }
        if (cause instanceof StoreException se) throw se;
        status = RunStatus.FAILED;
        error = cause instanceof StepFailure sf ? sf.getMessage() : cause.getClass().getSimpleName() + ": " + cause.getMessage();
        c.log(t.child() && attempts == 1 ? "kiln: " + run.mask(error) : "kiln: attempt " + attempt + " failed: " + error);
        if (cause instanceof dev.kiln.api.InvalidInput) run.invalidInput.add(t.inst.key());
        if (cause instanceof StepFailure sf && !sf.retryable()) break;
      } catch (StoreException e) {
        throw e;
      } catch (IOException | RuntimeException e) {
        status = RunStatus.FAILED;
        error = e.getClass().getSimpleName() + ": " + e.getMessage();
      } finally {
        run.running.remove(f);
        c.closeLog();
        c.removeScratch(ok);
      }
      if (a < attempts && !run.cancelled.get()) run.records.willRetry(t.inst, t.uses(), attempt, t.key, started, error);
    }
    // a step's end names the attempts it was given (as before); a child's, the attempt that ended it
    int recorded = t.child() ? attempt : t.attemptBase + Math.max(1, attempts);
    return new Ended(status, null, null, error, recorded, started, ctx, stopped);
  }

  /** The self-contained form of an attempt, for an executor that runs it elsewhere. */
  private StepUnit unit(Target t, int attempt, long seed) {
    Map<String, Object> with = new LinkedHashMap<>();
    t.with.entries().forEach((k, e) -> with.put(k, e.value() instanceof ValueNode v ? v.value() : Values.plain(e.value())));
    Map<String, String> env = new LinkedHashMap<>(t.declaredEnv);
    return new StepUnit(run.runId, t.pipeline, t.inst.key(), t.inst.stepId(), t.uses(), t.type.version(), attempt, with, t.imported, env, seed, t.timeout);
  }
}
