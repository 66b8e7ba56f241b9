package dev.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A failed error expectation of data/check fails the run with exit code 1 and nothing downstream
 * runs; a column the data lacks is bad input (exit 2); a wrong expectation is a kiln validate error.
 */
class DataCheckTest {
  @TempDir Path dir;
  Cli cli;

  static final String PIPELINE = """
      name: checked
      steps:
        check:
          uses: data/check
          with:
            data: data.csv
            expect:
              - %s
        after:
          uses: kiln/values
          needs: [check]
          with:
            values: {ok: true}
      """;

  @BeforeEach
  void setUp() throws Exception {
    cli = Cli.in(dir);
    Files.writeString(dir.resolve("data.csv"), "id,age\n1,30\n2,\n3,41\n4,\n");
  }

  private Cli.Result run(String expectation) throws Exception {
    Files.writeString(dir.resolve("p.yaml"), PIPELINE.formatted(expectation));
    return cli.run("run", "p.yaml", "--json");
  }

  @Test
  void aFailedErrorExpectationFailsTheRunAndNothingDownstreamRuns() throws Exception {
    Cli.Result r = run("not-null: age");
    assertThat(r.exit()).as(r.err()).isEqualTo(1);
    JsonNode check = Runs.step(r, "check");
    assertThat(check.get("status").asText()).isEqualTo("FAILED");
    assertThat(check.get("error").asText()).isEqualTo("data/check: not-null(age) failed: 2 of 4 rows are null; e.g. rows 2, 4");
    assertThat(Runs.step(r, "after").get("status").asText()).isEqualTo("SKIPPED");
    assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  /** A tribuo/ingest split (CSV below a JSON schema line) is read as the README says. */
  @Test
  void checksATribuoIngestSplit() throws Exception {
    Files.copy(Path.of("../../data/iris.csv").toAbsolutePath().normalize(), dir.resolve("iris.csv"));
    Files.writeString(dir.resolve("t.yaml"), """
        name: tribuo-then-check
        steps:
          ingest:
            uses: tribuo/ingest
            with: {data: iris.csv, target: species, split: {method: stratified, test: 0.3, seed: 7}}
          check:
            uses: data/check
            with:
              data: ${{ steps.ingest.outputs.train }}
              expect:
                - not-null: sepal_length
                - in-set: {column: species, values: [setosa, versicolor, virginica]}
                - row-count: {min: 100, max: 110}
        """);
    Cli.Result r = cli.run("run", "t.yaml", "--json");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(Runs.step(r, "check").get("outputs").get("passed").asBoolean()).isTrue();
  }

  @Test
  void aFailedWarningLetsTheRunGoOn() throws Exception {
    Cli.Result r = run("{not-null: age, severity: warn}");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(Runs.step(r, "check").get("outputs").get("warnings").get(0).asText()).isEqualTo("not-null(age)");
    assertThat(Runs.step(r, "after").get("status").asText()).isEqualTo("SUCCEEDED");
  }

  @Test
  void aColumnTheDataLacksIsBadInput() throws Exception {
    Cli.Result r = run("not-null: agee");
    assertThat(r.exit()).as(r.err()).isEqualTo(2);
    assertThat(Runs.step(r, "check").get("error").asText()).isEqualTo("data/check: expect[0] not-null(agee): no column agee in data.csv (did you mean age?); its columns: id, age");
    assertThat(Runs.step(r, "after").get("status").asText()).isEqualTo("SKIPPED");
  }

  @Test
  void aWrongExpectationIsAValidateErrorAtItsLineAndColumn() throws Exception {
    Files.writeString(dir.resolve("p.yaml"), PIPELINE.formatted("in-range: {column: age, min: old}"));
    Cli.Result r = cli.run("validate", "p.yaml");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.out() + r.err()).contains("p.yaml:8:40: error[E122]: steps.check.with.expect[0].in-range.min: expected number, found string \"old\"");
  }
}
