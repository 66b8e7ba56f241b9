package dev.kiln.engine.expr;

import java.util.ArrayList;
import java.util.List;

/**
 * Recursive-descent parser for the expression language: references ({@code a.b.c}), literals
 * ('text', numbers, true, false, null), {@code ! && || == != < <= > >=} and parentheses.
 * Recursion happens only for parentheses and {@code !}, and at most {@link #MAX_DEPTH} levels deep,
 * so a hostile file cannot overflow the stack; a chain of {@code ||} or {@code &&} is one flat node
 * of any length.
 */
final class ExprParser {
  /** Levels of parentheses and {@code !}; real expressions use a handful, as YAML nesting is bounded too. */
  static final int MAX_DEPTH = 64;

  private final String src;
  private final int base;
  private int pos;
  private int depth;

  ExprParser(String src, int base) {
    this.src = src;
    this.base = base;
  }

  Expr parseAll() throws ExprSyntaxError {
    skipWs();
    if (pos >= src.length()) throw error("expression is empty: expected a reference such as params.name");
    Expr e = or();
    skipWs();
    if (pos < src.length()) throw error("unexpected \"" + src.substring(pos).strip() + "\" in expression");
    return e;
  }

  private Expr or() throws ExprSyntaxError {
    List<Expr> operands = new ArrayList<>();
    operands.add(and());
    while (eat("||")) operands.add(and());
    return operands.size() == 1 ? operands.get(0) : new Expr.Logical("||", List.copyOf(operands));
  }

  private Expr and() throws ExprSyntaxError {
    List<Expr> operands = new ArrayList<>();
    operands.add(comparison());
    while (eat("&&")) operands.add(comparison());
    return operands.size() == 1 ? operands.get(0) : new Expr.Logical("&&", List.copyOf(operands));
  }

  private Expr comparison() throws ExprSyntaxError {
    Expr left = unary();
    for (String op : new String[] {"==", "!=", "<=", ">=", "<", ">"}) {
      if (eat(op)) return new Expr.Binary(op, left, unary());
    }
    return left;
  }

  private Expr unary() throws ExprSyntaxError {
    skipWs();
    int at = pos;
    if (eat("!")) {
      enter(at);
      Expr operand = unary();
      depth--;
      return new Expr.Not(operand);
    }
    return primary();
  }

  /** One level deeper, starting at {@code at}; refused past {@link #MAX_DEPTH}. */
  private void enter(int at) throws ExprSyntaxError {
    if (++depth > MAX_DEPTH) {
      pos = at;
      throw new ExprSyntaxError("expressions may nest at most " + MAX_DEPTH + " levels deep (parentheses and !), found deeper", base + pos, true);
    }
  }

  private Expr primary() throws ExprSyntaxError {
    skipWs();
    if (pos >= src.length()) throw error("expression ends too early: expected a value or a reference");
    char c = src.charAt(pos);
    if (c == '(') {
      enter(pos);
      pos++;
      Expr e = or();
      if (!eat(")")) throw error("expected \")\"");
      depth--;
      return e;
    }
    if (c == '\'') {
      int start = ++pos;
      StringBuilder sb = new StringBuilder();
      while (true) {
        if (pos >= src.length()) {
          pos = start - 1;
          throw error("string is not closed: expected a closing '");
        }
        char d = src.charAt(pos++);
        if (d == '\'') {
          if (pos < src.length() && src.charAt(pos) == '\'') {
            sb.append('\'');
            pos++;
          } else {
            break;
          }
        } else {
          sb.append(d);
        }
      }
      return new Expr.Literal(sb.toString());
    }
    if (c == '-' || Character.isDigit(c)) {
      int start = pos++;
      while (pos < src.length() && (Character.isDigit(src.charAt(pos)) || ".eE+-".indexOf(src.charAt(pos)) >= 0)) pos++;
      String num = src.substring(start, pos);
      try {
        if (num.matches("-?\\d+")) return new Expr.Literal(Long.parseLong(num));
        return new Expr.Literal(Double.parseDouble(num));
      } catch (NumberFormatException e) {
        pos = start;
        throw error("\"" + num + "\" is not a number");
      }
    }
    if (isIdentStart(c)) {
      int start = pos;
      List<String> path = new ArrayList<>();
      path.add(ident());
      while (pos < src.length() && src.charAt(pos) == '.') {
        pos++;
        if (pos >= src.length() || !isIdentStart(src.charAt(pos))) throw error("expected a name after \".\"");
        path.add(ident());
      }
      if (path.size() == 1) {
        switch (path.get(0)) {
          case "true": return new Expr.Literal(Boolean.TRUE);
          case "false": return new Expr.Literal(Boolean.FALSE);
          case "null": return new Expr.Literal(null);
          default: break;
        }
      }
      return new Expr.Ref(List.copyOf(path), base + start);
    }
    throw error("unexpected \"" + c + "\": expected a reference, a 'string', a number, true, false or null");
  }

  private String ident() {
    int start = pos;
    while (pos < src.length() && isIdentPart(src.charAt(pos))) pos++;
    return src.substring(start, pos);
  }

  private static boolean isIdentStart(char c) {
    return Character.isLetter(c) || c == '_';
  }

  private static boolean isIdentPart(char c) {
    // '/' joins the ids of a sub-pipeline's steps (prepare/split) once it is expanded
    return Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '/';
  }

  private boolean eat(String token) {
    skipWs();
    if (src.startsWith(token, pos)) {
      // "!" must not swallow the first half of "!="; "<" not "<="
      if ((token.equals("!") || token.equals("<") || token.equals(">")) && src.startsWith("=", pos + 1)) return false;
      pos += token.length();
      return true;
    }
    return false;
  }

  private void skipWs() {
    while (pos < src.length() && Character.isWhitespace(src.charAt(pos))) pos++;
  }

  private ExprSyntaxError error(String message) {
    return new ExprSyntaxError(message, base + pos);
  }
}
