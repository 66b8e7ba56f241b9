package dev.kiln.data;

import dev.kiln.dataset.Datasets;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetsTest {
  @TempDir Path dir;

  static String sha256(Path f) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
  }

  @Test
  void aCsvReadAndWrittenWithOneOrFourThreadsGivesTheSameBytes() throws Exception {
    StringBuilder csv = new StringBuilder("id,x,s\n");
    for (int i = 0; i < 400_000; i++) csv.append(i).append(',').append(i * 0.125).append(",s").append(i % 101).append('\n');
    Path in = dir.resolve("in.csv");
    Files.writeString(in, csv);
    var roles = new Datasets.Roles(null, "id", null, List.of("s"), null);
    for (int threads : new int[] {1, 4}) {
      try (Connection c = Datasets.connect(threads)) {
        Datasets.write(c, "SELECT * FROM read_csv('" + in + "')", roles, "all", dir.resolve("out" + threads + ".parquet"));
      }
    }
    assertThat(sha256(dir.resolve("out4.parquet"))).isEqualTo(sha256(dir.resolve("out1.parquet")));
    try (Connection c = Datasets.connect()) {
      assertThat(Datasets.meta(c, dir.resolve("out4.parquet"))).isEqualTo(new Datasets.Meta(roles, "all"));
      assertThat(Datasets.count(c, "SELECT count(*) FROM read_parquet('" + dir.resolve("out4.parquet") + "') WHERE id = 399999 AND x = 49999.875")).isEqualTo(1);
    }
  }

  @Test
  void aParquetFileKilnDidNotWriteHasNoRoles() throws Exception {
    Path f = dir.resolve("plain.parquet");
    try (Connection c = Datasets.connect()) {
      Datasets.exec(c, "COPY (SELECT 1 AS a) TO '" + f + "' (FORMAT parquet)");
      assertThat(Datasets.meta(c, f)).isEqualTo(new Datasets.Meta(Datasets.Roles.NONE, null));
    }
  }

  @Test
  void rolesKeepOnlyTheColumnsLeft() {
    var r = new Datasets.Roles("y", "id", "w", List.of("t1", "t2"), "day");
    assertThat(r.keep(List.of("y", "t2", "day"))).isEqualTo(new Datasets.Roles("y", null, null, List.of("t2"), "day"));
  }
}
