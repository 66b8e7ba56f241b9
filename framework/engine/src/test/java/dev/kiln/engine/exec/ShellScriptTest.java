package dev.kiln.engine.exec;

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

  /** Runs the built script with its variables; returns stdout. */
  private String run(List<Object> parts, String value) throws Exception {
    Map<String, String> vars = new LinkedHashMap<>();
    String script = ShellScript.build(parts, p -> p == V ? value : (String) p, vars);
    ProcessBuilder pb = new ProcessBuilder("sh", "-c", script).directory(dir.toFile()).redirectErrorStream(true);
    pb.environment().putAll(vars);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    try (var files = Files.list(dir)) {
      assertThat(files.map(f -> f.getFileName().toString())).as(script).noneMatch(n -> n.startsWith("pwned"));
    }
    return out;
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
      "# don't let a comment's quote count\nprintf '%s' |V|",
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
  void aQuotedHereDocumentPastesTextButNeverItsClosingLine() throws Exception {
    assertThat(run(parts("cat <<'EOF'\n|V|\nEOF"), "$(touch pwned) 'x'")).isEqualTo("$(touch pwned) 'x'\n");
    assertThatThrownBy(() -> ShellScript.build(parts("cat <<'EOF'\n|V|\nEOF"), p -> p == V ? "ok\nEOF\ntouch pwned" : (String) p, new LinkedHashMap<>()))
        .isInstanceOf(ShellScript.Unsafe.class);
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
