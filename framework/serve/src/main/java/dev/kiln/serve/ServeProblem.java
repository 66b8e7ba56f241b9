package dev.kiln.serve;

/** What was asked of the server is wrong (a target, an option, a bundle): the CLI says the message and exits 2, without a stack trace. */
public final class ServeProblem extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ServeProblem(String message) {
    super(message);
  }
}
