package dev.kiln.cli;

import dev.kiln.engine.exec.RunListener;
import dev.kiln.engine.plan.ExecutionPlan;
import dev.kiln.registry.RunStatus;
import dev.kiln.registry.StepRunRecord;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Shows a run as it goes: on a terminal, a progress bar naming the steps running now; otherwise
 * (CI, pipes) one plain line per step event.
 */
final class Progress implements RunListener {
  private final PrintWriter err;
  private final boolean live;
  private final Set<String> running = new TreeSet<>();
  private ProgressBar bar;
  private int total;
  private int done;

  Progress(PrintWriter err, boolean live) {
    this.err = err;
    this.live = live;
  }

  static boolean isTerminal() {
    return System.console() != null && System.getenv("CI") == null && !"dumb".equals(System.getenv("TERM"));
  }

  @Override
  public synchronized void runStarted(String runId, ExecutionPlan plan, boolean resumed) {
    total = plan.size();
    err.println((resumed ? "resuming run " : "run ") + runId + " of " + plan.spec().name() + ": " + total + (total == 1 ? " step" : " steps"));
    err.flush();
    if (live) {
      bar = new ProgressBarBuilder()
          .setTaskName(plan.spec().name())
          .setInitialMax(total)
          .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK)
          .setConsumer(new ConsoleProgressBarConsumer(System.err))
          .setUpdateIntervalMillis(200)
          .build();
    }
  }

  @Override
  public synchronized void stepStarted(StepRunRecord r) {
    String stepKey = r.stepKey();
    int attempt = r.attempt();
    if (r.isChild()) return; // a child step (a trial): its parent reports progress
    running.add(stepKey);
    if (bar != null) bar.setExtraMessage(" running: " + String.join(", ", running));
    else {
      err.println("  start   " + stepKey + (attempt > 1 ? " (attempt " + attempt + ")" : ""));
      err.flush();
    }
  }

  @Override
  public synchronized void stepProgress(String stepKey, long done, long total, String message) {
    String text = String.format(Locale.ROOT, "%s %d/%d%s", stepKey, done, total, message == null || message.isEmpty() ? "" : " " + message);
    if (bar != null) {
      bar.setExtraMessage(" " + text);
    } else {
      err.println("  ...     " + text);
      err.flush();
    }
  }

  @Override
  public synchronized void stepExpanded(String stepId, java.util.List<String> instanceKeys) {
    total += instanceKeys.size() - 1;
    if (bar != null) bar.maxHint(total);
    else {
      err.println("  expand  " + stepId + " into " + instanceKeys.size() + (instanceKeys.size() == 1 ? " instance" : " instances") + " (for-each)");
      err.flush();
    }
  }

  @Override
  public synchronized void stepFinished(StepRunRecord r) {
    if (r.isChild()) return;
    running.remove(r.stepKey());
    done++;
    String line = String.format(Locale.ROOT, "  %-7s %s%s%s", word(r.status()), r.stepKey(), duration(r), r.error() == null ? "" : ": " + firstLine(r.error()));
    if (bar != null) {
      bar.stepTo(done);
      bar.setExtraMessage(running.isEmpty() ? "" : " running: " + String.join(", ", running));
      if (r.status() == RunStatus.FAILED) {
        bar.pause();
        err.println();
        err.println(line);
        bar.resume();
      }
    } else {
      err.println(String.format(Locale.ROOT, "[%" + String.valueOf(total).length() + "d/%d]", done, total) + line.substring(1));
      err.flush();
    }
  }

  /** Lines for the whole run (key ""), e.g. what the trackers delivered; step logs go to files. */
  @Override
  public synchronized void stepLog(String stepKey, String line) {
    if (!stepKey.isEmpty()) return;
    err.println(line);
    err.flush();
  }

  @Override
  public synchronized void runFinished(String runId, RunStatus status, String error) {
    if (bar != null) {
      bar.close();
      bar = null;
    }
    err.println("run " + runId + " " + status.name().toLowerCase(Locale.ROOT) + (error == null ? "" : ": " + firstLine(error)));
    err.flush();
  }

  private static String word(RunStatus s) {
    return switch (s) {
      case SUCCEEDED -> "ok";
      case CACHED -> "cached";
      case FAILED -> "FAILED";
      case SKIPPED -> "skipped";
      case CANCELLED -> "cancel";
      default -> s.name().toLowerCase(Locale.ROOT);
    };
  }

  private static String duration(StepRunRecord r) {
    Long d = r.durationMillis();
    return d == null ? "" : String.format(Locale.ROOT, " (%s)", Show.millis(d));
  }

  static String firstLine(String s) {
    int i = s.indexOf('\n');
    return i < 0 ? s : s.substring(0, i) + " ...";
  }
}
