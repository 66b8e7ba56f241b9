package dev.kiln.engine.exec;

import dev.kiln.api.Executor;
import dev.kiln.api.StepResult;
import dev.kiln.api.StepUnit;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs units in the Kiln process, each on a thread of its own so that the lifecycle waiting for
 * it can give up at the time limit and interrupt it. How many run at once is bounded by the
 * scheduler ({@code --parallel}) and by the steps that start children (kiln/tune's parallelism).
 */
public final class LocalExecutor implements Executor {
  private final ExecutorService threads = Executors.newCachedThreadPool(RunExecutor.daemon("kiln-exec"));

  @Override
  public String name() {
    return "local";
  }

  @Override
  public Future<StepResult> submit(StepUnit unit, Callable<StepResult> inProcess) {
    return threads.submit(inProcess);
  }

  @Override
  public void close() {
    threads.shutdownNow();
  }
}
