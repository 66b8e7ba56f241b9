package dev.kiln.engine.resolve;

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
 * Inside {@code $(( ))} a value must be an integer (shell arithmetic has no other numbers). The
 * script text never holds a value itself, so a mistake in following the quoting can at worst
 * quote a reference wrongly, never run a value: an expression inside a quoted here-document
 * ({@code <<'EOF'}), where nothing expands, is refused. Where {@code sh} is bash, arithmetic
 * ({@code [[ -eq ]]}, {@code (( ))}, {@code let}, {@code $[ ]}, {@code ${s:n}}) evaluates a
 * variable's value as an expression whose array subscripts run command substitutions, so in a
 * script that has such a construct no value may hold {@code $(} or a backquote.
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
    StringBuilder literal = new StringBuilder();
    boolean inBrace = false;
    int n = 0;
    for (Object part : parts) {
      if (part instanceof String text) {
        valueOf.apply(text);
        s.feed(text);
        out.append(text);
        literal.append(text).append('\n');
        continue;
      }
      String value = valueOf.apply(part);
      String name = PREFIX + (++n);
      switch (s.context()) {
        case SINGLE -> out.append("'\"${").append(name).append("}\"'");
        case DOUBLE, HEREDOC -> out.append("${").append(name).append('}');
        case BRACE -> {
          inBrace |= s.braceArithmetic();
          out.append("${").append(name).append('}');
        }
        case ARITH -> {
          if (!INTEGER.matcher(value.strip()).matches()) throw new Unsafe("a value inside $(( )) must be an integer, found \"" + abbreviate(value) + "\"");
          out.append("${").append(name).append('}');
        }
        case QUOTED_HEREDOC -> throw new Unsafe("an expression inside the quoted here-document <<'" + s.heredocDelimiter() + "' cannot reach the script: nothing expands there; use an unquoted delimiter (<<" + s.heredocDelimiter() + ")");
        default -> out.append("\"${").append(name).append("}\"");
      }
      vars.put(name, value);
      s.word();
    }
    if (inBrace || BASH_ARITHMETIC.matcher(literal).find()) {
      for (Map.Entry<String, String> v : vars.entrySet()) {
        if (v.getValue().contains("$(") || v.getValue().contains("`")) {
          throw new Unsafe("a value holding $( or ` cannot be used in a script that evaluates arithmetic ([[ ]], (( )), let, $[ ], ${x:n}): where sh is bash that would run it, found \"" + abbreviate(v.getValue()) + "\" (" + v.getKey() + "); pass it through env: or a file instead");
        }
      }
    }
    return out.toString();
  }

  /** Bash constructs that evaluate variables' values as arithmetic (a plain {@code $((} is checked where it stands). */
  private static final Pattern BASH_ARITHMETIC = Pattern.compile("\\[\\[|(^|[^$])\\(\\(|(^|[\\s;&|(])let\\s|\\$\\[");

  private static String abbreviate(String v) {
    return v.length() <= 40 ? v : v.substring(0, 40) + "...";
  }

  /** Follows the shell's quoting through the literal text, so each expression's context is known. */
  private static final class Scanner {
    private final Deque<Ctx> stack = new ArrayDeque<>(List.of(Ctx.UNQUOTED));
    private final Deque<String[]> pendingHeredocs = new ArrayDeque<>(); // {delimiter, quoted, tabs}
    private String heredoc;
    private boolean heredocTabs;
    private final StringBuilder line = new StringBuilder();
    private int parenDepth;
    private boolean escaped;
    private boolean wordStart = true;
    private boolean comment;
    private int caseDepth; // inside case ... esac, a ")" ends a pattern, not a $( )
    private boolean braceArithmetic; // the ${ } being read has a subscript or a substring offset
    private final StringBuilder currentWord = new StringBuilder();
    private boolean pendingTabs;
    private final StringBuilder pending = new StringBuilder(); // text after "<<" until the delimiter word ends

    Ctx context() {
      return stack.peek();
    }

    String heredocDelimiter() {
      return heredoc;
    }

    /** True when the {@code ${ }} being read evaluates arithmetic (a subscript or substring offset). */
    boolean braceArithmetic() {
      return braceArithmetic;
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
            pendingHeredocs.add(new String[] {w.replace("'", "").replace("\"", "").replace("\\", ""), String.valueOf(quoted), String.valueOf(pendingTabs)});
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
              braceArithmetic = false;
              i++;
            }
          }
          case BRACE -> {
            // ${a[i]} and ${s:n:m} evaluate arithmetic; ${x:-word} ${x:+word} ${x#pattern} do not
            if (c == '[' || (c == ':' && "-=+?".indexOf(next) < 0)) braceArithmetic = true;
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
      // a word ends at blanks and operators; after ")" it goes on ("$(date)#1" is one word)
      boolean delimiter = Character.isWhitespace(c) || c == ';' || c == '|' || c == '&' || c == '(' || c == ')';
      wordStart = delimiter && c != ')';
      if (delimiter) {
        String w = currentWord.toString();
        if (w.equals("case")) caseDepth++;
        else if (w.equals("esac") && caseDepth > 0) caseDepth--;
        currentWord.setLength(0);
      } else if (Character.isLetter(c) && (atStart || currentWord.length() > 0)) {
        currentWord.append(c);
      } else {
        currentWord.setLength(0);
      }
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
          if (ctx == Ctx.COMMAND && caseDepth == 0) stack.pop();
        }
        case '$' -> {
          if (next == '(') return openParen(text, i);
          if (next == '{') {
            stack.push(Ctx.BRACE);
            braceArithmetic = false;
            return i + 1;
          }
        }
        case '<' -> {
          if (next == '<' && (i + 2 >= text.length() || text.charAt(i + 2) != '<')) {
            int j = i + 2;
            boolean tabs = j < text.length() && text.charAt(j) == '-';
            if (tabs) j++;
            while (j < text.length() && (text.charAt(j) == ' ' || text.charAt(j) == '\t')) j++;
            pendingTabs = tabs;
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
      heredocTabs = Boolean.parseBoolean(h[2]);
      stack.push(Boolean.parseBoolean(h[1]) ? Ctx.QUOTED_HEREDOC : Ctx.HEREDOC);
      line.setLength(0);
    }
  }
}
