package dev.kiln.engine.expr;

import java.util.Objects;
import java.util.function.Function;

/** Evaluates expressions against a resolver of references. */
public final class Evaluator {
  private Evaluator() {}

  /** Thrown when an expression cannot be evaluated (e.g. comparing a number with a list). */
  public static final class EvalError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public EvalError(String message) {
      super(message, null, false, false);
    }
  }

  public static Object eval(Expr e, Function<Expr.Ref, Object> refs) {
    if (e instanceof Expr.Literal l) return l.value();
    if (e instanceof Expr.Ref r) return refs.apply(r);
    if (e instanceof Expr.Not n) return !truthy(eval(n.operand(), refs));
    if (e instanceof Expr.Logical l) return logical(l, refs);
    return binary((Expr.Binary) e, refs);
  }

  /** Left to right, stopping at the first operand that decides (false for &&, true for ||). */
  private static boolean logical(Expr.Logical l, Function<Expr.Ref, Object> refs) {
    boolean any = l.op().equals("||");
    for (Expr operand : l.operands()) {
      if (truthy(eval(operand, refs)) == any) return any;
    }
    return !any;
  }

  private static Object binary(Expr.Binary b, Function<Expr.Ref, Object> refs) {
    Object l = eval(b.left(), refs);
    Object r = eval(b.right(), refs);
    return switch (b.op()) {
      case "==" -> equal(l, r);
      case "!=" -> !equal(l, r);
      default -> {
        if (l instanceof Number a && r instanceof Number c) {
          int cmp = Double.compare(a.doubleValue(), c.doubleValue());
          yield switch (b.op()) {
            case "<" -> cmp < 0;
            case "<=" -> cmp <= 0;
            case ">" -> cmp > 0;
            default -> cmp >= 0;
          };
        }
        throw new EvalError("\"" + b.op() + "\" compares numbers, found " + describe(l) + " and " + describe(r));
      }
    };
  }

  private static boolean equal(Object l, Object r) {
    if (l instanceof Number a && r instanceof Number b) return a.doubleValue() == b.doubleValue();
    return Objects.equals(l, r);
  }

  /** GitHub-Actions-like truthiness: false, null, 0, "" and empty collections are false. */
  public static boolean truthy(Object v) {
    if (v == null) return false;
    if (v instanceof Boolean b) return b;
    if (v instanceof Number n) return n.doubleValue() != 0;
    if (v instanceof String s) return !s.isEmpty() && !s.equals("false");
    if (v instanceof java.util.Collection<?> c) return !c.isEmpty();
    if (v instanceof java.util.Map<?, ?> m) return !m.isEmpty();
    return true;
  }

  static String describe(Object v) {
    return v == null ? "null" : v instanceof String s ? "\"" + s + "\"" : v.getClass().getSimpleName().toLowerCase() + " " + v;
  }
}
