package dev.kiln.ci;

/** What was asked of {@code kiln ci} cannot be done as asked (a ref, a file, git itself): the CLI says the message and exits 2, without a stack trace. */
public final class CiProblem extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CiProblem(String message) {
    super(message);
  }
}
