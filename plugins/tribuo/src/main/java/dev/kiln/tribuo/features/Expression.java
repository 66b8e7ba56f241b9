package dev.kiln.tribuo.features;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A derived-column expression: arithmetic on columns ({@code SibSp + Parch + 1}), numbers, quoted
 * strings, and functions {@code regex(col, 'pattern')} (group 1, or the whole match), {@code
 * lower(x)}, {@code length(x)}, {@code log(x)}, {@code log1p(x)}, {@code sqrt(x)}, {@code abs(x)},
 * {@code min(a, b)}, {@code max(a, b)}. Columns with other characters are written in backquotes.
 * A missing input gives a missing result.
 */
public final class Expression {
  private static final Set<String> TEXT_FUNCTIONS = Set.of("regex", "lower");
  private static final Set<String> FUNCTIONS = Set.of("regex", "lower", "length", "log", "log1p", "sqrt", "abs", "min", "max");

  /** A syntax error at a character offset. */
  public static final class SyntaxError extends Exception {
    private static final long serialVersionUID = 1L;

    SyntaxError(String message) {
      super(message);
    }
  }

  private sealed interface Node permits Num, Str, Col, Bin, Neg, Call {}

  private record Num(double v) implements Node {}

  private record Str(String v) implements Node {}

  private record Col(String name) implements Node {}

  private record Bin(char op, Node l, Node r) implements Node {}

  private record Neg(Node e) implements Node {}

  private record Call(String fn, List<Node> args, Pattern pattern) implements Node {}

  private final String source;
  private final Node root;

  private Expression(String source, Node root) {
    this.source = source;
    this.root = root;
  }

  public String source() {
    return source;
  }

  /** Whether the result is text (a categorical column) rather than a number. */
  public boolean isText() {
    return isText(root);
  }

  private static boolean isText(Node n) {
    return n instanceof Str || (n instanceof Call c && TEXT_FUNCTIONS.contains(c.fn()));
  }

  /** The columns the expression reads. */
  public List<String> columns() {
    List<String> out = new ArrayList<>();
    collect(root, out);
    return out;
  }

  private static void collect(Node n, List<String> out) {
    if (n instanceof Col c && !out.contains(c.name())) out.add(c.name());
    else if (n instanceof Bin b) {
      collect(b.l(), out);
      collect(b.r(), out);
    } else if (n instanceof Neg g) collect(g.e(), out);
    else if (n instanceof Call c) for (Node a : c.args()) collect(a, out);
  }

  /** Evaluates for one row; {@code column} gives a Double (NaN = missing) or a String (null = missing). */
  public Object eval(Function<String, Object> column) {
    return eval(root, column);
  }

  private static Object eval(Node n, Function<String, Object> col) {
    if (n instanceof Num x) return x.v();
    if (n instanceof Str s) return s.v();
    if (n instanceof Col c) return col.apply(c.name());
    if (n instanceof Neg g) return -num(eval(g.e(), col));
    if (n instanceof Bin b) {
      double l = num(eval(b.l(), col));
      double r = num(eval(b.r(), col));
      return switch (b.op()) {
        case '+' -> l + r;
        case '-' -> l - r;
        case '*' -> l * r;
        default -> r == 0 ? Double.NaN : l / r;
      };
    }
    Call c = (Call) n;
    Object a = eval(c.args().get(0), col);
    switch (c.fn()) {
      case "regex" -> {
        String s = str(a);
        if (s == null) return null;
        Matcher m = c.pattern().matcher(s);
        if (!m.find()) return null;
        return m.groupCount() >= 1 ? m.group(1) : m.group();
      }
      case "lower" -> {
        String s = str(a);
        return s == null ? null : s.toLowerCase(Locale.ROOT);
      }
      case "length" -> {
        String s = str(a);
        return s == null ? Double.NaN : (double) s.length();
      }
      case "min", "max" -> {
        double x = num(a);
        double y = num(eval(c.args().get(1), col));
        return c.fn().equals("min") ? Math.min(x, y) : Math.max(x, y);
      }
      default -> {
        double x = num(a);
        return switch (c.fn()) {
          case "log" -> x > 0 ? Math.log(x) : Double.NaN;
          case "log1p" -> x > -1 ? Math.log1p(x) : Double.NaN;
          case "sqrt" -> x >= 0 ? Math.sqrt(x) : Double.NaN;
          default -> Math.abs(x);
        };
      }
    }
  }

  private static double num(Object o) {
    if (o instanceof Double d) return d;
    if (o instanceof String s) {
      try {
        return Double.parseDouble(s);
      } catch (NumberFormatException e) {
        return Double.NaN;
      }
    }
    return Double.NaN;
  }

