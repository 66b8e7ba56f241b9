package dev.kiln.registry;

/** The store could not do what was asked; the message says what and how to proceed. */
public class StoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }

  public StoreException(String message) {
    super(message);
  }

  /**
   * The store cannot be used as it is and the user must act (a store that cannot be migrated,
   * one another process holds while it must be migrated): bad input, exit 2, never retried.
   */
  public static final class Damaged extends StoreException {
    private static final long serialVersionUID = 1L;
    private final String hint;

    public Damaged(String message, String hint, Throwable cause) {
      super(message, cause);
      this.hint = hint;
    }

    public String hint() {
      return hint;
    }
  }
}
