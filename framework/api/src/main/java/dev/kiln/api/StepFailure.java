package dev.kiln.api;

/**
 * An expected failure of a step with a message for the user (no stack trace is shown). Anything
 * else a step throws is reported with its type and message.
 */
public class StepFailure extends Exception {
  private static final long serialVersionUID = 1L;
  private final boolean retryable;

  public StepFailure(String message) {
    this(message, true);
  }

  public StepFailure(String message, boolean retryable) {
    super(message);
    this.retryable = retryable;
  }

  /** False when retrying cannot help (e.g. bad input data); the engine then skips retries. */
  public boolean retryable() {
    return retryable;
  }
}
