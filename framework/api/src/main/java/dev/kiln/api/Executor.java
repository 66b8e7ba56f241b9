package dev.kiln.api;

import java.util.concurrent.Callable;
import java.util.concurrent.Future;

/**
 * Runs step units: the engine's scheduler decides what is ready, and hands each resolved instance
 * to an executor as a {@link StepUnit}. The local executor (the default) runs units on a thread
 * pool in the Kiln process; a plugin may contribute one that runs them on a cluster.
 *
 * <p>An executor only runs units: resuming, caching, retries, time limits and the run store stay
 * with the driver. Cancelling the returned future must stop the unit (interrupt it, or kill the
 * remote task) and must not wait for it.
 */
public interface Executor extends AutoCloseable {

  /** The executor's name, e.g. {@code local} or {@code spark}. */
  String name();

  /**
   * Starts a unit.
   *
   * @param unit the resolved instance; what an executor running elsewhere ships
   * @param inProcess how to run this unit in the Kiln process with its bound params and context;
   *     the local executor calls it, an executor running units elsewhere ignores it
   * @return the step's result, or the step's exception as the cause of an ExecutionException
   */
  Future<StepResult> submit(StepUnit unit, Callable<StepResult> inProcess);

  /** Stops what is still running and releases threads or connections. */
  @Override
  void close();
}
