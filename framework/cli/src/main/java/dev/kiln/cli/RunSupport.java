package dev.kiln.cli;

import dev.kiln.engine.home.KilnHome;
import dev.kiln.engine.exec.RunExecutor;
import dev.kiln.engine.exec.RunOutcome;
import dev.kiln.registry.RunStatus;
import java.io.PrintWriter;
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

  /**
   * Runs with Ctrl-C / SIGTERM cancelling cleanly; returns the outcome without printing it. The
   * signals are handled here rather than in a shutdown hook: the JVM's shutdown also closes the
   * embedded store (H2 requires that when the store is shared with other processes), so the
   * cancelled steps must be recorded before shutdown begins. A second signal exits at once.
   */
  static RunOutcome run(Function<java.util.function.Consumer<RunExecutor>, RunOutcome> run) {
    AtomicReference<RunExecutor> executor = new AtomicReference<>();
    java.util.concurrent.atomic.AtomicBoolean signalled = new java.util.concurrent.atomic.AtomicBoolean();
    sun.misc.SignalHandler handler = sig -> {
      RunExecutor e = executor.get();
      if (e == null || signalled.getAndSet(true)) {
        System.exit(128 + sig.getNumber());
      }
      System.err.println("kiln: cancelling the run ...");
      e.cancel(); // the run ends with its steps CANCELLED, recorded; the command then exits 1
    };
    java.util.List<sun.misc.Signal> signals = java.util.List.of(new sun.misc.Signal("INT"), new sun.misc.Signal("TERM"));
    java.util.List<sun.misc.SignalHandler> previous = new java.util.ArrayList<>();
    for (sun.misc.Signal s : signals) previous.add(sun.misc.Signal.handle(s, handler));
    try {
      return run.apply(executor::set);
    } finally {
      for (int i = 0; i < signals.size(); i++) sun.misc.Signal.handle(signals.get(i), previous.get(i));
    }
  }
}
