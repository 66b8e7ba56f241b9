package dev.kiln.engine.exec;

import dev.kiln.api.DataVersioning;
import dev.kiln.api.Executor;
import dev.kiln.api.ModelRegistryMirror;
import dev.kiln.api.ModelRuntime;
import dev.kiln.engine.artifact.ArtifactStore;
import dev.kiln.engine.plan.ExecutionPlan;
import dev.kiln.engine.resolve.SecretMask;
import dev.kiln.engine.steps.StepRegistry;
import dev.kiln.registry.RunStatus;
import dev.kiln.registry.RunStore;
import dev.kiln.registry.StepRunRecord;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Executes one run of a plan: the {@link Scheduler} decides what is ready, each instance goes
 * through the {@link StepLifecycle}, units run on an {@link Executor} (the {@link LocalExecutor}
 * unless one is given). The run's end is recorded after every instance's.
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
  private final Set<Future<?>> running = ConcurrentHashMap.newKeySet();
  private List<DataVersioning> dataVersioning = List.of();
  private List<ModelRegistryMirror> mirrors = List.of();
  private List<ModelRuntime> modelRuntimes = List.of();
  private Executor executor;

  public RunExecutor(RunStore store, ArtifactStore artifacts, StepRegistry registry, Path home, RunOptions options, RunListener listener) {
    this.store = store;
    this.artifacts = artifacts;
    this.registry = registry;
    this.home = home;
    this.options = options;
    this.listener = listener;
  }

  /** Registries (MLflow's) that model versions registered during the run are mirrored to. */
  public RunExecutor withMirrors(List<ModelRegistryMirror> mirrors) {
    this.mirrors = List.copyOf(mirrors);
    return this;
  }

  /** The model runtimes plugins registered, which steps reach through {@link dev.kiln.api.StepContext#modelRuntimes()}. */
  public RunExecutor withModelRuntimes(Collection<ModelRuntime> runtimes) {
    this.modelRuntimes = List.copyOf(runtimes);
    return this;
  }

  /** The data-versioning systems (DVC) asked about every project file a step reads. */
  public RunExecutor withDataVersioning(Collection<DataVersioning> systems) {
    this.dataVersioning = List.copyOf(systems);
    return this;
  }

  /** Runs units on {@code executor} instead of this process's threads; the caller closes it. */
  public RunExecutor withExecutor(Executor executor) {
    this.executor = executor;
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
    Executor units = executor != null ? executor : new LocalExecutor();
    RunScope scope = new RunScope(runId, store, artifacts, registry, home, options, listener, secrets,
        new InputFiles(store, artifacts, options, listener, secrets, dataVersioning), mirrors, modelRuntimes, units, cancelled, running);
    Scheduler.Result result;
    try {
      result = new Scheduler(scope, new StepLifecycle(scope), plan, previous).run();
    } finally {
      if (executor == null) units.close();
    }
    String runError = result.error();
    RunStatus status = cancelled.get() ? RunStatus.CANCELLED : RunStatus.SUCCEEDED;
    for (StepRunRecord r : result.records()) {
      if (r.status() == RunStatus.FAILED && status == RunStatus.SUCCEEDED) {
        status = RunStatus.FAILED;
        if (runError == null) runError = "step " + r.stepKey() + " failed: " + r.error();
      }
    }
    if (runError != null && status == RunStatus.SUCCEEDED) status = RunStatus.FAILED;
    if (status == RunStatus.CANCELLED && runError == null) runError = "cancelled";
    Scratch.removeRun(home, runId, options.keepScratch());
    store.finishRun(runId, status, runError, System.currentTimeMillis());
    listener.runFinished(runId, status, runError);
    boolean badInput = status == RunStatus.FAILED && result.records().stream().anyMatch(r -> r.status() == RunStatus.FAILED && scope.invalidInput.contains(r.stepKey()));
    return new RunOutcome(runId, status, runError, result.records(), badInput);
  }

  /** The secret values this run has resolved, and masking with them. */
  public SecretMask secrets() {
    return secrets;
  }

  /** Where a step instance's log is kept under {@code KILN_HOME}. */
  public static Path logFile(Path home, String runId, String stepKey) {
    return Scratch.logFile(home, runId, stepKey);
  }

  static ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
