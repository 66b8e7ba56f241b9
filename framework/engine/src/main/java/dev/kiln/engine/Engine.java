package dev.kiln.engine;

import dev.kiln.engine.steps.StepRegistry;
import dev.kiln.engine.home.KilnHome;

import dev.kiln.engine.diag.InvalidInputException;
import dev.kiln.engine.diag.Problem;
import dev.kiln.engine.diag.Problems;
import dev.kiln.engine.json.Json;
import dev.kiln.engine.exec.RunExecutor;
import dev.kiln.engine.exec.RunListener;
import dev.kiln.engine.exec.RunOptions;
import dev.kiln.engine.exec.RunOutcome;
import dev.kiln.engine.plan.ExecutionPlan;
import dev.kiln.engine.plan.Planner;
import dev.kiln.engine.spec.ParamValues;
import dev.kiln.engine.spec.PipelineSpec;
import dev.kiln.engine.spec.SpecLoader;
import dev.kiln.engine.spec.SubPipelines;
import dev.kiln.engine.validate.Validator;
import dev.kiln.registry.RunRecord;
import dev.kiln.registry.RunStatus;
import dev.kiln.registry.RunStore;
import dev.kiln.registry.StepRunRecord;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/** The front door: load, validate, plan, run and resume pipelines. */
public final class Engine {
  private static final DateTimeFormatter RUN_ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

  private final SpecLoader loader = new SpecLoader();
  private final SubPipelines subPipelines = new SubPipelines(loader);
  private final Validator validator;
  private final StepRegistry registry;
  private final java.util.List<dev.kiln.api.Tracker> trackers;
  private final java.util.List<dev.kiln.api.DataVersioning> dataSystems;
  private final java.util.List<dev.kiln.api.ModelRuntime> modelRuntimes;

  public Engine(Validator validator, StepRegistry registry) {
    this(validator, registry, java.util.Set.of(), java.util.Set.of(), java.util.Set.of());
  }

  @Inject
  public Engine(Validator validator, StepRegistry registry, java.util.Set<dev.kiln.api.Tracker> trackers, java.util.Set<dev.kiln.api.DataVersioning> dataSystems,
      java.util.Set<dev.kiln.api.ModelRuntime> modelRuntimes) {
    this.validator = validator;
    this.registry = registry;
    this.trackers = java.util.List.copyOf(trackers);
    this.dataSystems = java.util.List.copyOf(dataSystems);
    this.modelRuntimes = java.util.List.copyOf(modelRuntimes);
  }

  public java.util.List<dev.kiln.api.DataVersioning> dataSystems() {
    return dataSystems;
  }

  public StepRegistry registry() {
    return registry;
  }

  /**
   * Loads and validates; problems (warnings too) are added to {@code problems}. A valid pipeline
   * comes back with its sub-pipelines expanded into ordinary steps.
   */
  public Optional<PipelineSpec> load(Path file, String displayName, Problems problems) {
    return validated(loader.load(file, displayName, problems).map(s -> subPipelines.load(s, file, problems)), problems);
  }

  private Optional<PipelineSpec> validated(Optional<PipelineSpec> spec, Problems problems) {
    spec.ifPresent(s -> validator.validate(s, problems));
    if (spec.isEmpty() || problems.hasErrors()) return spec;
    return Optional.of(subPipelines.expand(spec.get(), problems));
  }

  /** Loads, validates and plans; throws {@link InvalidInputException} with every problem. */
  public ExecutionPlan plan(Path file, String displayName, Map<String, String> overrides, Consumer<Problem> warnings) {
    Problems problems = new Problems();
    Optional<PipelineSpec> spec = load(file, displayName, problems);
    return plan(spec, overrides, problems, warnings);
  }

  private ExecutionPlan plan(Optional<PipelineSpec> spec, Map<String, String> overrides, Problems problems, Consumer<Problem> warnings) {
    if (spec.isEmpty() || problems.hasErrors()) throw new InvalidInputException(problems.sorted());
    Map<String, Object> params = ParamValues.resolve(spec.get(), overrides, problems);
    if (problems.hasErrors()) throw new InvalidInputException(problems.sorted());
    ExecutionPlan plan = new Planner().plan(spec.get(), params, problems);
    if (problems.hasErrors()) throw new InvalidInputException(problems.sorted());
    problems.sorted().forEach(warnings);
    return plan;
  }

  /** Starts a new run of {@code plan}. {@code onStart} receives the executor (to cancel it). */
  public RunOutcome run(ExecutionPlan plan, KilnHome home, RunOptions options, RunListener listener, Consumer<RunExecutor> onStart) {
    RunStore store = home.store();
    String runId = LocalDateTime.now(ZoneOffset.UTC).format(RUN_ID_TIME) + "-" + String.format("%06x", new java.security.SecureRandom().nextInt(1 << 24));
    long now = System.currentTimeMillis();
    byte[] src = plan.spec().source().getBytes(StandardCharsets.UTF_8);
    store.createRun(RunRecord.pending(runId, plan.spec().name(), plan.spec().file(), plan.spec().source(), dev.kiln.engine.artifact.ArtifactStore.hash(src), Json.write(plan.params()), now));
    RunRecord claimed = store.claimRun(runId, 0, ProcessHandle.current().pid(), hostName(), now);
    return execute(claimed, plan, home, options, listener, onStart, Map.of(), false);
  }

