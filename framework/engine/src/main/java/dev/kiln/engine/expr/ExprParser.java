package dev.kiln.engine.expr;

import java.util.ArrayList;
import java.util.List;

/**
 * Recursive-descent parser for the expression language: references ({@code a.b.c}), literals
 * ('text', numbers, true, false, null), {@code ! && || == != < <= > >=} and parentheses.
 */
final class ExprParser {
  private final String src;
  private final int base;
  private int pos;

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
    Expr left = and();
    while (eat("||")) left = new Expr.Binary("||", left, and());
    return left;
  }

  private Expr and() throws ExprSyntaxError {
    Expr left = comparison();
    while (eat("&&")) left = new Expr.Binary("&&", left, comparison());
    return left;
  }

  private Expr comparison() throws ExprSyntaxError {
    Expr left = unary();
    for (String op : new String[] {"==", "!=", "<=", ">=", "<", ">"}) {
      if (eat(op)) return new Expr.Binary(op, left, unary());
    }
    return left;
  }

  private Expr unary() throws ExprSyntaxError {
    if (eat("!")) return new Expr.Not(unary());
    return primary();
  }

  private Expr primary() throws ExprSyntaxError {
    skipWs();
    if (pos >= src.length()) throw error("expression ends too early: expected a value or a reference");
    char c = src.charAt(pos);
    if (c == '(') {
      pos++;
      Expr e = or();
      if (!eat(")")) throw error("expected \")\"");
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
    return Character.isLetterOrDigit(c) || c == '_' || c == '-';
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
