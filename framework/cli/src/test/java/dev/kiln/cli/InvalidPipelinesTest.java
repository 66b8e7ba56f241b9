package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.engine.diag.Code;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every malformed pipeline in {@code pipelines/invalid/} gets exactly the report in its {@code
 * .expected} golden file (all problems, file:line:col, sorted) and exit code 2. Regenerate the
 * golden files with {@code -Dkiln.updateGolden=true} and review the diff.
 */
class InvalidPipelinesTest {
  static final Path CORPUS = Path.of("src/test/resources/pipelines/invalid");
  private static final boolean UPDATE = Boolean.getBoolean("kiln.updateGolden");

  static List<Path> fixtures() throws IOException {
    try (Stream<Path> s = Files.list(CORPUS)) {
      return s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
  }

  @TestFactory
  Stream<DynamicTest> eachInvalidPipelineReportsExactlyItsGoldenProblems() throws IOException {
    Cli cli = Cli.in(Path.of("").toAbsolutePath());
    return fixtures().stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
      Cli.Result r = cli.run("validate", f.toString());
      Path golden = Path.of(f.toString().replaceAll("\\.yaml$", ".expected"));
      if (UPDATE) Files.writeString(golden, r.err());
      assertThat(r.exit()).as("exit code").isEqualTo(2);
      assertThat(r.out()).isEmpty();
      assertThat(r.err()).isEqualTo(Files.readString(golden, StandardCharsets.UTF_8));
      assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
    }));
  }

  @Test
  void corpusIsLargeAndCoversEveryErrorCode() throws IOException {
    List<Path> fixtures = fixtures();
    assertThat(fixtures).hasSizeGreaterThanOrEqualTo(40);
    Set<Code> seen = EnumSet.noneOf(Code.class);
    Pattern code = Pattern.compile("(?:error|warning)\\[([EW]\\d{3})]");
    for (Path f : fixtures) {
      Matcher m = code.matcher(Files.readString(Path.of(f.toString().replaceAll("\\.yaml$", ".expected"))));
      while (m.find()) seen.add(Code.valueOf(m.group(1)));
    }
    // E001/E002 (file access, size), E111/E112 (-p values) are command-line cases: see CommandLineInputTest
    Set<Code> elsewhere = EnumSet.of(Code.E001, Code.E002, Code.E111, Code.E112);
    for (Code c : Code.values()) {
      if (!elsewhere.contains(c)) assertThat(seen).as("a fixture reports " + c).contains(c);
    }
  }

  @Test
  void reportsTheFirstLinesOfAMultiProblemFileInSourceOrder(@TempDir Path dir) {
    Cli.Result r = Cli.in(Path.of("").toAbsolutePath()).run("validate", CORPUS.resolve("many-problems-at-once.yaml").toString());
    List<String> lines = r.err().lines().filter(l -> l.contains("error[") || l.contains("warning[")).toList();
    assertThat(lines).hasSize(7);
    assertThat(lines).isSortedAccordingTo((a, b) -> Integer.compare(lineOf(a), lineOf(b)));
  }

  private static int lineOf(String problem) {
    Matcher m = Pattern.compile("\\.yaml:(\\d+):").matcher(problem);
    return m.find() ? Integer.parseInt(m.group(1)) : 0;
  }
}
