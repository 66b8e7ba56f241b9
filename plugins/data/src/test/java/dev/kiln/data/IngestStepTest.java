package dev.kiln.data;

import dev.kiln.dataset.Datasets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.api.InvalidInput;
import dev.kiln.testkit.ParamProblem;
import dev.kiln.testkit.StepHarness;
import dev.kiln.testkit.StepOutcome;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IngestStepTest {
  @TempDir Path dir;

  StepOutcome ingest(String file, byte[] content, String with) throws Exception {
    Files.write(dir.resolve(file), content);
    return StepHarness.of(new IngestStep(), dir.resolve("work")).projectDir(dir).run("data: " + file + "\n" + with);
  }

  StepOutcome ingest(String file, String content, String with) throws Exception {
    return ingest(file, content.getBytes(StandardCharsets.UTF_8), with);
  }

  String failure(String file, String content, String with) throws Exception {
    return failure(file, content.getBytes(StandardCharsets.UTF_8), with);
  }

  String failure(String file, byte[] content, String with) throws Exception {
    StepOutcome out = ingest(file, content, with);
    assertThat(out.succeeded()).as("step should fail").isFalse();
    assertThat(out.failure()).isInstanceOf(InvalidInput.class);
    return out.failure().getMessage();
  }

  static List<List<Object>> rows(Path parquet) throws Exception {
    List<List<Object>> out = new ArrayList<>();
    try (Connection c = Datasets.connect(); Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT * FROM read_parquet('" + parquet + "')")) {
      int n = r.getMetaData().getColumnCount();
      while (r.next()) {
        List<Object> row = new ArrayList<>();
        for (int i = 1; i <= n; i++) row.add(r.getObject(i));
        out.add(row);
      }
    }
    return out;
  }

  @Test
  void readsACsvTypesColumnsAndRecordsRolesInTheParquetMetadata() throws Exception {
    StepOutcome out = ingest("people.csv", "\uFEFFid,age,city,bio,churn\n1,30,Oslo,likes tea,yes\n2,NA,Rome,\"says \"\"hi\"\", often\",no\n3,41.5,,quiet,yes\n",
        "target: churn\ncolumns: {id: id, bio: text}").assertSucceeded();
    assertThat(out.value("rows")).isEqualTo(3L);
    assertThat(out.value("columns")).isEqualTo(Map.of("id", "id", "age", "numeric", "city", "categorical", "bio", "text", "churn", "categorical"));
    assertThat(out.value("profile").toString()).isEqualTo("[{name=id, type=id, missing=0}, {name=age, type=numeric, missing=1}, {name=city, type=categorical, missing=1}, "
        + "{name=bio, type=text, missing=0}, {name=churn, type=categorical, missing=0}]");
    assertThat(out.artifact("data").mediaType()).isEqualTo("application/vnd.apache.parquet");
    Path data = out.open("data");
    assertThat(rows(data)).containsExactly(
        List.of("1", 30.0, "Oslo", "likes tea", "yes"),
        java.util.Arrays.asList("2", null, "Rome", "says \"hi\", often", "no"),
        java.util.Arrays.asList("3", 41.5, null, "quiet", "yes"));
    try (Connection c = Datasets.connect()) {
      var meta = Datasets.meta(c, data);
      assertThat(meta.roles()).isEqualTo(new Datasets.Roles("churn", "id", null, List.of("bio"), null));
      assertThat(meta.split()).isEqualTo("all");
    }
  }

  @Test
  void theSameInputGivesTheSameBytes() throws Exception {
    StringBuilder csv = new StringBuilder("id,x,y,label\n");
    for (int i = 0; i < 300_000; i++) csv.append(i).append(',').append(i * 0.25).append(",c").append(i % 13).append(',').append(i % 3 == 0 ? "yes" : "no").append('\n');
    Files.writeString(dir.resolve("big.csv"), csv);
    String a = StepHarness.of(new IngestStep(), dir.resolve("w1")).projectDir(dir).run("data: big.csv\ntarget: label").assertSucceeded().artifact("data").sha256();
    String b = StepHarness.of(new IngestStep(), dir.resolve("w2")).projectDir(dir).run("data: big.csv\ntarget: label").assertSucceeded().artifact("data").sha256();
    assertThat(a).isEqualTo(b);
    StepOutcome out = StepHarness.of(new IngestStep(), dir.resolve("w3")).projectDir(dir).run("data: big.csv\ntarget: label");
    List<List<Object>> rows = rows(out.open("data"));
    assertThat(rows).hasSize(300_000);
    assertThat(rows.get(123_456)).containsExactly(123456.0, 123456 * 0.25, "c" + 123456 % 13, "yes");
  }

  @Test
  void readsTsvJsonLinesAndParquet() throws Exception {
    assertThat(ingest("t.tsv", "a\tb\n1\tx\n2\ty\n", "").assertSucceeded().value("columns")).isEqualTo(Map.of("a", "numeric", "b", "categorical"));
    StepOutcome j = ingest("t.jsonl", "{\"a\": 1, \"b\": \"x\"}\n{\"a\": 2.5, \"b\": \"y\"}\n", "target: b").assertSucceeded();
    assertThat(j.value("columns")).isEqualTo(Map.of("a", "numeric", "b", "categorical"));
    Files.copy(j.open("data"), dir.resolve("t.parquet"));
    StepOutcome p = StepHarness.of(new IngestStep(), dir.resolve("w")).projectDir(dir).run("data: t.parquet").assertSucceeded();
    assertThat(rows(p.open("data"))).containsExactly(List.of(1.0, "x"), List.of(2.5, "y"));
  }

  @Test
  void delimiterQuoteHeaderMissingAndOverrides() throws Exception {
    StepOutcome out = ingest("semi.txt", "1;'a;b';-\n2;'c';7\n", "format: csv\ndelimiter: ';'\nquote: \"'\"\nheader: false\nmissing: ['-']\ncolumns: {column0: categorical, column2: ignore}").assertSucceeded();
    assertThat(rows(out.open("data"))).containsExactly(List.of("1", "a;b"), List.of("2", "c"));
    assertThat(ingest("m.csv", "a,y\n1,x\n,y\n3,z\n", "target: y\n").assertSucceeded().value("profile").toString()).contains("{name=a, type=numeric, missing=1}");
    StepOutcome dropped = ingest("d.csv", "a,y\n1,x\n2,NA\n3,z\n", "target: y\ndrop-missing-target: true").assertSucceeded();
    assertThat(dropped.value("rows")).isEqualTo(2L);
    assertThat(rows(dropped.open("data"))).containsExactly(List.of(1.0, "x"), List.of(3.0, "z"));
  }

  @Test
  void aWrongTypeInANumericColumn() throws Exception {
    assertThat(failure("w.csv", "a,b\n1,x\n2,y\nabc,z\n", "columns: {a: numeric}")).isEqualTo("w.csv:4:1: column \"a\" is numeric, found \"abc\"\n"
        + "  hint: declare it another type (columns: {a: categorical}) or list \"abc\" under missing:");
  }

  @Test
  void aWrongTypeAfterTheRowsTypesAreInferredFromIsReportedAtItsLine() throws Exception {
    StringBuilder csv = new StringBuilder("a,b\n");
    for (int i = 0; i < 30_000; i++) csv.append(i).append(",x\n");
    csv.append("oops,z\n");
    assertThat(failure("late.csv", csv.toString(), "")).isEqualTo("late.csv:30002:1: column \"a\" is numeric, found \"oops\"\n"
        + "  hint: declare it another type (columns: {a: categorical}) or list \"oops\" under missing:");
  }

  @Test
  void aRaggedRow() throws Exception {
    assertThat(failure("r.csv", "a,b,c\n1,2,3\n4,5\n", "")).isEqualTo("r.csv:3: ragged row: 2 fields, expected 3 (a, b, c)\n"
        + "  hint: check the delimiter (delimiter:) and that fields containing it are quoted");
    assertThat(failure("r2.csv", "a,b\n1,2\n4,5,6\n", "")).startsWith("r2.csv:3: ragged row: ");
  }

  @Test
  void anEmptyFileAndAHeaderWithoutRows() throws Exception {
    assertThat(failure("e.csv", "", "")).isEqualTo("e.csv: the file is empty\n  hint: a CSV needs a header line and at least one row");
    assertThat(failure("h.csv", "a,b\n", "")).isEqualTo("h.csv: has a header but no rows");
  }

  @Test
  void aMissingTargetColumnAndAMissingTargetValue() throws Exception {
    assertThat(failure("t.csv", "a,label\n1,x\n", "target: lable")).isEqualTo("t.csv: the target column \"lable\" is not in the file\n  hint: did you mean \"label\"? columns: a, label");
    assertThat(failure("t2.csv", "a,label\n1,x\n2,\n", "target: label")).isEqualTo("t2.csv:3:2: the target \"label\" is missing in this row\n"
        + "  hint: remove the row, or set drop-missing-target: true to skip such rows");
    assertThat(failure("t3.csv", "a,label\n1,x\n", "columns: {bogus: text}")).isEqualTo("t3.csv: columns: names \"bogus\", which is not a column of the file\n  hint: columns: a, label");
  }

  @Test
  void aNonFiniteNumber() throws Exception {
    assertThat(failure("n.csv", "a,b\n1,x\n1e400,y\n", "")).isEqualTo("n.csv:3:1: column \"a\" is numeric, found \"1e400\", which is not a finite number\n"
        + "  hint: numbers must be finite (at most about 1.8e308 in magnitude); if \"1e400\" marks an unknown value, list it under missing: (e.g. missing: ['', NA, '1e400'])");
    assertThat(failure("n2.csv", "a,b\n1,x\ninf,y\n", "")).startsWith("n2.csv:3:1: column \"a\" is numeric, found \"inf\", which is not a finite number");
  }

  @Test
  void aByteThatIsNotUtf8() throws Exception {
    byte[] latin1 = "a,b\n1,caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1);
    assertThat(failure("l.csv", latin1, "")).isEqualTo("l.csv:2:6: not UTF-8: invalid byte 0xE9\n"
        + "  hint: the file must be UTF-8; if it was saved as Latin-1 (ISO-8859-1), convert it: iconv -f latin1 -t utf-8 l.csv > l-utf8.csv");
  }

  @Test
  void paramsAreCheckedAsKilnValidateWould() {
    assertThat(StepHarness.of(new IngestStep(), dir).check("data: x.csv\nformat: xls")).extracting(ParamProblem::format)
        .containsExactly("with.yaml:2:9: error[E123]: steps.step.with.format: unknown format \"xls\"\n  hint: valid: csv, tsv, jsonl, parquet");
  }
}
