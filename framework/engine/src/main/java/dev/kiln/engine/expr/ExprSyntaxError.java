package dev.kiln.engine.expr;

/** An expression that cannot be parsed; {@code offset} is into the scalar's text. */
public final class ExprSyntaxError extends Exception {
  private static final long serialVersionUID = 1L;
  private final int offset;
  private final boolean tooDeep;

  public ExprSyntaxError(String message, int offset) {
    this(message, offset, false);
  }

  /** {@code tooDeep}: the expression is well-formed as far as read but nests past the limit. */
  public ExprSyntaxError(String message, int offset, boolean tooDeep) {
    super(message, null, false, false);
    this.offset = offset;
    this.tooDeep = tooDeep;
  }

  public boolean tooDeep() {
    return tooDeep;
  }

  public int offset() {
    return offset;
  }
}
