package dev.kiln.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.api.InvalidInput;
import dev.kiln.api.StepFailure;
import dev.kiln.testkit.ParamProblem;
import dev.kiln.testkit.StepHarness;
import dev.kiln.testkit.StepOutcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckStepTest {
  @TempDir Path dir;
  StepHarness<CheckStep.Params> harness;

  @BeforeEach
  void data() throws Exception {
    Files.writeString(dir.resolve("people.csv"), """
        id,name,age,city,score
        1,Ann,34,Oslo,0.5
        2,bob,,Rome,0.7
        3,Cid,41,Oslo,1.2
        3,Dan,17,Paris,0.1
        5,Eve,,Lima,0.9
        6,Fay,29,Rome,-0.3
        """);
    Files.writeString(dir.resolve("ref.csv"), "x,city\n1,Oslo\n2,Rome\n3,Oslo\n4,Rome\n5,\n6,\n7,\n8,\n9,\n10,\n");
    Files.writeString(dir.resolve("cur.csv"), "x,city\n1,Oslo\n1,Rome\n2,Lima\n3,Lima\n10,\n");
    harness = StepHarness.of(new CheckStep(), dir.resolve("work")).projectDir(dir);
  }

  private String failure(String with) {
    StepOutcome out = harness.run(with);
    assertThat(out.status()).isEqualTo(StepOutcome.Status.FAILED);
    assertThat(out.failure()).isInstanceOf(StepFailure.class).isNotInstanceOf(InvalidInput.class);
    assertThat(((StepFailure) out.failure()).retryable()).isFalse();
    assertThat(out.logs()).anyMatch(l -> l.matches("report: kiln-artifact:sha256:[0-9a-f]{64}"));
    return out.failure().getMessage();
  }

  private String failsWith(String expectation) {
    return failure("data: people.csv\nexpect:\n  - " + expectation);
  }

  private void passes(String expectation) {
    StepOutcome out = harness.run("data: people.csv\nexpect:\n  - " + expectation).assertSucceeded();
    assertThat(out.value("passed")).isEqualTo(true);
  }

  @Test
  void notNullCountsNullsAndNamesTheFirstRows() {
    assertThat(failsWith("not-null: age")).isEqualTo("data/check: not-null(age) failed: 2 of 6 rows are null; e.g. rows 2, 5");
    passes("not-null: name");
  }

  @Test
  void uniqueCountsEveryRowOfARepeatedValueOrCombination() throws Exception {
    assertThat(failsWith("unique: {columns: [id]}")).isEqualTo("data/check: unique(id) failed: 2 of 6 rows repeat a value of id; e.g. rows 3 (3), 4 (3)");
    passes("unique: {columns: [id, city]}");
    passes("unique: {columns: [name]}");
    Files.writeString(dir.resolve("pairs.csv"), "a,b\n1,x\n1,y\n1,x\n2,x\n");
    assertThat(failure("data: pairs.csv\nexpect:\n  - unique: {columns: [a, b]}\n")).isEqualTo("data/check: unique(a, b) failed: 2 of 4 rows repeat a value of (a, b); e.g. rows 1 (1, x), 3 (1, x)");
  }

  @Test
  void inRangeIsInclusiveAndSkipsNulls() {
    assertThat(failsWith("in-range: {column: age, min: 18, max: 40}")).isEqualTo("data/check: in-range(age) failed: 2 of 6 rows are outside [18, 40]; e.g. rows 3 (41), 4 (17)");
    assertThat(failsWith("in-range: {column: score, min: 0}")).isEqualTo("data/check: in-range(score) failed: 1 of 6 rows are below 0; e.g. row 6 (-0.3)");
    assertThat(failsWith("in-range: {column: score, max: 1}")).isEqualTo("data/check: in-range(score) failed: 1 of 6 rows are above 1; e.g. row 3 (1.2)");
    passes("in-range: {column: age, min: 17, max: 41}");
  }

  @Test
  void inSetAndMatches() throws Exception {
    assertThat(failsWith("in-set: {column: city, values: [Oslo, Rome, Paris]}")).isEqualTo("data/check: in-set(city) failed: 1 of 6 rows are not in {Oslo, Rome, Paris}; e.g. row 5 (Lima)");
    passes("in-set: {column: city, values: [Oslo, Rome, Paris, Lima]}");
    passes("in-set: {column: id, values: [1, 2, 3, 5, 6]}");
    passes("in-set: {column: score, values: [0.5, 0.7, 1.2, 0.1, 0.9, -0.3]}");
    assertThat(failsWith("in-set: {column: id, values: [1, 2, 3.0]}")).isEqualTo("data/check: in-set(id) failed: 2 of 6 rows are not in {1, 2, 3}; e.g. rows 5 (5), 6 (6)");
    Files.writeString(dir.resolve("flags.csv"), "flag,n\nyes,1\nno,2\nmaybe,3\ntrue,4\n");
    assertThat(failure("data: flags.csv\nexpect:\n  - in-set: {column: flag, values: [\"yes\", \"no\", true]}\n")).isEqualTo("data/check: in-set(flag) failed: 1 of 4 rows are not in {yes, no, true}; e.g. row 3 (maybe)");
    assertThat(failsWith("matches: {column: name, regex: '[A-Z][a-z]+'}")).isEqualTo("data/check: matches(name) failed: 1 of 6 rows do not match [A-Z][a-z]+; e.g. row 2 (bob)");
    passes("matches: {column: name, regex: '[A-Za-z]+'}");
  }

  @Test
  void rowCountAndColumnChecksJudgeTheWholeTable() {
    assertThat(failsWith("row-count: {min: 10}")).isEqualTo("data/check: row-count failed: 6 rows, expected at least 10");
    assertThat(failsWith("row-count: {min: 1, max: 5}")).isEqualTo("data/check: row-count failed: 6 rows, expected between 1 and 5");
    passes("row-count: {min: 6, max: 6}");
    assertThat(failsWith("column: {name: age, type: string}")).isEqualTo("data/check: column(age) failed: age is BIGINT, expected string");
    assertThat(failsWith("column: {name: agee}")).isEqualTo("data/check: column(agee) failed: no column agee in people.csv (did you mean age?); its columns: id, name, age, city, score");
    passes("column: {name: age, type: integer}");
    passes("column: {name: score, type: float}");
    passes("column: {name: score, type: number}");
    passes("column: {name: city, type: string}");
  }

  @Test
  void aGivenNameLeadsTheMessageAndEveryErrorIsListed() {
    assertThat(failure("""
        data: people.csv
        expect:
          - {not-null: age, name: age-known}
          - in-set: {column: city, values: [Oslo]}
          - not-null: id
        """)).isEqualTo("""
        data/check: age-known (not-null(age)) failed: 2 of 6 rows are null; e.g. rows 2, 5
        data/check: in-set(city) failed: 4 of 6 rows are not in {Oslo}; e.g. rows 2 (Rome), 4 (Paris), 5 (Lima), 6 (Rome)""");
  }

  @Test
  void warningsAreLoggedAndReportedWithoutFailing() throws Exception {
    StepOutcome out = harness.run("""
        data: people.csv
        expect:
          - {not-null: age, severity: warn}
          - not-null: name
        """).assertSucceeded();
    assertThat(out.value("passed")).isEqualTo(true);
    assertThat(out.value("failed")).isEqualTo(List.of());
    assertThat(out.value("warnings")).isEqualTo(List.of("not-null(age)"));
    assertThat(out.logs()).contains("warning: not-null(age) failed: 2 of 6 rows are null; e.g. rows 2, 5", "6 rows: 1 of 2 expectations passed, 1 warned, 0 failed");
    String json = Files.readString(out.open("results"));
    assertThat(json).contains("\"status\" : \"warn\"", "\"failing\" : 2", "\"row\" : 5");
    String html = Files.readString(out.open("report"));
    assertThat(html).contains("<tr class=\"warn\"><td>not-null(age)</td><td>warn</td><td>warn</td><td>2</td><td>2 of 6 rows are null</td><td>row 2<br>row 5</td></tr>");
    // the same inputs give the same bytes
    StepOutcome again = harness.run("data: people.csv\nexpect:\n  - {not-null: age, severity: warn}\n  - not-null: name\n").assertSucceeded();
    assertThat(again.artifact("report")).isEqualTo(out.artifact("report"));
    assertThat(again.artifact("results")).isEqualTo(out.artifact("results"));
  }

  @Test
  void withFailOnErrorFalseTheStepSucceedsAndSaysWhatFailed() throws Exception {
    StepOutcome out = harness.run("""
        data: people.csv
        fail-on-error: false
        expect:
          - not-null: age
          - {unique: {columns: [id]}, severity: warn}
          - not-null: name
        """).assertSucceeded();
    assertThat(out.value("passed")).isEqualTo(false);
    assertThat(out.value("failed")).isEqualTo(List.of("not-null(age)"));
    assertThat(out.value("warnings")).isEqualTo(List.of("unique(id)"));
    assertThat(out.metrics()).containsEntry("failed", 1.0).containsEntry("warnings", 1.0);
    assertThat(out.logs()).contains("failed: not-null(age) failed: 2 of 6 rows are null; e.g. rows 2, 5");
    assertThat(Files.readString(out.open("results"))).startsWith("""
        {
          "data" : "people.csv",
          "rows" : 6,
          "passed" : false,
          "expectations" : [ {
            "name" : "not-null(age)",
            "kind" : "not-null",
            "columns" : [ "age" ],
            "severity" : "error",
            "status" : "fail",
            "failing" : 2,
            "detail" : "2 of 6 rows are null",
            "examples" : [ {
              "row" : 2,
              "values" : [ ]
            }, {
              "row" : 5,
              "values" : [ ]
            } ]
          }, {""");
    assertThat(Files.readString(out.open("report"))).contains("<p>6 rows; 1 passed, 1 warning, 1 failed</p>");
  }

  @Test
  void theReportAndResultsOfEveryKind() throws Exception {
    StepOutcome out = harness.run("""
        data: people.csv
        reference: people.csv
        fail-on-error: false
        expect:
          - not-null: age
          - {unique: {columns: [id]}, severity: warn}
          - in-range: {column: age, min: 18, max: 40}
          - in-set: {column: city, values: [Oslo, Rome, Paris]}
          - matches: {column: name, regex: '[A-Z][a-z]+'}
          - row-count: {min: 1, max: 100}
          - {column: {name: score, type: float}, name: score-is-a-number}
          - distribution: {column: score, max-psi: 0.1, max-ks: 0.1}
          - distribution: {column: city, max-psi: 0.1}
        """).assertSucceeded();
    dev.kiln.testkit.GoldenFile.at(Path.of("src/test/resources/golden/check-report.html")).assertMatches(Files.readString(out.open("report")));
    dev.kiln.testkit.GoldenFile.at(Path.of("src/test/resources/golden/check-results.json")).assertMatches(Files.readString(out.open("results")));
  }

  @Test
  void examplesAreTheFirstFiveRowsByRowNumberAndEscapedInTheReport() throws Exception {
    StringBuilder csv = new StringBuilder("v\n");
    for (int i = 1; i <= 20; i++) csv.append(i % 2 == 0 ? "<b>" + i : "ok").append('\n');
    Files.writeString(dir.resolve("tags.csv"), csv);
    StepOutcome out = harness.run("data: tags.csv\nexpect:\n  - {in-set: {column: v, values: [ok]}, severity: warn}\n").assertSucceeded();
    assertThat(out.logs()).contains("warning: in-set(v) failed: 10 of 20 rows are not in {ok}; e.g. rows 2 (<b>2), 4 (<b>4), 6 (<b>6), 8 (<b>8), 10 (<b>10)");
    assertThat(Files.readString(out.open("report"))).contains("row 2 (&lt;b&gt;2)<br>row 4").doesNotContain("<b>2");
  }

  @Test
  void readsParquetAsWellAsCsv() throws Exception {
    Path parquet = dir.resolve("people.parquet");
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
      s.execute("COPY (SELECT * FROM read_csv('" + dir.resolve("people.csv") + "', header = true)) TO '" + parquet + "' (FORMAT parquet)");
    }
    assertThat(failure("data: people.parquet\nexpect:\n  - not-null: age\n")).isEqualTo("data/check: not-null(age) failed: 2 of 6 rows are null; e.g. rows 2, 5");
  }

  @Test
  void readsATribuoIngestDatasetBelowItsSchemaLine() throws Exception {
    Files.writeString(dir.resolve("split.csv"), "#kiln-dataset {\"columns\":[]}\nid,age\n1,30\n2,\n");
    assertThat(failure("data: split.csv\nexpect:\n  - not-null: age\n")).isEqualTo("data/check: not-null(age) failed: 1 of 2 rows are null; e.g. row 2");
  }

  @Test
  void distributionOfNumbersByPsiOnReferenceDecilesAndKs() {
    // reference 1..10: deciles cut at 1..9, each bin holds 0.1; current [1, 1, 2, 3, 10] puts 0.4, 0.2, 0.2 in the
    // first three bins, 0.2 in the last and none (floored at 1e-4) in the six between
    double e = 1e-4;
    double psi = (0.4 - 0.1) * Math.log(4) + 3 * (0.2 - 0.1) * Math.log(2) + 6 * (e - 0.1) * Math.log(e / 0.1);
    assertThat(psi).isCloseTo(4.7643, org.assertj.core.data.Offset.offset(1e-4));
    // KS: at x = 3 the reference's CDF is 0.3, the current's 0.8
    assertThat(failure("data: cur.csv\nreference: ref.csv\nexpect:\n  - distribution: {column: x, max-psi: 0.2, max-ks: 0.1}\n"))
        .isEqualTo("data/check: distribution(x) failed: PSI 4.7643 > max-psi 0.2; KS 0.5 > max-ks 0.1 against ref.csv");
    StepOutcome out = harness.run("data: cur.csv\nreference: ref.csv\nexpect:\n  - {distribution: {column: x, max-psi: 5, max-ks: 0.5}}\n").assertSucceeded();
    assertThat(out.logs()).contains("5 rows: 1 of 1 expectations passed, 0 warned, 0 failed");
    assertThat(dev.kiln.data.check.Drift.psi(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, new double[] {1, 1, 2, 3, 10})).isCloseTo(psi, org.assertj.core.data.Offset.offset(1e-12));
  }

  @Test
  void distributionOfCategoriesByPsi() {
    // reference Oslo 0.5, Rome 0.5, Lima none (1e-4); current Oslo 0.25, Rome 0.25, Lima 0.5
    double psi = 2 * (0.25 - 0.5) * Math.log(0.25 / 0.5) + (0.5 - 1e-4) * Math.log(0.5 / 1e-4);
    assertThat(psi).isCloseTo(4.6043, org.assertj.core.data.Offset.offset(1e-4));
    assertThat(failure("data: cur.csv\nreference: ref.csv\nexpect:\n  - distribution: {column: city, max-psi: 0.25}\n"))
        .isEqualTo("data/check: distribution(city) failed: PSI 4.6043 > max-psi 0.25 against ref.csv");
  }

  @Test
  void theReadmeExampleOnTheShippedTitanicData() {
    StepOutcome out = StepHarness.of(new CheckStep(), dir.resolve("work")).projectDir(Path.of("../..").toAbsolutePath().normalize())
        .run("data: data/titanic.csv\nexpect:\n  - not-null: Age\n");
    assertThat(out.failure().getMessage()).isEqualTo("data/check: not-null(Age) failed: 557 of 1313 rows are null; e.g. rows 13, 14, 15, 30, 33");
  }
}
