package dev.kiln.data;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Guice;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import dev.kiln.api.StepType;
import dev.kiln.testkit.StepHarness;
import dev.kiln.testkit.StepOutcome;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataPluginTest {
  @TempDir Path dir;

  @Test
  void theStepsAreRegisteredUnderTheirNames() {
    Map<String, StepType<?>> steps = Guice.createInjector(new DataPlugin()).getInstance(Key.get(new TypeLiteral<Map<String, StepType<?>>>() {}));
    assertThat(steps).containsOnlyKeys("data/check", "data/ingest", "data/profile", "data/resample", "data/sql", "data/split");
  }

  StepOutcome written() throws Exception {
    Files.writeString(dir.resolve("d.csv"), "id,x,city,label\na1,1.5,Oslo,yes\na2,,Rome,no\na3,-2,Oslo,no\n");
    return StepHarness.of(new IngestStep(), dir.resolve("w")).projectDir(dir).run("data: d.csv\ntarget: label\nid: id").assertSucceeded();
  }

  @Test
  void aDatasetIsReadByDuckDbsOwnReaderFromAFreshConnection() throws Exception {
    Path f = written().open("data");
    List<String> rows = new ArrayList<>();
    Map<String, String> meta = new TreeMap<>();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
      try (ResultSet r = s.executeQuery("SELECT id, x, city, label FROM read_parquet('" + f + "')")) {
        while (r.next()) rows.add(r.getString(1) + "|" + r.getObject(2) + "|" + r.getString(3) + "|" + r.getString(4));
      }
      try (ResultSet r = s.executeQuery("SELECT decode(key), decode(value) FROM parquet_kv_metadata('" + f + "')")) {
        while (r.next()) meta.put(r.getString(1), r.getString(2));
      }
    }
    assertThat(rows).containsExactly("a1|1.5|Oslo|yes", "a2|null|Rome|no", "a3|-2.0|Oslo|no");
    assertThat(meta).containsEntry("kiln.version", "1").containsEntry("kiln.split", "all")
        .containsEntry("kiln.roles", "{\"target\":\"label\",\"id\":\"id\",\"weight\":null,\"text\":[],\"time\":null}");
  }

  @Test
  void aDatasetIsReadByPyarrowWhenInfraVenvHasIt() throws Exception {
    // KILN_PYARROW_PYTHON names another interpreter with pyarrow (e.g. a scratch venv)
    String given = System.getenv("KILN_PYARROW_PYTHON");
    Path python = (given != null ? Path.of(given) : Path.of("../../infra/.venv/bin/python")).toAbsolutePath().normalize();
    Assumptions.assumeTrue(Files.isExecutable(python), "no infra/.venv");
    Assumptions.assumeTrue(new ProcessBuilder(python.toString(), "-c", "import pyarrow").start().waitFor() == 0, "pyarrow is not installed in infra/.venv");
    Path f = written().open("data");
    Process p = new ProcessBuilder(python.toString(), "-c", """
        import sys, pyarrow.parquet as pq
        t = pq.read_table(sys.argv[1])
        print(t.to_pylist())
        print(t.schema.metadata[b'kiln.roles'].decode())
        """, f.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isZero();
    assertThat(out).isEqualTo("[{'id': 'a1', 'x': 1.5, 'city': 'Oslo', 'label': 'yes'}, {'id': 'a2', 'x': None, 'city': 'Rome', 'label': 'no'}, {'id': 'a3', 'x': -2.0, 'city': 'Oslo', 'label': 'no'}]\n"
        + "{\"target\":\"label\",\"id\":\"id\",\"weight\":null,\"text\":[],\"time\":null}\n");
  }
}
