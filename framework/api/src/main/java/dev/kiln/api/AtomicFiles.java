package dev.kiln.api;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Replacing a file so that a crash at any instant leaves either the old content or the new, never
 * a part: the new content goes into a temp file beside the target, is synced, and is renamed over
 * it; then the directory is synced so the rename itself survives. For the engine's stores and for
 * plugins' own files (the MLflow outbox, DVC files in the workspace).
 */
public final class AtomicFiles {
  private AtomicFiles() {}

  /** Writes the new content into the temp file it is given. */
  public interface Content {
    void writeTo(Path temp) throws IOException;
  }

  public static void write(Path target, byte[] bytes) throws IOException {
    replace(target, tmp -> Files.write(tmp, bytes));
  }

  public static void replace(Path target, Content content) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path t = Files.createTempFile(dir, "." + target.getFileName(), ".part");
    try {
      content.writeTo(t);
      try (FileChannel ch = FileChannel.open(t, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      Files.move(t, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      syncDir(dir);
    } finally {
      Files.deleteIfExists(t);
    }
  }

  /** Makes a rename in {@code dir} durable. */
  public static void syncDir(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // some file systems cannot sync a directory; the rename is still atomic
    }
  }
}