  /**
   * Continues a run that failed, was cancelled or was killed: steps that finished keep their
   * outputs; the rest run. Refuses a run that another live process is running.
   */
  public RunOutcome resume(String runId, KilnHome home, RunOptions options, RunListener listener, Consumer<RunExecutor> onStart) {
    RunStore store = home.store();
    RunRecord run = store.findRun(runId).orElseThrow(() -> new ResumeRefused("no run " + runId + "; `kiln runs` lists them"));
    if (run.status() == RunStatus.SUCCEEDED) throw new ResumeRefused("run " + runId + " already succeeded; nothing to resume");
    if (run.status() == RunStatus.RUNNING && run.ownerPid() != null && hostName().equals(run.ownerHost())
        && ProcessHandle.of(run.ownerPid()).map(ProcessHandle::isAlive).orElse(false) && run.ownerPid() != ProcessHandle.current().pid()) {
      throw new ResumeRefused("run " + runId + " is still running in process " + run.ownerPid() + "; stop it first (kill -TERM " + run.ownerPid() + ")");
    }
    ExecutionPlan plan = planOf(run, options.projectDir());
    Map<String, StepRunRecord> previous = new LinkedHashMap<>();
    for (StepRunRecord r : store.stepRuns(runId)) previous.put(r.stepKey(), r);
    RunRecord claimed = store.claimRun(runId, run.version(), ProcessHandle.current().pid(), hostName(), System.currentTimeMillis());
    return execute(claimed, plan, home, options, listener, onStart, previous, true);
  }

  /**
   * The plan a recorded run ran: its pipeline as it was, with its resolved params. The files its
   * sub-pipelines include are read from {@code projectDir} (where the run was started) as they are now.
   */
  public ExecutionPlan planOf(RunRecord run, Path projectDir) {
    Problems problems = new Problems();
    Path file = projectDir.resolve(run.pipelineFile());
    Optional<PipelineSpec> spec = validated(loader.load(run.specSource().getBytes(StandardCharsets.UTF_8), run.pipelineFile(), problems)
        .map(s -> subPipelines.load(s, file, problems)), problems);
    if (spec.isEmpty() || problems.hasErrors()) throw new InvalidInputException(problems.sorted());
    Map<String, Object> params = new LinkedHashMap<>();
    Json.read(run.paramsJson()).fields().forEachRemaining(e -> params.put(e.getKey(), Json.plain(e.getValue())));
    ExecutionPlan plan = new Planner().plan(spec.get(), params, problems);
    if (problems.hasErrors()) throw new InvalidInputException(problems.sorted());
    return plan;
  }

  private RunOutcome execute(RunRecord run, ExecutionPlan plan, KilnHome home, RunOptions options, RunListener listener, Consumer<RunExecutor> onStart, Map<String, StepRunRecord> previous, boolean resumed) {
    dev.kiln.engine.exec.TrackingListener tracking = new dev.kiln.engine.exec.TrackingListener(trackers, home, options, line -> listener.stepLog("", line));
    RunListener both = RunListener.both(listener, tracking);
    RunExecutor executor = new RunExecutor(home.store(), home.artifacts(), registry, home.dir(), options, both).withDataVersioning(dataSystems)
        .withMirrors(mirrors(home, options.env())).withModelRuntimes(modelRuntimes);
    tracking.maskingWith(executor.secrets());
    onStart.accept(executor);
    both.runStarted(run.id(), plan, resumed);
    RunOutcome outcome = null;
    try {
      outcome = executor.execute(run.id(), plan, previous);
    } finally {
      // trackers get a bounded time to deliver; what is left stays in their outbox for `kiln sync`
      java.util.List<String> lines = tracking.close(trackingWait(options.env(), line -> listener.stepLog("", line)));
      for (String line : lines) listener.stepLog("", line);
      if (outcome != null) outcome = outcome.withTracking(lines);
    }
    return outcome;
  }

  /** The registries (MLflow's) of the trackers configured in {@code env}, which Kiln's registry is mirrored to. */
  public java.util.List<dev.kiln.api.ModelRegistryMirror> mirrors(KilnHome home, Map<String, String> env) {
    java.util.List<dev.kiln.api.ModelRegistryMirror> out = new java.util.ArrayList<>();
    for (dev.kiln.api.Tracker t : trackers) {
      dev.kiln.api.ModelRegistryMirror m = t.registry(home.dir(), env);
      if (m != null) out.add(m);
    }
    return out;
  }

  /** KILN_TRACKING_WAIT_MS, or 15 s; a value that is not a number of milliseconds is said and the default used. */
  static long trackingWait(Map<String, String> env, Consumer<String> log) {
    String raw = env.get("KILN_TRACKING_WAIT_MS");
    if (raw == null || raw.isBlank()) return 15_000;
    try {
      long ms = Long.parseLong(raw.trim());
      if (ms >= 0) return ms;
    } catch (NumberFormatException notANumber) {
      // said below
    }
    log.accept("KILN_TRACKING_WAIT_MS=" + raw + " is not a number of milliseconds (expected e.g. 15000); waiting the default 15000 ms");
    return 15_000;
  }

  /** This machine's name, as run ownership and the audit log record it. */
  public static String hostName() {
    return KilnHome.hostName();
  }

  /** A resume that cannot proceed; exit code 2 with the message. */
  public static final class ResumeRefused extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ResumeRefused(String message) {
      super(message);
    }
  }
}
