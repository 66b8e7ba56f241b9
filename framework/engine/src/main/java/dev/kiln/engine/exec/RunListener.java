package dev.kiln.engine.exec;

import java.util.List;

import dev.kiln.engine.plan.ExecutionPlan;
import dev.kiln.registry.RunStatus;
import dev.kiln.registry.StepRunRecord;

/** Hears about a run's progress; called from worker threads, so implementations synchronize. */
public interface RunListener {
  default void runStarted(String runId, ExecutionPlan plan, boolean resumed) {}

  /** A step instance (or a child step) is running: its RUNNING record, as just committed. */
  default void stepStarted(StepRunRecord record) {}

  /** A step log line, secrets already masked. */
  default void stepLog(String stepKey, String line) {}

  /** Progress of long work inside a running step (e.g. trials of a search); message has secrets masked. */
  default void stepProgress(String stepKey, long done, long total, String message) {}

  default void stepFinished(StepRunRecord record) {}

  /** A for-each step's list is known: it runs as these instances (in place of the one it was planned as). */
  default void stepExpanded(String stepId, List<String> instanceKeys) {}

  default void runFinished(String runId, RunStatus status, String error) {}

  RunListener NONE = new RunListener() {};

  /** Tells {@code a}, then {@code b}. */
  static RunListener both(RunListener a, RunListener b) {
    return new RunListener() {
      @Override
      public void runStarted(String runId, ExecutionPlan plan, boolean resumed) {
        a.runStarted(runId, plan, resumed);
        b.runStarted(runId, plan, resumed);
      }

      @Override
      public void stepStarted(StepRunRecord record) {
        a.stepStarted(record);
        b.stepStarted(record);
      }

      @Override
      public void stepLog(String stepKey, String line) {
        a.stepLog(stepKey, line);
        b.stepLog(stepKey, line);
      }

      @Override
      public void stepProgress(String stepKey, long done, long total, String message) {
        a.stepProgress(stepKey, done, total, message);
        b.stepProgress(stepKey, done, total, message);
      }

      @Override
      public void stepFinished(StepRunRecord record) {
        a.stepFinished(record);
        b.stepFinished(record);
      }

      @Override
      public void stepExpanded(String stepId, List<String> instanceKeys) {
        a.stepExpanded(stepId, instanceKeys);
        b.stepExpanded(stepId, instanceKeys);
      }

      @Override
      public void runFinished(String runId, RunStatus status, String error) {
        a.runFinished(runId, status, error);
        b.runFinished(runId, status, error);
      }
    };
  }
}
