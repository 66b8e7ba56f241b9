package dev.kiln.data;

import dev.kiln.api.Artifact;
import dev.kiln.api.InvalidParamException;
import dev.kiln.api.Output;
import dev.kiln.api.Param;
import dev.kiln.api.StepContext;
import dev.kiln.api.StepFailure;
import dev.kiln.api.StepResult;
import dev.kiln.api.StepType;
import dev.kiln.data.check.CheckReport;
import dev.kiln.data.check.CheckRun;
import dev.kiln.data.check.Expectation;
import dev.kiln.data.check.Outcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Declarative data expectations (as Great Expectations, TFDV and Pandera check data), evaluated
 * with SQL over DuckDB; the step fails when an error-severity expectation fails, so nothing
 * downstream runs on bad data.
 */
final class CheckStep implements StepType<CheckStep.Params> {

  record Params(
      @Param(value = "the dataset to check: a dataset artifact (Parquet, or a tribuo/ingest split) or a project CSV/Parquet file", required = true) Artifact data,
      @Param("the dataset that distribution: expectations compare with (as data:)") Artifact reference,
      @Param(value = "the expectations, each {<kind>: ..., severity: error | warn, name: ...}; kinds: not-null, unique, in-range, in-set, matches, row-count, column, distribution", required = true, min = 1) List<Expectation> expect,
      @Param(value = "false: a failed error expectation does not fail the step; passed: and failed: tell (for an if: downstream)", defaultValue = "true") Boolean failOnError) {
    Params {
      failOnError = failOnError == null || failOnError;
      Set<String> names = new HashSet<>();
      for (int i = 0; i < expect.size(); i++) {
        Expectation e = expect.get(i);
        if (e.distribution() != null && reference == null) {
          throw new IllegalArgumentException("expect[" + i + "] " + e.label() + " needs reference: the dataset to compare with");
        }
        if (!names.add(e.displayName())) {
          throw new InvalidParamException("expect", false, "two expectations are called " + e.displayName(), "give one of them a name:");
        }
      }
    }
  }

  @Override
  public Info<Params> info() {
    return new Info<>(
        "data/check",
        "Checks declarative expectations on a dataset (not null, unique, ranges, sets, patterns, row count, types, drift); fails on errors",
        Params.class,
        "1",
        List.of(
            Output.artifact("report", "an HTML page: each expectation, pass/warn/fail, failing count and example rows"),
            Output.artifact("results", "the same as JSON"),
            Output.value("passed", "true when no error-severity expectation failed"),
            Output.value("failed", "the names of the error-severity expectations that failed"),
            Output.value("warnings", "the names of the warn-severity expectations that failed")));
  }

  @Override
  public StepResult execute(Params p, StepContext ctx) throws Exception {
    List<Outcome> outcomes;
    long rows;
    try (CheckRun run = CheckRun.open(ctx.open(p.data()), p.data().name(), p.reference() == null ? null : ctx.open(p.reference()), p.reference() == null ? null : p.reference().name())) {
      outcomes = run.evaluate(p.expect());
      rows = run.rows();
    }
    Path dir = ctx.scratchDir();
    Path json = Files.writeString(dir.resolve("results.json"), CheckReport.json(p.data().name(), rows, outcomes));
    Path html = Files.writeString(dir.resolve("report.html"), CheckReport.html(p.data().name(), rows, outcomes));
    Artifact results = ctx.storeArtifact(json, "application/json");
    Artifact report = ctx.storeArtifact(html, "text/html");
    List<Outcome> failed = outcomes.stream().filter(o -> o.status() == Outcome.Status.FAIL).toList();
    List<Outcome> warned = outcomes.stream().filter(o -> o.status() == Outcome.Status.WARN).toList();
    for (Outcome o : warned) ctx.log("warning: " + o.message());
    ctx.log(rows + " rows: " + (outcomes.size() - failed.size() - warned.size()) + " of " + outcomes.size() + " expectations passed, " + warned.size() + " warned, " + failed.size() + " failed");
    for (Outcome o : failed) ctx.log("failed: " + o.message());
    if (!failed.isEmpty() && p.failOnError()) {
      ctx.log("report: " + report.uri());
      StringBuilder msg = new StringBuilder(); // the engine prints it: one line per failed expectation
      for (Outcome o : failed) msg.append(msg.length() == 0 ? "" : "\n").append("data/check: ").append(o.message());
      throw new StepFailure(msg.toString(), false);
    }
    return StepResult.builder()
        .output("report", report)
        .output("results", results)
        .output("passed", failed.isEmpty())
        .output("failed", failed.stream().map(o -> o.expectation().displayName()).toList())
        .output("warnings", warned.stream().map(o -> o.expectation().displayName()).toList())
        .metric("failed", failed.size())
        .metric("warnings", warned.size())
        .build();
  }
}
