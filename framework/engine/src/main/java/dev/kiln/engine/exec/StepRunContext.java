package dev.kiln.engine.exec;

import dev.kiln.api.Artifact;
import dev.kiln.api.ChildRun;
import dev.kiln.api.StepContext;
import dev.kiln.engine.plan.StepInstance;
import dev.kiln.engine.spec.StepSpec;
import dev.kiln.registry.MetricRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The {@link StepContext} of one attempt of one step instance or child: its scratch directory and
 * log, the metrics it records (kept until its end is recorded), and whether it should stop.
 */
final class StepRunContext implements StepContext {
  final RunScope run;
  final StepLifecycle lifecycle;
  final StepInstance inst;
  final String pipeline;
  final StepSpec spec;
  final Map<String, String> env;
  final Map<String, String> declaredEnv;
  final StepRunContext parent;
  final AtomicBoolean cancelled = new AtomicBoolean();
  final AtomicBoolean stopped = new AtomicBoolean();
  volatile ChildRun.Monitor monitor;
  volatile String lastReport;
  final List<MetricRecord> metrics = Collections.synchronizedList(new ArrayList<>());
  final Path scratch;
  final long seed;
  private final int attempt;
  private Writer log;
  private boolean logOpened;
  private boolean scratchMade;

  StepRunContext(RunScope run, StepLifecycle lifecycle, StepInstance inst, String pipeline, StepSpec spec, Map<String, String> env, Map<String, String> declaredEnv, int attempt, StepRunContext parent) {
    this.run = run;
    this.lifecycle = lifecycle;
    this.inst = inst;
    this.pipeline = pipeline;
    this.spec = spec;
    this.declaredEnv = Map.copyOf(declaredEnv);
    this.parent = parent;
    this.env = Map.copyOf(env);
    this.scratch = Scratch.dir(run.home, run.runId, inst.key());
    this.seed = StepSeed.of(pipeline, inst.key());
    this.attempt = attempt;
  }

  /**
   * Creates the scratch directory on first use (a leftover of a killed attempt is removed first):
   * most steps never ask for one, and a step that does not log gets no log file.
   */
  private synchronized void ensureScratch() {
    if (scratchMade) return;
    try {
      if (Files.exists(scratch)) Scratch.deleteTree(scratch);
      Files.createDirectories(scratch);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    scratchMade = true;
  }

  @Override
  public String runId() {
    return run.runId;
  }

  @Override
  public String stepId() {
    return inst.key();
  }

  @Override
  public Path projectDir() {
    return run.options.projectDir();
  }

  @Override
  public Path scratchDir() {
    ensureScratch();
    return scratch;
  }

  @Override
  public Artifact storeArtifact(Path file, String mediaType) throws IOException {
    // its metadata is recorded with the step's end, in the same transaction as its state
    return run.artifacts.put(file, mediaType == null ? MediaTypes.guess(file) : mediaType);
  }

  @Override
  public Path open(Artifact artifact) throws IOException {
    return run.artifacts.path(artifact);
  }

  @Override
  public void metric(String name, double value, long step) {
    metrics.add(new MetricRecord(run.runId, inst.key(), run.mask(name), step, value, System.currentTimeMillis()));
    ChildRun.Monitor m = monitor;
    if (m != null && !stopped.get() && !m.report(name, value, step)) {
      lastReport = String.format(java.util.Locale.ROOT, "%s = %.6g at step %d", name, value, step);
      stopped.set(true);
    }
  }

  @Override
  public void progress(long done, long total, String message) {
    run.listener.stepProgress(inst.key(), done, total, run.mask(message));
  }

  @Override
  public ChildRun runChild(String name, String uses, Map<String, Object> with, ChildRun.Monitor monitor) throws InterruptedException {
    return runChild(name, uses, with, monitor, null);
  }

  @Override
  public ChildRun runChild(String name, String uses, Map<String, Object> with, ChildRun.Monitor monitor, Duration timeout) throws InterruptedException {
    if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9_.=-]*")) throw new IllegalArgumentException("a child name is letters, digits, _ . = -, found " + name);
    if (timeout != null && (timeout.isNegative() || timeout.isZero())) throw new IllegalArgumentException("a child's timeout must be positive, found " + timeout);
    if (cancelled()) throw new InterruptedException("cancelled");
    return lifecycle.runChild(this, name, uses, with, monitor == null ? ChildRun.Monitor.NONE : monitor, timeout);
  }

  @Override
  public Map<String, String> state() {
    return run.store.state(run.runId, inst.key());
  }

  @Override
  public void saveState(String key, String value) {
    run.store.saveState(run.runId, inst.key(), key, run.mask(value), System.currentTimeMillis());
  }

  @Override
  public List<Map<String, String>> earlierStates(int limit) {
    List<Map<String, String>> out = new ArrayList<>();
    String before = run.runId;
    // one step run per earlier run, newest first: the store's previous-step-run, walked back
    for (int seen = 0; out.size() < limit && seen < 10 * limit; seen++) {
      var prev = run.store.previousStepRun(pipeline, inst.key(), before);
      if (prev.isEmpty()) break;
      before = prev.get().runId();
      Map<String, String> st = run.store.state(before, inst.key());
      if (!st.isEmpty()) out.add(st);
    }
    return out;
  }

  @Override
  public synchronized void log(String line) {
    String masked = run.mask(line);
    try {
      if (!logOpened) {
        logOpened = true;
        Path logFile = Scratch.logFile(run.home, run.runId, inst.key());
        Files.createDirectories(logFile.getParent());
        log = Files.newBufferedWriter(logFile, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        log.write("--- attempt " + attempt + " " + java.time.Instant.now() + "\n");
      }
      if (log != null) log.write(masked + "\n");
    } catch (IOException e) {
      // the log is best effort; the step's state is what must be durable
    }
    run.listener.stepLog(inst.key(), masked);
  }

  /**
   * Removes the attempt's scratch directory: it holds working copies of what became artifacts,
   * or a failed attempt's leftovers, kept only with {@code --keep-scratch}.
   */
  void removeScratch(boolean succeeded) {
    if (!succeeded && run.options.keepScratch()) return;
    synchronized (this) {
      if (!scratchMade) return;
    }
    try {
      if (Files.exists(scratch)) Scratch.deleteTree(scratch);
    } catch (IOException | UncheckedIOException e) {
      // best effort: the run's directory is removed again when the run ends
    }
  }

  synchronized void closeLog() {
    logOpened = true; // a line logged after the end (a straggling thread) is not written
    try {
      if (log != null) log.close();
    } catch (IOException e) {
      // nothing to do
    }
    log = null;
  }

  /** The last value of every metric recorded so far. */
  Map<String, Double> lastValues() {
    Map<String, Double> out = new LinkedHashMap<>();
    synchronized (metrics) {
      for (MetricRecord m : metrics) out.put(m.name(), m.value());
    }
    return out;
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
  public dev.kiln.api.Models models() {
    return new dev.kiln.engine.models.EngineModels(run.store, run.artifacts, run.runId, inst.key(), pipeline, run.options.projectDir(), env, run.mirrors, this::log);
  }

  @Override
  public List<dev.kiln.api.ModelRuntime> modelRuntimes() {
    return run.modelRuntimes;
  }

  @Override
  public boolean cancelled() {
    return cancelled.get() || stopped.get() || (parent != null && parent.cancelled()) || run.cancelled.get() || Thread.currentThread().isInterrupted();
  }
}
