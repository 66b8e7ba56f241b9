package dev.kiln.engine.exec;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Turns a {@code run:} script with expressions into shell text that cannot be injected: the text
 * the user wrote stays as written, and each expression becomes a reference to an environment
 * variable ({@code KILN_EXPR_1}, ...) that holds its value. The shell expands a variable's value
 * as data, never as syntax, so a value with {@code '}, {@code ;} or {@code $(...)} is just text.
 *
 * <p>The reference is written to fit where the expression stands, so that the quoting the user
 * wrote keeps its meaning: {@code "${KILN_EXPR_1}"} unquoted (one word), {@code ${KILN_EXPR_1}}
 * inside double quotes and here-documents, {@code '"${KILN_EXPR_1}"'} inside single quotes.
 * Inside {@code $(( ))} a value must be an integer (shell arithmetic has no other numbers). Inside a quoted here-document ({@code <<'EOF'})
 * nothing expands, so the value is pasted as text unless it holds the closing delimiter line.
 */
final class ShellScript {
  /** A value that cannot be passed where it stands; the step fails with this message. */
  static final class Unsafe extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Unsafe(String message) {
      super(message, null, false, false);
    }
  }

  static final String PREFIX = "KILN_EXPR_";
  private static final Pattern INTEGER = Pattern.compile("[+-]?\\d+");

  private enum Ctx { UNQUOTED, SINGLE, DOUBLE, COMMAND, BACKTICK, ARITH, BRACE, HEREDOC, QUOTED_HEREDOC }

  private ShellScript() {}

  /**
   * @param parts literal strings and expression parts, in order
   * @param valueOf the text of an expression part's value; called once per part (literal text
   *     too, which it returns as it is), in order
   * @param vars receives variable name -> value, in order: the n-th expression is {@code KILN_EXPR_n}
   */
  static String build(List<Object> parts, Function<Object, String> valueOf, Map<String, String> vars) {
    Scanner s = new Scanner();
    StringBuilder out = new StringBuilder();
    int n = 0;
    for (Object part : parts) {
      if (part instanceof String text) {
        valueOf.apply(text);
        s.feed(text);
        out.append(text);
        continue;
      }
      String value = valueOf.apply(part);
      String name = PREFIX + (++n);
      switch (s.context()) {
        case SINGLE -> out.append("'\"${").append(name).append("}\"'");
        case DOUBLE, BRACE, HEREDOC -> out.append("${").append(name).append('}');
        case ARITH -> {
          if (!INTEGER.matcher(value.strip()).matches()) throw new Unsafe("a value inside $(( )) must be an integer, found \"" + abbreviate(value) + "\"");
          out.append("${").append(name).append('}');
        }
        case QUOTED_HEREDOC -> {
          String[] lines = (s.currentLine() + value).split("\n", -1);
          for (int k = 0; k < lines.length; k++) {
            String l = lines[k].strip();
            if (l.equals(s.heredocDelimiter()) || (k == lines.length - 1 && l.startsWith(s.heredocDelimiter()))) {
              throw new Unsafe("a value inside the quoted here-document <<'" + s.heredocDelimiter() + "' holds its closing line; use an unquoted delimiter (<<" + s.heredocDelimiter() + ")");
            }
          }
          out.append(value);
          s.feed(value);
          continue;
        }
        default -> out.append("\"${").append(name).append("}\"");
      }
      vars.put(name, value);
      s.word();
    }
    return out.toString();
  }

  private static String abbreviate(String v) {
    return v.length() <= 40 ? v : v.substring(0, 40) + "...";
  }

  /** Follows the shell's quoting through the literal text, so each expression's context is known. */
  private static final class Scanner {
    private final Deque<Ctx> stack = new ArrayDeque<>(List.of(Ctx.UNQUOTED));
    private final Deque<String[]> pendingHeredocs = new ArrayDeque<>(); // {delimiter, quoted}
    private String heredoc;
    private boolean heredocTabs;
    private final StringBuilder line = new StringBuilder();
    private int parenDepth;
    private boolean escaped;
    private boolean wordStart = true;
    private boolean comment;
    private final StringBuilder pending = new StringBuilder(); // text after "<<" until the delimiter word ends

    Ctx context() {
      return stack.peek();
    }

    String heredocDelimiter() {
      return heredoc;
    }

    /** The text of the here-document line being read so far. */
    String currentLine() {
      return line.toString();
    }

    /** An expression's value stood here: it is part of a word. */
    void word() {
      wordStart = false;
    }

    void feed(String text) {
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        char next = i + 1 < text.length() ? text.charAt(i + 1) : 0;
        Ctx ctx = stack.peek();
        if (ctx == Ctx.HEREDOC || ctx == Ctx.QUOTED_HEREDOC) {
          if (c == '\n') {
            String l = heredocTabs ? line.toString().replaceFirst("^\t+", "") : line.toString();
            line.setLength(0);
            if (l.equals(heredoc)) {
              stack.pop();
              startHeredoc();
            }
          } else {
            line.append(c);
          }
          continue;
        }
        if (escaped) {
          escaped = false;
          continue;
        }
        if (comment) {
          if (c == '\n') {
            comment = false;
            wordStart = true;
            startHeredoc();
          }
          continue;
        }
        if (pending.length() > 0) {
          // collecting a here-document delimiter word after "<<"
          if (Character.isWhitespace(c) || c == ';' || c == '|' || c == '&' || c == '<' || c == '>' || c == ')') {
            String w = pending.toString();
            pending.setLength(0);
            boolean quoted = w.contains("'") || w.contains("\"") || w.contains("\\");
            pendingHeredocs.add(new String[] {w.replace("'", "").replace("\"", "").replace("\\", ""), String.valueOf(quoted)});
          } else {
            pending.append(c);
            continue;
          }
        }
        switch (ctx) {
          case SINGLE -> {
            if (c == '\'') stack.pop();
          }
          case DOUBLE -> {
            if (c == '\\') escaped = true;
            else if (c == '"') stack.pop();
            else if (c == '`') stack.push(Ctx.BACKTICK);
            else if (c == '$' && next == '(') i = openParen(text, i);
            else if (c == '$' && next == '{') {
              stack.push(Ctx.BRACE);
              i++;
            }
          }
          case BRACE -> {
            if (c == '}') stack.pop();
            else if (c == '\\') escaped = true;
            else if (c == '"') stack.push(Ctx.DOUBLE);
            else if (c == '\'') stack.push(Ctx.SINGLE);
          }
          case ARITH -> {
            if (c == '(') parenDepth++;
            else if (c == ')') {
              if (parenDepth > 0) parenDepth--;
              else if (next == ')') {
                stack.pop();
                i++;
              }
            }
          }
          default -> i = unquoted(text, i, c, next, ctx);
        }
      }
    }

    private int unquoted(String text, int i, char c, char next, Ctx ctx) {
      boolean atStart = wordStart;
      wordStart = Character.isWhitespace(c) || c == ';' || c == '|' || c == '&' || c == '(' || c == ')';
      if (c == '#' && atStart) {
        comment = true;
        return i;
      }
      switch (c) {
        case '\\' -> escaped = true;
        case '\'' -> stack.push(Ctx.SINGLE);
        case '"' -> stack.push(Ctx.DOUBLE);
        case '`' -> {
          if (ctx == Ctx.BACKTICK) stack.pop();
          else stack.push(Ctx.BACKTICK);
        }
        case ')' -> {
          if (ctx == Ctx.COMMAND) stack.pop();
        }
        case '$' -> {
          if (next == '(') return openParen(text, i);
          if (next == '{') {
            stack.push(Ctx.BRACE);
            return i + 1;
          }
        }
        case '<' -> {
          if (next == '<' && (i + 2 >= text.length() || text.charAt(i + 2) != '<')) {
            int j = i + 2;
            boolean tabs = j < text.length() && text.charAt(j) == '-';
            if (tabs) j++;
            while (j < text.length() && (text.charAt(j) == ' ' || text.charAt(j) == '\t')) j++;
            heredocTabs = tabs;
            pending.setLength(0);
            if (j < text.length()) pending.append(text.charAt(j));
            return j;
          }
        }
        case '\n' -> startHeredoc();
        default -> { }
      }
      return i;
    }

    private int openParen(String text, int i) {
      if (i + 2 < text.length() && text.charAt(i + 2) == '(') {
        stack.push(Ctx.ARITH);
        parenDepth = 0;
        return i + 2;
      }
      stack.push(Ctx.COMMAND);
      wordStart = true;
      return i + 1;
    }

    /** At the end of a line, the first pending here-document begins. */
    private void startHeredoc() {
      String[] h = pendingHeredocs.poll();
      if (h == null) return;
      heredoc = h[0];
      stack.push(Boolean.parseBoolean(h[1]) ? Ctx.QUOTED_HEREDOC : Ctx.HEREDOC);
      line.setLength(0);
    }
  }
}
