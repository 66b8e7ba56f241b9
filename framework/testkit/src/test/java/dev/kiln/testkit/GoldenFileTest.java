package dev.kiln.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;

class GoldenFileTest {
  @TempDir Path dir;

  @Test
  void aMissingGoldenFileIsWrittenLocally() throws Exception {
    Path f = dir.resolve("golden/out.txt");
    java.io.PrintStream err = System.err;
    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      new GoldenFile(f, false, false).assertMatches("a\nb\n");
    } finally {
      System.setErr(err);
    }
    assertThat(captured.toString(java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("golden file " + f + " written; review it and commit it" + System.lineSeparator());
    assertThat(Files.readString(f)).isEqualTo("a\nb\n");
    new GoldenFile(f, false, false).assertMatches("a\r\nb\r\n");
  }

  @Test
  void aMissingGoldenFileFailsOnCi() {
    Path f = dir.resolve("out.txt");
    assertThatThrownBy(() -> new GoldenFile(f, false, true).assertMatches("a\n"))
        .isInstanceOf(AssertionError.class)
        .hasMessage("golden file " + f + " does not exist; run the test locally to write it (or with -Dkiln.golden.update=true), review it and commit it");
    assertThat(f).doesNotExist();
  }

  @Test
  void aMismatchFailsWithALineDiff() throws Exception {
    Path f = dir.resolve("out.txt");
    Files.writeString(f, "one\ntwo\nthree\nfour\nfive\nsix\nseven\neight\nnine\n");
    assertThatThrownBy(() -> new GoldenFile(f, false, false).assertMatches("one\ntwo\nthree\nfour\nfive\nsix\nSEVEN\neight\nnine\nten\n"))
        .isInstanceOf(AssertionFailedError.class)
        .hasMessage("differs from golden file " + f + " (- expected, + actual; rerun with -Dkiln.golden.update=true to accept):\n"
            + "    5 | five\n"
            + "    6 | six\n"
            + "-   7 | seven\n"
            + "+   7 | SEVEN\n"
            + "    8 | eight\n"
            + "    9 | nine\n"
            + "+  10 | ten\n")
        .satisfies(e -> assertThat(((AssertionFailedError) e).getExpected().getValue()).isEqualTo("one\ntwo\nthree\nfour\nfive\nsix\nseven\neight\nnine\n"));
  }

  @Test
  void farApartChangesAreSeparatedByAnEllipsis() {
    String diff = LineDiff.of("a\nb\nc\nd\ne\nf\ng\nh\n", "A\nb\nc\nd\ne\nf\ng\nH\n");
    assertThat(diff).isEqualTo("-   1 | a\n+   1 | A\n    2 | b\n    3 | c\n   ...\n    6 | f\n    7 | g\n-   8 | h\n+   8 | H\n");
  }

  @Test
  void updateRewritesAGoldenFile() throws Exception {
    Path f = dir.resolve("out.txt");
    Files.writeString(f, "old\n");
    new GoldenFile(f, true, true).assertMatches("new\n");
    assertThat(Files.readString(f)).isEqualTo("new\n");
    new GoldenFile(f, false, true).assertMatches("new\n");
  }
}
