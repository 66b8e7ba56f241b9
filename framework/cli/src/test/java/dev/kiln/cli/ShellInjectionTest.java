package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Values from params, matrix entries and upstream outputs are data in {@code run:}: whatever the
 * quoting around them, they never run as shell code, and the script sees them unchanged.
 */
class ShellInjectionTest {
  /** Breaks out of single quotes, double quotes and bare words alike if pasted as text. */
  static final String HOSTILE = "x' \"; touch pwned-$(echo 1); echo `touch pwned-2` '$HOME";

  @TempDir Path dir;
  Cli cli;

  @BeforeEach
  void setUp() {
    cli = Cli.in(dir);
  }

  private Cli.Result run(String yaml, String... extra) throws IOException {
    Files.writeString(dir.resolve("p.yaml"), yaml);
    String[] args = new String[3 + extra.length];
    args[0] = "run";
    args[1] = "p.yaml";
    args[2] = "--json";
    System.arraycopy(extra, 0, args, 3, extra.length);
    return cli.run(args);
  }

  private void assertNoMarker() throws IOException {
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("pwned"));
    }
  }

  private static String stdout(Cli.Result r, String step) {
    JsonNode s = Runs.step(r, step);
    return s.get("outputs").get("stdout").asText();
  }

  @Test
  void aParamIsDataWhateverTheQuotingAroundIt() throws IOException {
    Cli.Result r = run("""
        name: inject
        params: {name: {type: string}}
        steps:
          single: {uses: kiln/command, with: {run: "printf '%s' '${{ params.name }}'"}}
          double: {uses: kiln/command, with: {run: 'printf "%s" "${{ params.name }}"'}}
          bare: {uses: kiln/command, with: {run: 'printf %s ${{ params.name }}'}}
          glued: {uses: kiln/command, with: {run: 'printf %s [${{ params.name }}]'}}
          subshell: {uses: kiln/command, with: {run: 'echo "$(printf %s ${{ params.name }})"'}}
        """, "-p", "name=" + HOSTILE);
    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    assertNoMarker();
    assertThat(stdout(r, "single")).isEqualTo(HOSTILE);
    assertThat(stdout(r, "double")).isEqualTo(HOSTILE);
    assertThat(stdout(r, "bare")).isEqualTo(HOSTILE);
    assertThat(stdout(r, "glued")).isEqualTo("[" + HOSTILE + "]");
    assertThat(stdout(r, "subshell")).isEqualTo(HOSTILE);
  }

  @Test
  void anUpstreamStdoutAndAMatrixValueAreData() throws IOException {
    Files.writeString(dir.resolve("value.txt"), HOSTILE + "\n");
    Cli.Result r = run("""
        name: inject
        steps:
          read: {uses: kiln/command, with: {run: cat value.txt}}
          echo: {uses: kiln/command, with: {run: "echo '${{ steps.read.outputs.stdout }}'"}}
          fan:
            uses: kiln/command
            matrix: {v: ["$(touch pwned-matrix)", "a;touch pwned-semicolon"]}
            with: {run: 'echo ${{ matrix.v }}'}
        """);
    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    assertNoMarker();
    assertThat(stdout(r, "echo")).isEqualTo(HOSTILE);
    assertThat(stdout(r, "fan[0]")).isEqualTo("$(touch pwned-matrix)");
    assertThat(stdout(r, "fan[1]")).isEqualTo("a;touch pwned-semicolon");
  }

  @Test
  void hereDocumentsAndArithmeticKeepWorking() throws IOException {
    Cli.Result r = run("""
        name: heredoc
        params: {name: {type: string}, n: 41}
        steps:
          open:
            uses: kiln/command
            with:
              run: |
                cat <<EOF
                [${{ params.name }}]
                EOF
          sum: {uses: kiln/command, with: {run: 'echo $(( ${{ params.n }} + 1 ))'}}
        """, "-p", "name=" + HOSTILE);
    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    assertNoMarker();
    assertThat(stdout(r, "open")).isEqualTo("[" + HOSTILE + "]");
    assertThat(stdout(r, "sum")).isEqualTo("42");
  }

  @Test
  void aValueThatIsNotANumberInsideArithmeticFailsTheStep() throws IOException {
    Cli.Result r = run("""
        name: arith
        params: {n: {type: string}}
        steps:
          sum: {uses: kiln/command, with: {run: 'echo $(( ${{ params.n }} + 1 ))'}}
        """, "-p", "n=a[$(touch pwned)]");
    assertThat(r.exit()).isEqualTo(1);
    assertNoMarker();
    assertThat(Runs.step(r, "sum").get("error").asText()).isEqualTo("run: a value inside $(( )) must be an integer, found \"a[$(touch pwned)]\"");
  }

  @Test
  void anExpressionInAQuotedHereDocumentFailsTheStep() throws IOException {
    Cli.Result r = run("""
        name: heredoc
        params: {text: {type: string}}
        steps:
          quoted:
            uses: kiln/command
            with:
              run: |
                cat <<'EOF'
                ${{ params.text }}
                EOF
        """, "-p", "text=ok\nEOF\ntouch pwned");
    assertThat(r.exit()).isEqualTo(1);
    assertNoMarker();
    assertThat(Runs.step(r, "quoted").get("error").asText()).isEqualTo("run: an expression inside the quoted here-document <<'EOF' cannot reach the script: nothing expands there; use an unquoted delimiter (<<EOF)");
  }
}
