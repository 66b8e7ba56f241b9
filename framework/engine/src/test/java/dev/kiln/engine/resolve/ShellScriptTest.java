package dev.kiln.engine.resolve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The script text {@link ShellScript} builds, run by {@code sh}: in every quoting context a
 * hostile value comes out as the same text and never runs.
 */
class ShellScriptTest {
  /** Marks where the value goes in a template. */
  static final Object V = new Object();

  static final String HOSTILE = "a'b\"c $(touch pwned1) `touch pwned2` ${HOME} \\ ; touch pwned3 # *\nEOF\nline2";

  @TempDir Path dir;

  /** Runs the built script with its variables under sh and under bash (sh on some systems); returns sh's stdout, checking bash printed the same. */
  private String run(List<Object> parts, String value) throws Exception {
    Map<String, String> vars = new LinkedHashMap<>();
    String script = ShellScript.build(parts, p -> p == V ? value : (String) p, vars);
    String out = null;
    for (String shell : List.of("sh", "bash")) {
      ProcessBuilder pb = new ProcessBuilder(shell, "-c", script).directory(dir.toFile()).redirectErrorStream(true);
      pb.environment().putAll(vars);
      Process p = pb.start();
      String o = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
      try (var files = Files.list(dir)) {
        assertThat(files.map(f -> f.getFileName().toString())).as(shell + ": " + script).noneMatch(n -> n.startsWith("pwned"));
      }
      if (out == null) out = o;
      else assertThat(o).as("bash").isEqualTo(out);
    }
    return out;
  }

  private static String refused(String template, String value) {
    try {
      ShellScript.build(parts(template), p -> p == V ? value : (String) p, new LinkedHashMap<>());
    } catch (ShellScript.Unsafe e) {
      return e.getMessage();
    }
    throw new AssertionError("not refused: " + template);
  }

  private static List<Object> parts(String template) {
    List<Object> parts = new ArrayList<>();
    String[] pieces = template.split("\\|V\\|", -1);
    for (int i = 0; i < pieces.length; i++) {
      if (!pieces[i].isEmpty()) parts.add(pieces[i]);
      if (i < pieces.length - 1) parts.add(V);
    }
    return parts;
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "printf '%s' |V|",
      "printf '%s' \"|V|\"",
      "printf '%s' '|V|'",
      "printf '%s' \"$(printf '%s' |V|)\"",
      "printf '%s' \"$(printf '%s' \"|V|\")\"",
      "printf '%s' \"`printf '%s' |V|`\"",
      "# don't count a comment's quote\nprintf '%s' |V|",
      "printf '%s' \"${HOME:+|V|}\"",
  })
  void aValueIsTextInEveryQuotingContext(String template) throws Exception {
    assertThat(run(parts(template), HOSTILE)).isEqualTo(HOSTILE);
  }

  @Test
  void escapedQuotesAroundAValueStayQuotes() throws Exception {
    assertThat(run(parts("printf '%s' \"\\\"|V|\\\"\""), HOSTILE)).isEqualTo("\"" + HOSTILE + "\"");
  }

  @ParameterizedTest
  @ValueSource(strings = {"cat <<EOF\n|V|\nEOF", "cat <<-EOF\n\t|V|\n\tEOF", "cat <<EOF; echo after\n|V|\nEOF"})
  void aValueIsTextInAHereDocument(String template) throws Exception {
    String out = run(parts(template), HOSTILE);
    assertThat(out).isEqualTo(HOSTILE + "\n" + (template.contains("after") ? "after\n" : ""));
  }

  @Test
  void arithmeticTakesIntegers() throws Exception {
    assertThat(run(parts("echo $(( |V| + 1 ))"), "41")).isEqualTo("42\n");
    assertThat(run(parts("echo $(( (|V|) * 2 ))"), "-3")).isEqualTo("-6\n");
  }

  @ParameterizedTest
  @ValueSource(strings = {"a[$(touch pwned)]", "1; touch pwned", "x", "2.5"})
  void arithmeticRefusesAnythingElse(String v) {
    assertThatThrownBy(() -> ShellScript.build(parts("echo $(( |V| + 1 ))"), p -> p == V ? v : (String) p, new LinkedHashMap<>()))
        .isInstanceOf(ShellScript.Unsafe.class).hasMessage("a value inside $(( )) must be an integer, found \"" + v + "\"");
  }

  @Test
  void anExpressionInAQuotedHereDocumentIsRefused() {
    assertThat(refused("cat <<'EOF'\n|V|\nEOF", "41")).isEqualTo("an expression inside the quoted here-document <<'EOF' cannot reach the script: nothing expands there; use an unquoted delimiter (<<EOF)");
    assertThat(refused("cat <<\\EOF\n|V|\nEOF", "41")).startsWith("an expression inside the quoted here-document");
  }

  @ParameterizedTest
  @ValueSource(strings = {"[[ |V| -eq 1 ]] && echo one", "(( |V| > 0 )) && echo pos", "for ((i=0; i<|V|; i++)); do :; done", "let x=|V|", "s=abc; echo \"${s:|V|}\""})
  void whereBashEvaluatesArithmeticNoValueMayHoldACommandSubstitution(String template) throws Exception {
    assertThat(refused(template, "a[$(touch pwned)]")).startsWith("a value holding $( or ` cannot be used in a script that evaluates arithmetic");
    assertThat(refused(template, "a[`touch pwned`]")).startsWith("a value holding $( or ` cannot be used");
  }

  @Test
  void arithmeticInBashStillTakesPlainValues() throws Exception {
    assertThat(run(parts("if [ -n \"$BASH_VERSION\" ]; then eval '[[ |V| -eq 3 ]] && echo three'; else echo three; fi"), "3")).isEqualTo("three\n");
  }

  /** A ")" followed by "#" is inside a word, not a comment: the quote after it counts. */
  @Test
  void aHashAfterAClosingParenthesisIsNoComment() throws Exception {
    String out = run(parts("echo build-$(echo 1)#'\ncat <<\\EOF\n'\nprintf '%s' |V|"), "x'; touch pwned; : '");
    assertThat(out).isEqualTo("build-1#\ncat <<\\EOF\n\nx'; touch pwned; : '");
  }

  @Test
  void aCasePatternInsideACommandSubstitutionDoesNotEndIt() throws Exception {
    assertThat(run(parts("m=a; msg=\"$(case $m in a) echo \"it's\" ;; esac)\"; printf '%s|' \"$msg\" |V|"), "v'\"$(touch pwned)")).isEqualTo("it's|v'\"$(touch pwned)|");
  }

  @Test
  void hereDocumentsOnOneLineKeepTheirOwnTabRule() throws Exception {
    String out = run(parts("cat <<-A; cat <<B\n\tone\n\tA\n|V|\nB"), "two");
    assertThat(out).isEqualTo("one\ntwo\n");
  }

  @Test
  void eachExpressionIsItsOwnVariableInOrder() {
    Map<String, String> vars = new LinkedHashMap<>();
    Object a = new Object();
    Object b = new Object();
    String script = ShellScript.build(List.of("echo ", a, " '", b, "' \"", a, "\""), p -> p == a ? "A" : p == b ? "B" : (String) p, vars);
    assertThat(script).isEqualTo("echo \"${KILN_EXPR_1}\" ''\"${KILN_EXPR_2}\"'' \"${KILN_EXPR_3}\"");
    assertThat(vars).containsExactly(Map.entry("KILN_EXPR_1", "A"), Map.entry("KILN_EXPR_2", "B"), Map.entry("KILN_EXPR_3", "A"));
  }
}
