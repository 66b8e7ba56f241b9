package dev.kiln.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.api.InvalidInput;
import dev.kiln.testkit.ParamProblem;
import dev.kiln.testkit.StepHarness;
import dev.kiln.testkit.StepOutcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad expectations are reported as kiln validate reports them; bad data as bad input (exit 2). */
class CheckParamsTest {
  @TempDir Path dir;

  private List<String> problems(String expect) {
    return StepHarness.of(new CheckStep(), dir).check("data: x.csv\nexpect:\n" + expect).stream().map(ParamProblem::format).toList();
  }

  @Test
  void anUnknownKindIsReportedAtItsKeyWithTheKinds() {
    assertThat(problems("  - not-nul: age")).containsExactly(
        "with.yaml:3:5: error[E120]: steps.step.with.expect[0].not-nul: unknown parameter \"not-nul\"\n  hint: did you mean \"not-null\"? valid parameters: column, distribution, in-range, in-set, matches, name, not-null, row-count, severity, unique",
        "with.yaml:3:5: error[E123]: steps.step.with.expect[0]: an expectation needs one of not-null, unique, in-range, in-set, matches, row-count, column, distribution, found none");
  }

  @Test
  void oneCheckPerItem() {
    assertThat(problems("  - {not-null: age, unique: {columns: [id]}}")).containsExactly(
        "with.yaml:3:21: error[E123]: steps.step.with.expect[0].unique: an expectation holds one check, found not-null and unique\n  hint: write each check as its own item of expect:");
  }

  @Test
  void wrongValuesAreReportedAtTheValue() {
    assertThat(problems("  - {severity: fatal, not-null: age}")).containsExactly(
        "with.yaml:3:16: error[E122]: steps.step.with.expect[0].severity: expected one of error, warn; found \"fatal\"\n  hint: valid values: error, warn");
    assertThat(problems("  - in-range: {column: age, min: old}")).containsExactly(
        "with.yaml:3:34: error[E122]: steps.step.with.expect[0].in-range.min: expected number, found string \"old\"");
    assertThat(problems("  - in-range: {column: age, min: 5, max: 1}")).containsExactly(
        "with.yaml:3:42: error[E123]: steps.step.with.expect[0].in-range.max: max must be at least min (5), found 1");
    assertThat(problems("  - in-range: {column: age, mni: 3}")).containsExactly(
        "with.yaml:3:15: error[E123]: steps.step.with.expect[0].in-range: in-range needs min, max or both, found neither",
        "with.yaml:3:29: error[E120]: steps.step.with.expect[0].in-range.mni: unknown parameter \"mni\"\n  hint: did you mean \"max\"? valid parameters: column, max, min");
    assertThat(problems("  - row-count: {min: 9, max: 3}")).containsExactly(
        "with.yaml:3:30: error[E123]: steps.step.with.expect[0].row-count.max: max must be at least min (9), found 3");
    assertThat(problems("  - matches: {column: age, regex: '[a-'}")).containsExactly(
        "with.yaml:3:35: error[E123]: steps.step.with.expect[0].matches.regex: bad regular expression: Illegal character range near index 3\n  hint: RE2 syntax, e.g. [A-Z][a-z]+ or \\d{3}-\\d{4}");
    assertThat(problems("  - column: {name: age, type: text}")).containsExactly(
        "with.yaml:3:31: error[E122]: steps.step.with.expect[0].column.type: expected one of integer, float, number, string, boolean, date, timestamp; found \"text\"\n  hint: valid values: boolean, date, float, integer, number, string, timestamp");
    assertThat(problems("  - in-set: {column: age, values: [[1]]}")).containsExactly(
        "with.yaml:3:35: error[E123]: steps.step.with.expect[0].in-set.values: values[0] must be a string, number or boolean, found a list");
  }

  @Test
  void distributionNeedsAReferenceAndABound() {
    assertThat(problems("  - distribution: {column: age, max-psi: 0.2}")).containsExactly(
        "with.yaml:1:1: error[E123]: steps.step.with: expect[0] distribution(age) needs reference: the dataset to compare with");
    assertThat(StepHarness.of(new CheckStep(), dir).check("data: x.csv\nreference: y.csv\nexpect:\n  - distribution: {column: age}").stream().map(ParamProblem::format)).containsExactly(
        "with.yaml:4:19: error[E123]: steps.step.with.expect[0].distribution: distribution needs max-psi, max-ks or both, found neither");
  }

  @Test
  void twoExpectationsCannotShareAName() {
    assertThat(problems("  - not-null: age\n  - not-null: age")).containsExactly(
        "with.yaml:3:3: error[E123]: steps.step.with.expect: two expectations are called not-null(age)\n  hint: give one of them a name:");
    assertThat(problems("  - not-null: age\n  - {not-null: age, name: again}")).isEmpty();
  }

  private String badInput(String data, String with) throws Exception {
    Files.writeString(dir.resolve("d.csv"), data);
    StepOutcome out = StepHarness.of(new CheckStep(), dir.resolve("work")).projectDir(dir).run("data: d.csv\n" + with);
    assertThat(out.failure()).isInstanceOf(InvalidInput.class);
    return out.failure().getMessage();
  }

  @Test
  void anUnknownColumnIsBadInputNamingTheExpectationAndTheColumns() throws Exception {
    assertThat(badInput("id,age\n1,3\n", "expect:\n  - not-null: id\n  - in-range: {column: agee, min: 0}")).isEqualTo(
        "data/check: expect[1] in-range(agee): no column agee in d.csv (did you mean age?); its columns: id, age");
    assertThat(badInput("id,age\n1,3\n", "expect:\n  - unique: {columns: [id, name]}")).isEqualTo(
        "data/check: expect[0] unique(id, name): no column name in d.csv; its columns: id, age");
  }

  @Test
  void aCheckOfTheWrongTypeOfColumnIsBadInput() throws Exception {
    assertThat(badInput("id,name\n1,Ann\n", "expect:\n  - in-range: {column: name, min: 0}")).isEqualTo(
        "data/check: expect[0] in-range(name): column name is VARCHAR, not numeric; in-range compares numbers");
    Files.writeString(dir.resolve("r.csv"), "id,name\n1,Bob\n");
    assertThat(badInput("id,name\n1,Ann\n", "reference: r.csv\nexpect:\n  - distribution: {column: name, max-ks: 0.1}")).isEqualTo(
        "data/check: expect[0] distribution(name): max-ks needs a numeric column; name is VARCHAR in d.csv (use max-psi for categories)");
    assertThat(badInput("id,name\n1,Ann\n", "expect:\n  - in-set: {column: id, values: [one, two]}")).isEqualTo(
        "data/check: expect[0] in-set(id): column id is BIGINT, so values must be numbers, found one");
  }

  @Test
  void anUnreadableFileIsBadInput() throws Exception {
    assertThat(badInput("", "expect:\n  - not-null: id")).isEqualTo("data/check: cannot read d.csv: the file is empty");
    assertThat(badInput("a,b\n1,2\n3\n", "expect:\n  - not-null: a")).isEqualTo(
        "data/check: cannot read d.csv: DuckDB could not detect its CSV dialect (expected a header row, commas between fields, double quotes, the same number of fields on every row)");
    StringBuilder big = new StringBuilder("a,b\n");
    for (int i = 0; i < 30000; i++) big.append(i).append(',').append(i).append('\n');
    big.append("7\n");
    assertThat(badInput(big.toString(), "expect:\n  - not-null: a")).isEqualTo("data/check: d.csv:30002: expected 2 fields, found 1");
  }
}
