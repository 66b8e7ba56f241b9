package dev.kiln.engine.spec;

import java.time.Duration;

/**
 * How often a failed step instance is tried, and how long to wait between tries: {@code backoff},
 * then {@code backoff * factor}, and so on.
 */
public record RetrySpec(int attempts, Duration backoff, double factor) {
  public static final RetrySpec NONE = new RetrySpec(1, Duration.ZERO, 1.0);

  public Duration delayBefore(int attempt) {
    if (attempt <= 1) return Duration.ZERO;
    double ms = backoff.toMillis() * Math.pow(factor, attempt - 2);
    return Duration.ofMillis((long) Math.min(ms, Duration.ofHours(1).toMillis()));
  }
}
