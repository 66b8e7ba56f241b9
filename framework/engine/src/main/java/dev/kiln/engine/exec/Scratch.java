package dev.kiln.engine.exec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where step instances keep their scratch directories ({@code work/<run>/<key>}) and logs ({@code
 * logs/<run>/<key>.log}) under {@code KILN_HOME}. A child's key {@code tune/trial-00001} becomes
 * a subdirectory.
 */
final class Scratch {
  private Scratch() {}

  static Path dir(Path home, String runId, String stepKey) {
    return home.resolve("work").resolve(runId).resolve(safe(stepKey));
  }

  static Path logFile(Path home, String runId, String stepKey) {
    return home.resolve("logs").resolve(runId).resolve(safe(stepKey) + ".log");
  }

  static String safe(String key) {
    return key.replace('[', '_').replace("]", "").replace('/', java.io.File.separatorChar);
  }

  static void deleteTree(Path p) throws IOException {
    try (var s = Files.walk(p)) {
      for (Path x : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(x);
    }
  }

  /** Removes {@code work/<run>} once no step uses it; with --keep-scratch, only if nothing was kept. */
  static void removeRun(Path home, String runId, boolean keepScratch) {
    Path dir = home.resolve("work").resolve(runId);
    try {
      if (!Files.exists(dir)) return;
      if (!keepScratch) {
        deleteTree(dir);
        return;
      }
      try (var files = Files.walk(dir)) {
        for (Path d : files.sorted(java.util.Comparator.reverseOrder()).filter(Files::isDirectory).toList()) {
          try (var in = Files.list(d)) {
            if (in.findAny().isEmpty()) Files.delete(d);
          }
        }
      }
    } catch (IOException | UncheckedIOException e) {
      // scratch is not state: a leftover directory costs disk space, never correctness
    }
  }
}
