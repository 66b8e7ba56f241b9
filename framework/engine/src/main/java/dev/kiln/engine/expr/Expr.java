package dev.kiln.engine.expr;

import java.util.List;

/** An expression inside {@code ${{ ... }}}. */
public sealed interface Expr {
  /** A literal: String, Long, Double, Boolean or null. */
  record Literal(Object value) implements Expr {}

  /**
   * A reference such as {@code steps.load.outputs.train}.
   *
   * @param offset the reference's offset in the scalar's text
   */
  record Ref(List<String> path, int offset) implements Expr {
    public String context() {
      return path.get(0);
    }

    @Override
    public String toString() {
      return String.join(".", path);
    }
  }

  record Not(Expr operand) implements Expr {}

  /** A comparison: {@code == != < <= > >=}. */
  record Binary(String op, Expr left, Expr right) implements Expr {}

  /** {@code a || b || ...} or {@code a && b && ...}: one flat node, however long the chain. */
  record Logical(String op, List<Expr> operands) implements Expr {}

  /** All references in this expression, in source order. */
  default void collectRefs(List<Ref> into) {
    if (this instanceof Ref r) {
      into.add(r);
    } else if (this instanceof Not n) {
      n.operand().collectRefs(into);
    } else if (this instanceof Binary b) {
      b.left().collectRefs(into);
      b.right().collectRefs(into);
    } else if (this instanceof Logical l) {
      for (Expr e : l.operands()) e.collectRefs(into);
    }
  }
}
