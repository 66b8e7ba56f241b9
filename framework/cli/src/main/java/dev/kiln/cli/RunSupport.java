package dev.kiln.cli;

import dev.kiln.engine.KilnHome;
import dev.kiln.engine.exec.RunExecutor;
import dev.kiln.engine.exec.RunOutcome;
import dev.kiln.registry.RunStatus;
import java.io.PrintWriter;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * What {@code run} and {@code resume} share: Ctrl-C / SIGTERM cancel the run cleanly (running
 * steps end CANCELLED and the run is recorded as such before the process exits), then the
 * outcome is printed.
 */
final class RunSupport {
  private RunSupport() {}

  static int execute(KilnHome home, RunOutputOptions output, java.nio.file.Path cwd, PrintWriter out, PrintWriter err, Function<java.util.function.Consumer<RunExecutor>, RunOutcome> run) {
    java.util.Map<String, java.nio.file.Path> exports = RunFiles.exports(output.exports, cwd); // a malformed one fails before the run
    RunOutcome outcome = run(run);
    Show show = new Show(home.store());
    if (output.json) out.println(show.json(outcome.runId()));
    else show.failures(outcome.runId(), home, err);
    if (outcome.status() == RunStatus.SUCCEEDED) {
      try {
        for (String line : RunFiles.write(home, outcome.runId(), exports, output.metricsOut == null ? null : cwd.resolve(output.metricsOut), cwd)) err.println(line);
      } catch (java.io.IOException e) {
        err.println("kiln: the run succeeded but its files could not be written: " + e.getMessage());
        return 1;
      }
      return 0;
    }
    return outcome.invalidInput() ? 2 : 1;
  }

  /** Runs with Ctrl-C / SIGTERM cancelling cleanly; returns the outcome without printing it. */
  static RunOutcome run(Function<java.util.function.Consumer<RunExecutor>, RunOutcome> run) {
    AtomicReference<RunExecutor> executor = new AtomicReference<>();
    CountDownLatch finished = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      RunExecutor e = executor.get();
      if (e != null && finished.getCount() > 0) {
        System.err.println("kiln: cancelling the run ...");
        e.cancel();
        try {
          finished.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
        }
      }
    }, "kiln-cancel");
    Runtime.getRuntime().addShutdownHook(hook);
    RunOutcome outcome;
    try {
      outcome = run.apply(executor::set);
    } finally {
      finished.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running: it waits for us
      }
    }
    return outcome;
  }
}
