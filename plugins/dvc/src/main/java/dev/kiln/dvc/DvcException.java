package dev.kiln.dvc;

/** A dvc command that failed, said for a user: what happened and, when known, what to do. */
public final class DvcException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String hint;

  public DvcException(String message, String hint) {
    super(message);
    this.hint = hint;
  }

  public String hint() {
    return hint;
  }

  /** The message with its hint, for one-line reports. */
  public String full() {
    return hint == null ? getMessage() : getMessage() + "; hint: " + hint;
  }
}
