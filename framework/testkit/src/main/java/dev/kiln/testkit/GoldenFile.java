package dev.kiln.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.opentest4j.AssertionFailedError;

/**
 * A checked-in file holding the text a test expects, e.g. a step's {@link
 * StepOutcome#outputsText()}.
 *
 * <ul>
 *   <li>When the file does not exist it is written and the check passes, with a note on standard
 *       error to review and commit it; except on CI (the environment variable {@code CI} is set),
 *       where a missing golden file fails the test.
 *   <li>With {@code -Dkiln.golden.update=true} the file is rewritten with the actual text.
 *   <li>Otherwise the text must equal the file's content; a mismatch fails with a line diff (and
 *       expected/actual for an IDE's comparison view).
 * </ul>
 *
 * <p>Line endings are compared as {@code \n}.
 */
public final class GoldenFile {
  /** The system property that rewrites golden files instead of comparing them. */
  public static final String UPDATE_PROPERTY = "kiln.golden.update";

  private final Path file;
  private final boolean update;
  private final boolean ci;

  GoldenFile(Path file, boolean update, boolean ci) {
    this.file = file;
    this.update = update;
    this.ci = ci;
  }

  /** The golden file at {@code file}, e.g. {@code src/test/resources/golden/ingest-iris.txt}. */
  public static GoldenFile at(Path file) {
    return new GoldenFile(file, Boolean.getBoolean(UPDATE_PROPERTY), System.getenv("CI") != null);
  }

  /** Checks {@code actual} against the file (or writes it; see the class comment). */
  public void assertMatches(String actual) {
    String text = actual.replace("\r\n", "\n");
    try {
      if (update || (!Files.exists(file) && !ci)) {
        boolean existed = Files.exists(file);
        if (file.toAbsolutePath().getParent() != null) Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
        if (!existed) System.err.println("golden file " + file + " written; review it and commit it");
        return;
      }
      if (!Files.exists(file)) {
        throw new AssertionError("golden file " + file + " does not exist; run the test locally to write it (or with -D" + UPDATE_PROPERTY + "=true), review it and commit it");
      }
      String expected = Files.readString(file, StandardCharsets.UTF_8).replace("\r\n", "\n");
      if (!expected.equals(text)) {
        throw new AssertionFailedError("differs from golden file " + file + " (- expected, + actual; rerun with -D" + UPDATE_PROPERTY + "=true to accept):\n" + LineDiff.of(expected, text), expected, text);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
