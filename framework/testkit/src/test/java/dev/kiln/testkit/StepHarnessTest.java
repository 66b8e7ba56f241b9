package dev.kiln.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.api.Artifact;
import dev.kiln.api.StepFailure;
import dev.kiln.engine.Engine;
import dev.kiln.engine.diag.Problem;
import dev.kiln.engine.diag.Problems;
import dev.kiln.engine.steps.StepRegistry;
import dev.kiln.engine.validate.Validator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StepHarnessTest {
  @TempDir Path dir;

  StepHarness<EchoStep.Params> harness() {
    return StepHarness.of(new EchoStep(), dir.resolve("work")).projectDir(dir);
  }

  @Test
  void runsAStepFromYamlWithOutputsLogsMetricsAndAStoredArtifact() throws Exception {
    StepOutcome out = harness().env("GREETING", "hi").seed(7).run("""
        text: hello
        times: 3
        """).assertSucceeded();
    assertThat(out.status()).isEqualTo(StepOutcome.Status.SUCCEEDED);
    assertThat(out.value("echo")).isEqualTo("hello hello hello");
    assertThat(out.logs()).containsExactly("echoing 3 times, seed 7, GREETING=hi");
    assertThat(out.metricPoints()).containsExactly(
        new StepOutcome.MetricPoint("length", 5, 1), new StepOutcome.MetricPoint("length", 10, 2), new StepOutcome.MetricPoint("length", 15, 3), new StepOutcome.MetricPoint("times", 3, 0));
    assertThat(out.metrics()).containsExactly(Map.entry("length", 15.0), Map.entry("times", 3.0));
    Artifact file = out.artifact("file");
    assertThat(file.mediaType()).isEqualTo("text/plain");
    assertThat(Files.readString(out.open("file"))).isEqualTo("hello hello hello");
    // content-addressed: the store holds it under its sha256
    assertThat(out.open(file)).isEqualTo(dir.resolve("work/artifacts").resolve(file.sha256()));
  }

  @Test
  void theDefaultSeedIsTheOneTheEngineDerivesForTheStepId() {
    StepOutcome a = harness().run("text: x");
    StepOutcome b = harness().stepId("other").run("text: x");
    // sha256("testkit/step") starts with these 16 hex digits
    assertThat(a.logs().get(0)).contains("seed " + new java.math.BigInteger(dev.kiln.engine.artifact.ArtifactStore.hash("testkit/step".getBytes()).substring(0, 16), 16).longValue());
    assertThat(a.logs()).isNotEqualTo(b.logs());
    assertThat(harness().run("text: x").logs()).isEqualTo(a.logs());
  }

  @Test
  void aStringForAnArtifactParamIsAProjectFileImportedIntoTheStore() throws Exception {
    Files.writeString(dir.resolve("in.csv"), "a,b\n1,2\n");
    StepOutcome out = harness().run("text: x\ninput: in.csv").assertSucceeded();
    assertThat(out.value("input-size")).isEqualTo(8L);
  }

  @Test
  void aMapWithAnEarlierArtifactRunsAndSharesTheStore() throws Exception {
    StepOutcome first = harness().run("text: abc").assertSucceeded();
    StepOutcome second = StepHarness.of(new EchoStep(), dir.resolve("work")).run(Map.of("text", "y", "input", first.artifact("file"))).assertSucceeded();
    assertThat(second.value("input-size")).isEqualTo(3L);
  }

  @Test
  void stateSavedByOneRunIsSeenByTheNext() {
    StepHarness<EchoStep.Params> h = harness().state("runs", "4");
    assertThat(h.run("text: a").state()).containsEntry("runs", "5");
    assertThat(h.run("text: a").state()).containsEntry("runs", "6");
  }

  @Test
  void theScratchDirectoryIsEmptiedBeforeEachRun() throws Exception {
    StepHarness<EchoStep.Params> h = harness();
    h.run("text: a").assertSucceeded();
    Path scratch = dir.resolve("work/scratch/step");
    Files.writeString(scratch.resolve("left-over"), "x");
    h.run("text: a").assertSucceeded();
    assertThat(scratch.resolve("left-over")).doesNotExist();
    assertThat(scratch.resolve("echo.txt")).exists();
  }

  @Test
  void aStepFailureIsAFailedOutcomeWithItsLogs() {
    StepOutcome out = harness().run("text: a\nfail: no disk");
    assertThat(out.status()).isEqualTo(StepOutcome.Status.FAILED);
    assertThat(out.failure()).isInstanceOf(StepFailure.class).hasMessage("no disk");
    assertThat(out.outputs()).isEmpty();
    assertThatThrownBy(out::assertSucceeded).isInstanceOf(AssertionError.class)
        .hasMessage("step step did not succeed: FAILED: dev.kiln.api.StepFailure: no disk")
        .hasCause(out.failure());
  }

  @Test
  void anArtifactOutputNotInTheStoreFailsTheStepAsTheEngineDoes() {
    StepOutcome out = harness().run("text: a\nforget-to-store: true");
    assertThat(out.status()).isEqualTo(StepOutcome.Status.FAILED);
    assertThat(out.failure()).hasMessage("output artifact echo.txt is not in the artifact store; steps must create artifacts with StepContext.storeArtifact");
  }

  @Test
  void paramsThatDoNotBindAreInvalidWithLocationsInTheWithText() {
    StepOutcome out = harness().run("""
        text: a
        times: 11
        colour: red
        """);
    assertThat(out.status()).isEqualTo(StepOutcome.Status.INVALID_PARAMS);
    assertThat(out.problems()).extracting(ParamProblem::location, ParamProblem::code, ParamProblem::path)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("with.yaml:2:8", "E123", "steps.step.with.times"),
            org.assertj.core.groups.Tuple.tuple("with.yaml:3:1", "E120", "steps.step.with.colour"));
    assertThatThrownBy(out::assertSucceeded).hasMessageStartingWith("step step did not succeed: INVALID_PARAMS\nwith.yaml:2:8: error[E123]: steps.step.with.times: ");
  }

  @Test
  void aMissingInputFileIsAParamProblem() {
    StepOutcome out = harness().run("text: a\ninput: nowhere.csv");
    assertThat(out.problems()).extracting(ParamProblem::format).containsExactly("with.yaml:2:8: error[E122]: steps.step: input file nowhere.csv does not exist");
  }

  @Test
  void aMissingRequiredParamOfAnEmptyWithConcernsTheWholeBlock() {
    assertThat(harness().run(Map.of()).problems()).extracting(ParamProblem::format)
        .containsExactly("with.yaml: error[E121]: steps.step.with.text: \"text\" is required (string), found nothing\n  hint: text: the text to echo");
  }

  @Test
  void expressionsAreRefusedWithAWayOut() {
    assertThatThrownBy(() -> harness().run("text: a\ninput: ${{ steps.ingest.outputs.train }}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the testkit does not evaluate expressions: steps.step.with.input holds ${{ steps.ingest.outputs.train }} (with.yaml:2:8); give the value itself, e.g. run(Map.of(\"input\", earlier.artifact(\"<output>\")))");
  }

  @Test
  void runChildIsRefusedNamingTheChild() throws Exception {
    HarnessContext ctx = new HarnessContext("s", dir, dir, new dev.kiln.engine.artifact.ArtifactStore(dir.resolve("a")), Map.of(), 1, new java.util.HashMap<>());
    assertThatThrownBy(() -> ctx.runChild("trial-0001", "tribuo/train", Map.of(), null))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessage("the testkit runs one step in-process and cannot run child step \"trial-0001\" (tribuo/train); test tribuo/train with a StepHarness of its own");
  }

  @Test
  void aBadStepIdIsRefused() {
    assertThatThrownBy(() -> harness().stepId("Train"))
        .hasMessage("step ids must match [a-z][a-z0-9_-]{0,62}, found \"Train\"");
  }

  @Test
  void checkReportsWhatKilnValidateReportsForTheSameWithAtItsLinesInTheText() throws Exception {
    String with = """
        text: "a\\tb"
        colour: red
        input: ${{ steps.nowhere.outputs.x }}
        """;
    List<ParamProblem> checked = harness().check(with);
    // the same with: in a real pipeline file, where it starts on line 10, indented by 8
    StringBuilder pipeline = new StringBuilder("# a pipeline\nname: real\ndescription: d\n\n\nsteps:\n  # the step\n  echo:\n    uses: test/echo\n    with:\n");
    for (String line : with.split("\n")) pipeline.append("        ").append(line).append('\n');
    Path f = dir.resolve("p.yaml");
    Files.writeString(f, pipeline.toString());
    Problems problems = new Problems();
    StepRegistry registry = new StepRegistry(Map.of("test/echo", new EchoStep()));
    new Engine(new Validator(registry), registry).load(f, "p.yaml", problems);
    List<Problem> validated = problems.sorted();
    assertThat(validated).hasSize(3);
    assertThat(checked).hasSize(validated.size());
    for (int i = 0; i < checked.size(); i++) {
      ParamProblem c = checked.get(i);
      Problem v = validated.get(i);
      assertThat(c.code()).isEqualTo(v.code().name());
      assertThat(c.path()).isEqualTo(v.path().replace("steps.echo.", "steps.step."));
      assertThat(c.message()).isEqualTo(v.message().replace("steps.echo.", "steps.step."));
      assertThat(c.hint()).isEqualTo(v.hint() == null ? null : v.hint().replace("steps: echo", "steps: step"));
      assertThat(c.line()).isEqualTo(v.location().line() - 10);
      assertThat(c.column()).isEqualTo(v.location().column() - 8);
    }
    assertThat(checked).extracting(ParamProblem::format).containsExactly(
        "with.yaml:1:7: error[E123]: steps.step.with.text: text must not hold a tab\n  hint: use spaces",
        "with.yaml:2:1: error[E120]: steps.step.with.colour: unknown parameter \"colour\"\n  hint: valid parameters: fail, forget-to-store, input, text, times",
        "with.yaml:3:12: error[E132]: steps.step.with.input: unknown step \"nowhere\"\n  hint: steps: step");
  }

  @Test
  void checkOfAValidWithIsEmptyAndNamesTheSourceGiven() {
    assertThat(harness().check("text: a\ntimes: 2")).isEmpty();
    assertThat(harness().sourceName("pipelines/x.yaml").check("times: 0")).extracting(ParamProblem::format).containsExactly(
        "pipelines/x.yaml:1:1: error[E121]: steps.step.with.text: \"text\" is required (string), found nothing\n  hint: text: the text to echo",
        "pipelines/x.yaml:1:8: error[E123]: steps.step.with.times: must be between 1 and 10, found 0");
  }

  @Test
  void outputsTextIsSortedAndLeavesOutWhatIsNotCompared() {
    StepOutcome out = harness().run("text: hi").assertSucceeded();
    String sha = out.artifact("file").sha256();
    assertThat(out.outputsText()).isEqualTo("echo: \"hi\"\nfile: artifact text/plain 2 bytes sha256:" + sha + "\n");
    assertThat(out.outputsText(Set.of("file", "echo"))).isEqualTo("echo: value (not compared)\nfile: artifact text/plain\n");
  }

  @Test
  void askingForAnOutputTheStepDoesNotHaveNamesTheOnesItHas() {
    StepOutcome out = harness().run("text: hi").assertSucceeded();
    assertThatThrownBy(() -> out.value("echoes")).isInstanceOf(AssertionError.class)
        .hasMessage("step step has no output \"echoes\"; its outputs are [echo, file]");
    assertThatThrownBy(() -> out.artifact("echo")).isInstanceOf(AssertionError.class)
        .hasMessage("output \"echo\" of step step is not an artifact, found hi");
  }

  @Test
  void aFailedStepsAssertionShowsItsLastLogLines() {
    StepOutcome out = harness().stepId("echo").run("text: a\nfail: no disk");
    assertThat(out.status()).isEqualTo(StepOutcome.Status.FAILED);
    assertThatThrownBy(out::assertSucceeded).hasMessage("step echo did not succeed: FAILED: dev.kiln.api.StepFailure: no disk");
    StepOutcome logged = StepHarness.of(new dev.kiln.api.StepType<EchoStep.Params>() {
      @Override
      public Info<EchoStep.Params> info() {
        return new Info<>("test/broken", "fails", EchoStep.Params.class, "1", List.of());
      }

      @Override
      public dev.kiln.api.StepResult execute(EchoStep.Params p, dev.kiln.api.StepContext ctx) {
        ctx.log("reading");
        ctx.log("giving up");
        throw new IllegalStateException("bad state");
      }
    }, dir.resolve("work")).run("text: a");
    assertThatThrownBy(logged::assertSucceeded)
        .hasMessage("step step did not succeed: FAILED: java.lang.IllegalStateException: bad state\nlast log lines:\n  reading\n  giving up");
  }
}
