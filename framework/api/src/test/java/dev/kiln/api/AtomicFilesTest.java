package dev.kiln.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
  @TempDir Path dir;

  static String[] names(Path d) throws IOException {
    try (Stream<Path> s = Files.list(d)) {
      return s.map(p -> p.getFileName().toString()).sorted().toArray(String[]::new);
    }
  }

  @Test
  void writesANewFileCreatingItsDirectoriesAndLeavesNoTempFile() throws Exception {
    Path f = dir.resolve("a/b/state.json");
    AtomicFiles.write(f, "{}".getBytes(StandardCharsets.UTF_8));
    assertThat(f).hasContent("{}");
    assertThat(names(f.getParent())).containsExactly("state.json");
  }

  @Test
  void replacesAnExistingFileWhole() throws Exception {
    Path f = dir.resolve("outbox");
    Files.writeString(f, "old content that is longer");
    AtomicFiles.replace(f, tmp -> Files.writeString(tmp, "new"));
    assertThat(f).hasContent("new");
    assertThat(names(dir)).containsExactly("outbox");
  }

  @Test
  void aWriterThatFailsLeavesTheOldContentAndNoTempFile() throws Exception {
    Path f = dir.resolve("outbox");
    Files.writeString(f, "old");
    assertThatThrownBy(() -> AtomicFiles.replace(f, tmp -> {
      Files.writeString(tmp, "half");
      throw new IOException("disk full");
    })).isInstanceOf(IOException.class).hasMessage("disk full");
    assertThat(f).hasContent("old");
    assertThat(names(dir)).containsExactly("outbox");
  }

  @Test
  void syncingADirectoryThatCannotBeSyncedIsNotAnError() {
    AtomicFiles.syncDir(dir.resolve("does-not-exist"));
    AtomicFiles.syncDir(dir);
    assertThat(dir).isDirectory();
  }
}
