package dev.kiln.dvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading what DVC recorded, without dvc; the real CLI is exercised by DvcIT. */
class TrackedTest {
  @TempDir Path repo;

  @Test
  void aDvcFileAndALockOutAreFoundAndTheirMd5MatchesTheBytes() throws Exception {
    Files.createDirectories(repo.resolve(".dvc"));
    Files.createDirectories(repo.resolve("data"));
    Files.writeString(repo.resolve("data/x.csv"), "a,b\n1,2\n");
    // what `dvc add data/x.csv` (DVC 3.67) wrote for these bytes
    Files.writeString(repo.resolve("data/x.csv.dvc"), "outs:\n- md5: e5ebd4c02cefbe7955977c67ada242b7\n  size: 8\n  hash: md5\n  path: x.csv\n");
    Tracked t = Tracked.find(repo, repo.resolve("data/x.csv"));
    assertThat(t.path()).isEqualTo("data/x.csv");
    assertThat(t.source()).isEqualTo("data/x.csv.dvc");
    assertThat(t.size()).isEqualTo(8);
    assertThat(t.plainMd5()).isTrue();
    assertThat(DvcVersioning.md5(repo.resolve("data/x.csv"))).isEqualTo(t.md5());
    assertThat(DvcVersioning.changedSinceAdded(null, t, repo.resolve("data/x.csv"))).isFalse();
    Files.writeString(repo.resolve("data/x.csv"), "a,b\n1,3\n"); // same size, other bytes
    assertThat(DvcVersioning.changedSinceAdded(null, t, repo.resolve("data/x.csv"))).isTrue();
    Files.writeString(repo.resolve("data/x.csv"), "a,b\n1,23\n");
    assertThat(DvcVersioning.changedSinceAdded(null, t, repo.resolve("data/x.csv"))).isTrue();

    Files.writeString(repo.resolve("dvc.lock"), """
        schema: '2.0'
        stages:
          prepare:
            cmd: python prep.py
            outs:
            - path: data/prepared.csv
              hash: md5
              md5: 0123456789abcdef0123456789abcdef
              size: 42
        """);
    Tracked lock = Tracked.find(repo, repo.resolve("data/prepared.csv"));
    assertThat(lock.source()).isEqualTo("dvc.lock");
    assertThat(lock.target()).isEqualTo("data/prepared.csv");
    assertThat(lock.descriptor()).startsWith("stage: prepare");
    assertThat(Tracked.find(repo, repo.resolve("data/other.csv"))).isNull();
  }

  @Test
  void aTrackedDirectoryOrAMissingHashIsSaid() throws Exception {
    Files.createDirectories(repo.resolve(".dvc"));
    Files.writeString(repo.resolve("images.dvc"), "outs:\n- md5: 0123456789abcdef0123456789abcdef.dir\n  path: images\n");
    Files.createDirectories(repo.resolve("images"));
    assertThatThrownBy(() -> Tracked.find(repo, repo.resolve("images"))).isInstanceOf(DvcException.class).hasMessageContaining("tracks a directory");
    Files.writeString(repo.resolve("y.csv.dvc"), "outs:\n- path: y.csv\n");
    assertThatThrownBy(() -> Tracked.find(repo, repo.resolve("y.csv"))).isInstanceOf(DvcException.class).hasMessageContaining("no md5 hash");
    assertThat(Dvc.findRepo(repo.resolve("images"))).isEqualTo(repo.toAbsolutePath().normalize());
  }
}
