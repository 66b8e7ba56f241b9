package dev.kiln.engine.expr;

import java.util.ArrayList;
import java.util.List;

/**
 * A scalar's text split into literal text and expressions. A scalar that is exactly one
 * expression yields the expression's typed value; anything else is string interpolation.
 */
public record Template(List<Object> parts) {
  /** One expression and where it starts in the text. */
  public record Part(Expr expr, int offset, String source) {}

  public boolean isSingleExpression() {
    return parts.size() == 1 && parts.get(0) instanceof Part;
  }

  public List<Part> expressions() {
    return parts.stream().filter(Part.class::isInstance).map(Part.class::cast).toList();
  }

  public List<Expr.Ref> refs() {
    List<Expr.Ref> refs = new ArrayList<>();
    for (Part p : expressions()) p.expr().collectRefs(refs);
    return refs;
  }

  /** Parses {@code text}; text without {@code ${{} is a single literal part. */
  public static Template parse(String text) throws ExprSyntaxError {
    List<Object> parts = new ArrayList<>();
    int i = 0;
    String trimmed = text.strip();
    int lead = text.indexOf(trimmed.isEmpty() ? text : trimmed);
    while (i < text.length()) {
      int start = text.indexOf("${{", i);
      if (start < 0) {
        parts.add(text.substring(i));
        break;
      }
      if (start > i) parts.add(text.substring(i, start));
      int end = text.indexOf("}}", start + 3);
      if (end < 0) throw new ExprSyntaxError("expression is not closed: expected \"}}\" after \"${{\"", start);
      String inner = text.substring(start + 3, end);
      Expr e = new ExprParser(inner, start + 3).parseAll();
      parts.add(new Part(e, start, text.substring(start, end + 2)));
      i = end + 2;
    }
    // "  ${{ x }}  " counts as a single expression
    if (parts.size() > 1 && lead >= 0) {
      List<Object> nonBlank = parts.stream().filter(p -> !(p instanceof String s) || !s.isBlank()).toList();
      if (nonBlank.size() == 1 && nonBlank.get(0) instanceof Part) return new Template(nonBlank);
    }
    return new Template(parts);
  }
}
