package dev.kiln.data;

import dev.kiln.dataset.Datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.kiln.api.InvalidInput;
import dev.kiln.testkit.ParamProblem;
import dev.kiln.testkit.StepHarness;
import dev.kiln.testkit.StepOutcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResampleStepTest {
  @TempDir static Path dir;
  static int runs;

  /** 100 rows, 80 no and 20 yes; x and y numeric, color categorical, note text. */
  @BeforeAll
  static void ingest() throws Exception {
    StringBuilder csv = new StringBuilder("id,x,y,color,note,label\n");
    for (int i = 0; i < 100; i++) {
      boolean yes = i % 5 == 0;
      csv.append(i).append(',').append((i * 37) % 101 / 10.0 + (yes ? 5 : 0)).append(',').append((i * 53) % 97 / 7.0).append(',').append(List.of("red", "green", "blue").get(i % 3))
          .append(",note ").append(i).append(',').append(yes ? "yes" : "no").append('\n');
    }
    Files.writeString(dir.resolve("t.csv"), csv);
    ingest("t.csv", "target: label\nid: id\ncolumns: {note: text}", "t.parquet");
    // a 2-D toy set: the nearest minority neighbour of A(0,0) is B(1,0) and of C(10,10) D(10,12)
    Files.writeString(dir.resolve("toy.csv"), "id,x,y,color,note,label\n"
        + "A,0,0,red,a,yes\nB,1,0,blue,b,yes\nC,10,10,green,c,yes\nD,10,12,white,d,yes\n"
        + "m1,4,4,red,m,no\nm2,5,4,red,m,no\nm3,6,4,red,m,no\nm4,4,5,red,m,no\nm5,5,5,red,m,no\nm6,6,5,red,m,no\nm7,4,6,red,m,no\nm8,5,6,red,m,no\n");
    ingest("toy.csv", "target: label\nid: id\ncolumns: {note: text}", "toy.parquet");
  }

  static void ingest(String csv, String with, String to) throws Exception {
    StepOutcome out = StepHarness.of(new IngestStep(), dir.resolve("in-" + to)).projectDir(dir).run("data: " + csv + "\n" + with).assertSucceeded();
    Files.copy(out.open("data"), dir.resolve(to));
  }

  static StepOutcome resample(String with) {
    return StepHarness.of(new ResampleStep(), dir.resolve("w" + runs++)).projectDir(dir).run(with);
  }

  static List<Map<String, Object>> rows(Path parquet, String sql) throws Exception {
    List<Map<String, Object>> out = new ArrayList<>();
    try (Connection c = Datasets.connect(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql.replace("$f", "read_parquet('" + parquet + "')"))) {
      while (r.next()) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 1; i <= r.getMetaData().getColumnCount(); i++) row.put(r.getMetaData().getColumnName(i), r.getObject(i));
        out.add(row);
      }
    }
    return out;
  }

  static Map<String, Object> counts(Path parquet) throws Exception {
    Map<String, Object> out = new LinkedHashMap<>();
    for (var r : rows(parquet, "SELECT label, count(*) AS n FROM $f GROUP BY label ORDER BY label")) out.put((String) r.get("label"), r.get("n"));
    return out;
  }

  @Test
  void everyMethodGivesTheClassCountsItReports() throws Exception {
    StepOutcome smote = resample("data: t.parquet\nseed: 1").assertSucceeded();
    assertThat(smote.value("before")).isEqualTo(Map.of("no", 80L, "yes", 20L));
    assertThat(smote.value("after")).isEqualTo(Map.of("no", 80L, "yes", 80L));
    assertThat(counts(smote.open("data"))).isEqualTo(Map.of("no", 80L, "yes", 80L));
    assertThat(List.of(smote.value("rows"), smote.value("synthetic"), smote.value("removed"))).containsExactly(160L, 60L, 0L);

    StepOutcome over = resample("data: t.parquet\nmethod: over\nratio: 0.5\nseed: 1").assertSucceeded();
    assertThat(counts(over.open("data"))).isEqualTo(Map.of("no", 80L, "yes", 40L)).isEqualTo(over.value("after"));
    assertThat(List.of(over.value("rows"), over.value("synthetic"), over.value("removed"))).containsExactly(120L, 20L, 0L);
    // a copy is one of the class's rows with a new id
    for (var r : rows(over.open("data"), "SELECT * FROM $f WHERE id LIKE 'over-%'")) {
      assertThat(rows(over.open("data"), "SELECT * FROM $f WHERE note = '" + r.get("note") + "' AND id NOT LIKE 'over-%' AND x = " + r.get("x") + " AND y = " + r.get("y") + " AND label = 'yes'")).hasSize(1);
    }

    StepOutcome under = resample("data: t.parquet\nmethod: under\nseed: 1").assertSucceeded();
    assertThat(counts(under.open("data"))).isEqualTo(Map.of("no", 20L, "yes", 20L)).isEqualTo(under.value("after"));
    assertThat(List.of(under.value("rows"), under.value("synthetic"), under.value("removed"))).containsExactly(40L, 0L, 60L);
    List<Long> ids = rows(under.open("data"), "SELECT id FROM $f").stream().map(r -> Long.parseLong((String) r.get("id"))).toList();
    assertThat(ids).isSorted().doesNotHaveDuplicates();

    assertThat(counts(resample("data: t.parquet\nmethod: under\nratio: 0.5\nseed: 1").assertSucceeded().open("data"))).isEqualTo(Map.of("no", 40L, "yes", 20L));
  }

  @Test
  void withSeveralClassesEverySmallerClassGrowsAndEveryLargerOneShrinks() throws Exception {
    StringBuilder csv = new StringBuilder("x,y,label\n");
    for (int i = 0; i < 45; i++) csv.append(i % 7).append(',').append(i * 0.3).append(',').append(i < 30 ? "a" : i < 40 ? "b" : "c").append('\n');
    Files.writeString(dir.resolve("abc.csv"), csv);
    ingest("abc.csv", "target: label", "abc.parquet");
    StepOutcome smote = resample("data: abc.parquet\nratio: 0.5\nk: 3\nseed: 2").assertSucceeded();
    assertThat(counts(smote.open("data"))).isEqualTo(Map.of("a", 30L, "b", 15L, "c", 15L)).isEqualTo(smote.value("after"));
    assertThat(smote.value("synthetic")).isEqualTo(15L);
    // the synthetic rows follow the originals, class by class
    assertThat(rows(smote.open("data"), "SELECT label FROM $f OFFSET 45")).extracting(r -> r.get("label")).containsExactlyElementsOf(concat(5, "b", 10, "c"));
    assertThat(counts(resample("data: abc.parquet\nmethod: over\nseed: 2").assertSucceeded().open("data"))).isEqualTo(Map.of("a", 30L, "b", 30L, "c", 30L));
    assertThat(counts(resample("data: abc.parquet\nmethod: under\nseed: 2").assertSucceeded().open("data"))).isEqualTo(Map.of("a", 5L, "b", 5L, "c", 5L));
    assertThat(counts(resample("data: abc.parquet\nmethod: under\nratio: 0.25\nseed: 2").assertSucceeded().open("data"))).isEqualTo(Map.of("a", 20L, "b", 10L, "c", 5L));
  }

  static List<Object> concat(int n, String a, int m, String b) {
    List<Object> out = new ArrayList<>(java.util.Collections.nCopies(n, a));
    out.addAll(java.util.Collections.nCopies(m, b));
    return out;
  }

  @Test
  void smoteRowsLieOnTheSegmentToANearestNeighbourAndTakeItsCategory() throws Exception {
    StepOutcome out = resample("data: toy.parquet\nk: 1\nseed: 3").assertSucceeded();
    Path f = out.open("data");
    Map<String, double[]> at = Map.of("a", new double[] {0, 0}, "b", new double[] {1, 0}, "c", new double[] {10, 10}, "d", new double[] {10, 12});
    Map<String, String> nearest = Map.of("a", "b", "b", "a", "c", "d", "d", "c");
    Map<String, String> color = Map.of("a", "red", "b", "blue", "c", "green", "d", "white");
    List<Map<String, Object>> made = rows(f, "SELECT * FROM $f WHERE id LIKE 'smote-%'");
    assertThat(made).hasSize(4);
    assertThat(made).extracting(r -> r.get("id")).containsExactly("smote-1", "smote-2", "smote-3", "smote-4");
    Map<String, Integer> bases = new HashMap<>();
    for (var r : made) {
      String base = (String) r.get("note");
      double[] p = at.get(base);
      double[] q = at.get(nearest.get(base));
      double x = (Double) r.get("x");
      double y = (Double) r.get("y");
      // (x, y) = p + t (q - p) for one t in [0, 1)
      double t = p[0] != q[0] ? (x - p[0]) / (q[0] - p[0]) : (y - p[1]) / (q[1] - p[1]);
      assertThat(t).as("gap of %s", r).isBetween(0.0, 1.0);
      assertThat(x).isCloseTo(p[0] + t * (q[0] - p[0]), within(1e-9));
      assertThat(y).isCloseTo(p[1] + t * (q[1] - p[1]), within(1e-9));
      assertThat(r.get("color")).isEqualTo(color.get(nearest.get(base)));
      assertThat(r.get("label")).isEqualTo("yes");
      bases.merge(base, 1, Integer::sum);
    }
    assertThat(rows(f, "SELECT id FROM $f LIMIT 12")).extracting(r -> r.get("id")).containsExactly("A", "B", "C", "D", "m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8");
  }

  @Test
  void categoriesTakeTheValueMostNeighboursShareATieGoingToTheNearest() {
    String[][] cat = {{"x"}, {"a"}, {"b"}, {"b"}, {"a"}, {null}};
    assertThat(ResampleStep.vote(cat, new int[] {1, 2, 3}, 0)).isEqualTo(2);
    assertThat(ResampleStep.vote(cat, new int[] {4, 2, 1, 3}, 0)).isEqualTo(4);
    assertThat(ResampleStep.vote(cat, new int[] {5, 2}, 0)).isEqualTo(5);
    double[][] x = {{0, 0}, {3, 0}, {1, 0}, {0, 2}, {1, 0}};
    assertThat(ResampleStep.neighbours(x, 0, 3)).containsExactly(2, 4, 3);
    assertThat(ResampleStep.neighbours(x, 2, 4)).containsExactly(4, 0, 1, 3);
  }

  @Test
  void theSameInputAndSeedGiveTheSameBytes() throws Exception {
    for (String method : List.of("smote", "over", "under")) {
      String a = resample("data: t.parquet\nmethod: " + method + "\nratio: 0.7\nseed: 9").assertSucceeded().artifact("data").sha256();
      String b = resample("data: t.parquet\nmethod: " + method + "\nratio: 0.7\nseed: 9").assertSucceeded().artifact("data").sha256();
      String other = resample("data: t.parquet\nmethod: " + method + "\nratio: 0.7\nseed: 10").assertSucceeded().artifact("data").sha256();
      assertThat(b).as(method).isEqualTo(a);
      assertThat(other).as(method).isNotEqualTo(a);
    }
  }

  @Test
  void theOutputIsATrainingSplitWithTheRolesAndTheMethod() throws Exception {
    Path f = resample("data: t.parquet\nseed: 1").assertSucceeded().open("data");
    try (Connection c = Datasets.connect()) {
      Datasets.Meta meta = Datasets.meta(c, f);
      assertThat(meta.split()).isEqualTo("train");
      assertThat(meta.roles()).isEqualTo(new Datasets.Roles("label", "id", null, List.of("note"), null));
    }
    assertThat(rows(f, "SELECT decode(value) AS v FROM parquet_kv_metadata('" + f + "') WHERE decode(key) = 'kiln.resampled'")).extracting(r -> r.get("v")).containsExactly("smote");
    assertThat(rows(f, "SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM $f)")).extracting(r -> r.get("column_name") + " " + r.get("column_type"))
        .containsExactly("id VARCHAR", "x DOUBLE", "y DOUBLE", "color VARCHAR", "note VARCHAR", "label VARCHAR");
  }

  @Test
  void aValidationOrTestSplitIsRefused() throws Exception {
    StepOutcome split = StepHarness.of(new SplitStep(), dir.resolve("split")).projectDir(dir).run("data: t.parquet\nvalid: 0.2\ntest: 0.2\nseed: 1").assertSucceeded();
    Files.copy(split.open("test"), dir.resolve("test.parquet"));
    Files.copy(split.open("valid"), dir.resolve("valid.parquet"));
    Files.copy(split.open("train"), dir.resolve("train.parquet"));
    for (String s : List.of("test", "valid")) {
      StepOutcome out = resample("data: " + s + ".parquet");
      assertThat(out.failure()).isInstanceOf(InvalidInput.class);
      assertThat(out.failure().getMessage()).isEqualTo(s + ".parquet: is the " + s + " split (kiln.split = " + s + "); resampling must only touch the training split"
          + "\n  hint: resample the train output of data/split, e.g. data: ${{ steps.split.outputs.train }}");
    }
    assertThat(resample("data: train.parquet").assertSucceeded().value("after")).isEqualTo(Map.of("no", 48L, "yes", 48L));
  }

  @Test
  void kMustBeBelowTheRowsOfEachClassSmoteGrows() {
    StepOutcome out = resample("data: toy.parquet");
    assertThat(out.failure()).isInstanceOf(InvalidInput.class);
    assertThat(out.failure().getMessage()).isEqualTo("toy.parquet: SMOTE with k: 5 needs more than 5 rows in each class it grows, and class \"yes\" has 4"
        + "\n  hint: lower k: below the class's row count, or use method: over");
    assertThat(resample("data: toy.parquet\nk: 3").assertSucceeded().value("synthetic")).isEqualTo(4L);
    assertThat(resample("data: toy.parquet\nmethod: over").assertSucceeded().value("synthetic")).isEqualTo(4L);
  }

  @Test
  void badInputIsNamed() throws Exception {
    Files.writeString(dir.resolve("cats.csv"), "color,label\nred,yes\nblue,no\nred,no\nblue,no\nred,yes\nred,no\n");
    ingest("cats.csv", "target: label", "cats.parquet");
    ingest("t.csv", "id: id", "untargeted.parquet");
    Files.writeString(dir.resolve("gaps.csv"), "x,label\n1,yes\n2,\n3,no\n");
    ingest("gaps.csv", "", "gaps.parquet");
    Map<String, String> cases = new LinkedHashMap<>();
    cases.put("data: t.csv", null);
    cases.put("data: untargeted.parquet", "untargeted.parquet: resampling needs the class column, and the dataset has no target\n  hint: set target: here, or in data/ingest");
    cases.put("data: t.parquet\ntarget: lable", "t.parquet: the target \"lable\" is not in the dataset\n  hint: did you mean \"label\"? columns: id, x, y, color, note, label");
    cases.put("data: gaps.parquet\ntarget: label", "gaps.parquet: the target \"label\" is missing in 1 row\n  hint: drop them first (data/ingest drop-missing-target: true, or data/sql)");
    cases.put("data: cats.parquet\nk: 1", "cats.parquet: SMOTE interpolates numeric columns, and the dataset has none besides the target, id and weight\n  hint: use method: over");
    for (var e : cases.entrySet()) {
      StepOutcome out = resample(e.getKey());
      assertThat(out.failure()).as(e.getKey()).isInstanceOf(InvalidInput.class);
      if (e.getValue() != null) assertThat(out.failure().getMessage()).isEqualTo(e.getValue());
      else assertThat(out.failure().getMessage()).startsWith("t.csv: is not a Parquet dataset (").endsWith(")\n  hint: read it with data/ingest first and resample the train output of data/split");
    }
  }

  @Test
  void paramsAreCheckedAsKilnValidateWould() {
    assertThat(StepHarness.of(new ResampleStep(), dir).check("data: t.parquet\nmethod: adasyn")).extracting(ParamProblem::format)
        .containsExactly("with.yaml:2:9: error[E123]: steps.step.with.method: unknown resampling method \"adasyn\"\n  hint: valid: smote, over, under");
  }
}
