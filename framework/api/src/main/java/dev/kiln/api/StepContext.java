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
}
