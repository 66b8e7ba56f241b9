package dev.kiln.testkit;

import dev.kiln.api.Artifact;
import dev.kiln.api.ChildRun;
import dev.kiln.api.StepContext;
import dev.kiln.engine.artifact.ArtifactStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The step context of a {@link StepHarness} run: a real artifact store, a scratch directory,
 * captured log lines and metrics, in-memory durable state.
 */
final class HarnessContext implements StepContext {
  private final String stepId;
  private final Path projectDir;
  private final Path scratch;
  private final ArtifactStore store;
  private final Map<String, String> env;
  private final long seed;
  private final Map<String, String> state;
  final List<String> logs = Collections.synchronizedList(new ArrayList<>());
  final List<StepOutcome.MetricPoint> points = Collections.synchronizedList(new ArrayList<>());

  HarnessContext(String stepId, Path projectDir, Path scratch, ArtifactStore store, Map<String, String> env, long seed, Map<String, String> state) {
    this.stepId = stepId;
    this.projectDir = projectDir;
    this.scratch = scratch;
    this.store = store;
    this.env = Map.copyOf(env);
    this.seed = seed;
    this.state = state;
  }

  @Override
  public String runId() {
    return "testkit";
  }

  @Override
  public String stepId() {
    return stepId;
  }

  @Override
  public Path projectDir() {
    return projectDir;
  }

  @Override
  public Path scratchDir() {
    return scratch;
  }

  @Override
  public Artifact storeArtifact(Path file, String mediaType) throws IOException {
    return store.put(file, mediaType == null ? dev.kiln.engine.exec.MediaTypes.guess(file) : mediaType);
  }

  @Override
  public Path open(Artifact artifact) throws IOException {
    return store.path(artifact);
  }

  @Override
  public void metric(String name, double value, long step) {
    points.add(new StepOutcome.MetricPoint(name, value, step));
  }

  @Override
  public void log(String line) {
    logs.add(line);
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
  public boolean cancelled() {
    return false;
  }

  @Override
  public ChildRun runChild(String name, String uses, Map<String, Object> with, ChildRun.Monitor monitor) {
    throw new UnsupportedOperationException("the testkit runs one step in-process and cannot run child step \"" + name + "\" (" + uses + "); test " + uses + " with a StepHarness of its own");
  }

  @Override
  public Map<String, String> state() {
    synchronized (state) {
      return Map.copyOf(state);
    }
  }

  @Override
  public void saveState(String key, String value) {
    synchronized (state) {
      state.put(key, value);
    }
  }
}