  private static String str(Object o) {
    if (o == null) return null;
    if (o instanceof Double d) return Double.isNaN(d) ? null : dev.kiln.tribuo.data.Values.format(d);
    return (String) o;
  }

  private static final Map<String, Expression> CACHE = new HashMap<>();

  /** Parses; throws {@link SyntaxError} with a message that says where and what was expected. */
  public static synchronized Expression parse(String source) throws SyntaxError {
    Expression cached = CACHE.get(source);
    if (cached != null) return cached;
    Parser p = new Parser(source);
    Node n = p.expr();
    p.skip();
    if (p.pos < source.length()) throw new SyntaxError("unexpected \"" + source.charAt(p.pos) + "\" at character " + (p.pos + 1) + " of \"" + source + "\"");
    Expression e = new Expression(source, n);
    if (CACHE.size() < 1000) CACHE.put(source, e);
    return e;
  }

  private static final class Parser {
    final String s;
    int pos;

    Parser(String s) {
      this.s = s;
    }

    void skip() {
      while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) pos++;
    }

    boolean eat(char c) {
      skip();
      if (pos < s.length() && s.charAt(pos) == c) {
        pos++;
        return true;
      }
      return false;
    }

    Node expr() throws SyntaxError {
      Node l = term();
      while (true) {
        if (eat('+')) l = new Bin('+', l, term());
        else if (eat('-')) l = new Bin('-', l, term());
        else return l;
      }
    }

    Node term() throws SyntaxError {
      Node l = factor();
      while (true) {
        if (eat('*')) l = new Bin('*', l, factor());
        else if (eat('/')) l = new Bin('/', l, factor());
        else return l;
      }
    }

    Node factor() throws SyntaxError {
      skip();
      if (pos >= s.length()) throw new SyntaxError("\"" + s + "\" ends where a value was expected");
      char c = s.charAt(pos);
      if (eat('-')) return new Neg(factor());
      if (eat('(')) {
        Node e = expr();
        if (!eat(')')) throw new SyntaxError("missing \")\" at character " + (pos + 1) + " of \"" + s + "\"");
        return e;
      }
      if (c == '\'') {
        int end = s.indexOf('\'', pos + 1);
        if (end < 0) throw new SyntaxError("unterminated string starting at character " + (pos + 1) + " of \"" + s + "\"");
        String v = s.substring(pos + 1, end);
        pos = end + 1;
        return new Str(v);
      }
      if (c == '`') {
        int end = s.indexOf('`', pos + 1);
        if (end < 0) throw new SyntaxError("unterminated `column name` starting at character " + (pos + 1) + " of \"" + s + "\"");
        String v = s.substring(pos + 1, end);
        pos = end + 1;
        return new Col(v);
      }
      if (Character.isDigit(c) || c == '.') {
        int start = pos;
        while (pos < s.length() && (Character.isDigit(s.charAt(pos)) || s.charAt(pos) == '.' || s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) pos++;
        try {
          return new Num(Double.parseDouble(s.substring(start, pos)));
        } catch (NumberFormatException e) {
          throw new SyntaxError("bad number \"" + s.substring(start, pos) + "\" in \"" + s + "\"");
        }
      }
      if (Character.isLetter(c) || c == '_') {
        int start = pos;
        while (pos < s.length() && (Character.isLetterOrDigit(s.charAt(pos)) || s.charAt(pos) == '_' || s.charAt(pos) == '.')) pos++;
        String name = s.substring(start, pos);
        if (eat('(')) {
          if (!FUNCTIONS.contains(name)) throw new SyntaxError("unknown function \"" + name + "\"; functions: " + String.join(", ", new java.util.TreeSet<>(FUNCTIONS)));
          List<Node> args = new ArrayList<>();
          if (!eat(')')) {
            do {
              args.add(expr());
            } while (eat(','));
            if (!eat(')')) throw new SyntaxError("missing \")\" after the arguments of " + name + "(...) in \"" + s + "\"");
          }
          int want = name.equals("regex") || name.equals("min") || name.equals("max") ? 2 : 1;
          if (args.size() != want) throw new SyntaxError(name + "(...) takes " + want + " argument" + (want == 1 ? "" : "s") + ", found " + args.size());
          Pattern pattern = null;
          if (name.equals("regex")) {
            if (!(args.get(1) instanceof Str p)) throw new SyntaxError("regex(column, 'pattern'): the pattern must be a quoted string");
            try {
              pattern = Pattern.compile(p.v());
            } catch (PatternSyntaxException e) {
              throw new SyntaxError("bad regular expression '" + p.v() + "': " + e.getDescription());
            }
          }
          return new Call(name, List.copyOf(args), pattern);
        }
        return new Col(name);
      }
      throw new SyntaxError("unexpected \"" + c + "\" at character " + (pos + 1) + " of \"" + s + "\"");
    }
  }
}
