package dev.kiln.dvc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Replacing a file in the user's workspace atomically: written beside it, then renamed over it. */
final class WorkspaceFile {
  private WorkspaceFile() {}

  /** Writes the new content into a temp file. */
  interface Content {
    void writeTo(Path temp) throws IOException;
  }

  static void replace(Path target, Content content) throws IOException {
    Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".part");
    try {
      content.writeTo(tmp);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
