package dev.kiln.registry;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Doing again what met a change of the process that serves the shared embedded store: the serving
 * process exited (the store closed at its shutdown, the connection broke) or another is taking
 * over (H2's lock file in use or recently modified), or no connection came in time meanwhile.
 */
final class Takeover {
  /** H2's error codes for those moments. */
  private static final Set<Integer> CODES = Set.of(90121, 90067, 90098, 8000, 90020);

  private Takeover() {}

  /** True when {@code e}, or what caused it, is one of those moments (a full disk is not one: it is said at once). */
  static boolean during(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getMessage() != null && t.getMessage().contains("No space left on device")) return false;
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLTransientConnectionException) return true;
      if (t instanceof SQLException sql && CODES.contains(sql.getErrorCode())) return true;
    }
    return false;
  }

  /**
   * Runs {@code attempt} up to {@code tries} times while it fails in a way {@code again} accepts,
   * waiting {@code stepMillis} times the try number between tries, plus jitter so that processes
   * taking over do not try again in step.
   */
  static <T> T retrying(int tries, long stepMillis, Predicate<RuntimeException> again, Supplier<T> attempt) {
    for (int n = 1; ; n++) {
      try {
        return attempt.get();
      } catch (RuntimeException e) {
        if (n == tries || !again.test(e)) throw e;
        try {
          Thread.sleep(stepMillis * n + ThreadLocalRandom.current().nextLong(stepMillis));
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }
}
