package dev.kiln.data;

import dev.kiln.dataset.Datasets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.api.InvalidInput;
import dev.kiln.testkit.StepHarness;
import dev.kiln.testkit.StepOutcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SplitStepTest {
  @TempDir static Path dir;
  static StepHarness<IngestStep.Params> ingest;

  @BeforeAll
  static void ingest() throws Exception {
    StringBuilder csv = new StringBuilder("id,day,customer,x,label\n");
    for (int i = 0; i < 200_000; i++) {
      csv.append(i).append(',').append(20_000 + (i * 7919L) % 1000).append(",c").append(i % 997).append(',').append(i * 0.5).append(',').append(i % 10 == 0 ? "yes" : "no").append('\n');
    }
    Files.writeString(dir.resolve("t.csv"), csv);
    ingest = StepHarness.of(new IngestStep(), dir.resolve("w0")).projectDir(dir);
    StepOutcome out = ingest.run("data: t.csv\ntarget: label\nid: id\ntime: day").assertSucceeded();
    Files.copy(out.open("data"), dir.resolve("t.parquet"));
  }

  static StepOutcome split(String with, int threads) {
    StepHarness<SplitStep.Params> h = StepHarness.of(new SplitStep(), dir.resolve("w" + threads + "-" + Integer.toHexString(with.hashCode()))).projectDir(dir);
    return h.run("{data: t.parquet, threads: " + threads + (with.contains("seed") ? "" : ", seed: 7") + ", " + with + "}");
  }

  static List<Object> column(Path parquet, String sql) throws Exception {
    List<Object> out = new java.util.ArrayList<>();
    try (Connection c = Datasets.connect(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql.replace("$f", "read_parquet('" + parquet + "')"))) {
      while (r.next()) out.add(r.getObject(1));
    }
    return out;
  }

  @Test
  void everyMethodGivesTheSameBytesWithOneOrTwoThreads() {
    for (String with : List.of("method: random, valid: 0.1", "method: stratified, test: 0.25", "method: time, valid: 0.1", "method: group, column: customer, folds: 5")) {
      StepOutcome one = split(with, 1).assertSucceeded();
      StepOutcome two = split(with, 2).assertSucceeded();
      for (String out : List.of("train", "valid", "test")) {
        assertThat(two.artifact(out).sha256()).as(with + " " + out).isEqualTo(one.artifact(out).sha256());
      }
    }
  }

  @Test
  void randomSplitsExactFractionsKeepsRowOrderRolesAndSetsTheSplit() throws Exception {
    StepOutcome out = split("method: random, valid: 0.1, test: 0.2", 2).assertSucceeded();
    assertThat(List.of(out.value("train-rows"), out.value("valid-rows"), out.value("test-rows"))).containsExactly(140_000L, 20_000L, 40_000L);
    List<Object> ids = column(out.open("train"), "SELECT id FROM $f");
    assertThat(ids).isSortedAccordingTo((a, b) -> Long.compare(Long.parseLong((String) a), Long.parseLong((String) b)));
    Set<Object> all = new HashSet<>(ids);
    all.addAll(column(out.open("valid"), "SELECT id FROM $f"));
    all.addAll(column(out.open("test"), "SELECT id FROM $f"));
    assertThat(all).hasSize(200_000);
    try (Connection c = Datasets.connect()) {
      var meta = Datasets.meta(c, out.open("test"));
      assertThat(meta.split()).isEqualTo("test");
      assertThat(meta.roles()).isEqualTo(new Datasets.Roles("label", "id", null, List.of(), "day"));
    }
    assertThat(split("method: random, valid: 0.1, test: 0.2, seed: 8", 2).assertSucceeded().artifact("test").sha256()).isNotEqualTo(out.artifact("test").sha256());
  }

  @Test
  void stratifiedKeepsTheClassBalance() throws Exception {
    StepOutcome out = split("test: 0.2", 2).assertSucceeded();
    assertThat(column(out.open("test"), "SELECT count(*) FILTER (label = 'yes') FROM $f")).containsExactly(4_000L);
    assertThat(column(out.open("train"), "SELECT count(*) FILTER (label = 'yes') FROM $f")).containsExactly(16_000L);
  }

  @Test
  void timePutsTheLatestRowsInTest() throws Exception {
    StepOutcome out = split("method: time, test: 0.2", 2).assertSucceeded();
    Object trainMax = column(out.open("train"), "SELECT max(day) FROM $f").get(0);
    Object testMin = column(out.open("test"), "SELECT min(day) FROM $f").get(0);
    assertThat(((Number) trainMax).doubleValue()).isLessThanOrEqualTo(((Number) testMin).doubleValue());
  }

  @Test
  void aGroupNeverSpansTwoSplitsAndFoldsNumberTheTrainingRows() throws Exception {
    StepOutcome out = split("method: group, column: customer, valid: 0.1, test: 0.2, folds: 4", 2).assertSucceeded();
    Set<Object> train = new HashSet<>(column(out.open("train"), "SELECT DISTINCT customer FROM $f"));
    Set<Object> valid = new HashSet<>(column(out.open("valid"), "SELECT DISTINCT customer FROM $f"));
    Set<Object> test = new HashSet<>(column(out.open("test"), "SELECT DISTINCT customer FROM $f"));
    assertThat(train).doesNotContainAnyElementsOf(test).doesNotContainAnyElementsOf(valid);
    assertThat(valid).doesNotContainAnyElementsOf(test);
    assertThat(train.size() + valid.size() + test.size()).isEqualTo(997);
    assertThat(((Number) out.value("test-rows")).longValue()).isBetween(40_000L, 40_300L);
    List<Object> folds = column(out.open("folds"), "SELECT fold FROM $f");
    assertThat(folds).hasSize(((Number) out.value("train-rows")).intValue());
    assertThat(new HashSet<>(folds)).containsExactlyInAnyOrder(0, 1, 2, 3);
  }

  @Test
  void aFileThatIsNotParquet() throws Exception {
    StepOutcome out = StepHarness.of(new SplitStep(), dir.resolve("wc")).projectDir(dir).run("data: t.csv");
    assertThat(out.failure()).isInstanceOf(InvalidInput.class);
    assertThat(out.failure().getMessage()).startsWith("t.csv: is not a Parquet dataset (").endsWith(")\n  hint: read it with data/ingest first and split its data output");
  }

  @Test
  void aStratifiedSplitOfADatasetWithoutTarget() throws Exception {
    Files.copy(ingest.run("data: t.csv").assertSucceeded().open("data"), dir.resolve("n.parquet"));
    StepOutcome out = StepHarness.of(new SplitStep(), dir.resolve("wn")).projectDir(dir).run("data: n.parquet\nmethod: stratified");
    assertThat(out.failure()).isInstanceOf(InvalidInput.class);
    assertThat(out.failure().getMessage()).isEqualTo("n.parquet: a stratified split needs a target, and the dataset has none\n  hint: set target: in data/ingest, or use method: random");
  }
}
