package dev.kiln.api;

/**
 * A step failed because its input data is wrong (a missing column, a ragged row, a value of the
 * wrong type). Never retried; the run fails with exit code 2 like any other bad input. The message
 * should start with {@code file:line:col:} or name the file, row and column.
 */
public class InvalidInput extends StepFailure {
  private static final long serialVersionUID = 1L;

  public InvalidInput(String message) {
    super(message, false);
  }
}
