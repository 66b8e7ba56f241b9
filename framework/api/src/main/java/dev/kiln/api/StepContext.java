package dev.kiln.api;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** What a running step instance can see and use. One per step instance and attempt. */
public interface StepContext {

  /** The pipeline run id. */
  String runId();

  /** The step instance id, e.g. {@code train} or {@code train[2]} for a matrix instance. */
  String stepId();

  /** The directory the user ran Kiln from; relative paths in params resolve against it. */
  Path projectDir();

  /** A scratch directory private to this instance and attempt, emptied before each attempt. */
  Path scratchDir();

  /**
   * Copies {@code file} into the artifact store (atomically, content-addressed) and returns the
   * artifact.
   */
  Artifact storeArtifact(Path file, String mediaType) throws IOException;

  /** A read-only path to the content of {@code artifact}, verified against its hash. */
  Path open(Artifact artifact) throws IOException;

  /** Records one value of a metric; {@code step} orders a series (epoch, trial, ...). */
  void metric(String name, double value, long step);

  /** The step's log, kept with the step run. Never pass secret values here. */
  void log(String line);

  /** Environment variables for the step: the process environment plus the step's {@code env:}. */
  Map<String, String> env();

  /** A seed derived from the run; the same run and step instance always get the same seed. */
  long seed();

  /** True once the run is being cancelled or the step timed out; long work should check it. */
  boolean cancelled();

  /**
   * Shows how far long work has got (a progress bar on a terminal, a plain line in CI logs).
   *
   * @param message a short status such as {@code best auc 0.912}; never a secret
   */
  default void progress(long done, long total, String message) {}

  /**
   * Runs step type {@code uses} as a child of this step instance, in the calling thread: e.g. one
   * trial of a hyperparameter search. {@code with} (Artifact, String, Number, Boolean, List and Map
   * values) is bound and checked like a YAML {@code with:} block; the child is cached like a step
   * (the same type, params and inputs reuse an earlier result without running) and recorded in the
   * run store as step {@code <this step>/<name>} with its metrics, lineage and log. Several
   * children may run at once from different threads.
   *
   * @param name unique among this step instance's children, e.g. {@code trial-0007}
   * @param monitor sees the child's metrics as it records them and can ask it to stop
   * @return how the child ended; a child that fails does not fail this step
   */
  default ChildRun runChild(String name, String uses, Map<String, Object> with, ChildRun.Monitor monitor) throws InterruptedException {
    throw new UnsupportedOperationException("this context cannot run child steps");
  }

  /**
   * {@link #runChild(String, String, Map, ChildRun.Monitor)} with a time limit: a child still
   * running after {@code timeout} is stopped and ends FAILED ("timed out after ..."). A child goes
   * through the same lifecycle as a step: it is retried as this step's {@code retry:} says, each
   * attempt under the limit.
   *
   * @param timeout positive, or null for no limit
   */
  default ChildRun runChild(String name, String uses, Map<String, Object> with, ChildRun.Monitor monitor, java.time.Duration timeout) throws InterruptedException {
    if (timeout != null) throw new UnsupportedOperationException("this context cannot limit child steps' time");
    return runChild(name, uses, with, monitor);
  }

  /**
   * Durable state of this step instance in this run: what {@link #saveState} recorded, also in
   * earlier attempts and before the run was killed and resumed. A step that records its progress
   * here continues where it stopped instead of starting over.
   */
  default Map<String, String> state() {
    return Map.of();
  }

  /** Records {@code value} (e.g. JSON) under {@code key} in this instance's durable state, atomically. */
  default void saveState(String key, String value) {
    throw new UnsupportedOperationException("this context has no durable state");
  }

  /**
   * The durable state ({@link #state()}) this step instance recorded in earlier runs of the same
   * pipeline, newest run first, at most {@code limit} runs; runs in which it recorded nothing are
   * left out. Read-only: what lets a step learn from its own history (kiln/tune's warm start).
   */
  default java.util.List<Map<String, String>> earlierStates(int limit) {
    return java.util.List.of();
  }

  /** The model registry (kiln/validate, kiln/register). */
  default Models models() {
    throw new UnsupportedOperationException("this context has no model registry");
  }

  /**
   * The model runtimes plugins registered with {@link KilnPlugin#modelRuntime}: how a step that
   * works on models of any framework (kiln/validate, kiln/register, kiln/export) loads them. The
   * runtime for a model artifact is the one that {@link ModelRuntime#loads} its media type.
   */
  default java.util.List<ModelRuntime> modelRuntimes() {
    return java.util.List.of();
  }
}
