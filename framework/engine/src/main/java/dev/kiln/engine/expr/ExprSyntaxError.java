package dev.kiln.engine.expr;

/** An expression that cannot be parsed; {@code offset} is into the scalar's text. */
public final class ExprSyntaxError extends Exception {
  private static final long serialVersionUID = 1L;
  private final int offset;

  public ExprSyntaxError(String message, int offset) {
    super(message, null, false, false);
    this.offset = offset;
  }

  public int offset() {
    return offset;
  }
}
