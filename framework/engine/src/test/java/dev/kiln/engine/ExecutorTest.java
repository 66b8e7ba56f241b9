package dev.kiln.engine;

import dev.kiln.engine.steps.StepRegistry;
import dev.kiln.engine.home.KilnHome;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.api.Output;
import dev.kiln.api.Param;
import dev.kiln.api.StepContext;
import dev.kiln.api.StepFailure;
import dev.kiln.api.StepResult;
import dev.kiln.api.StepType;
import dev.kiln.engine.exec.RunListener;
import dev.kiln.engine.exec.RunOptions;
import dev.kiln.engine.exec.RunOutcome;
import dev.kiln.engine.validate.Validator;
import dev.kiln.registry.RunStatus;
import dev.kiln.registry.StepRunRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The step lifecycle: retries, timeouts, conditions, failure propagation, versions, secrets. */
class ExecutorTest {
  /** A step whose behaviour the test controls. */
  static final class Probe implements StepType<Probe.Params> {
    record Params(@Param("fail this many attempts first") Integer failTimes, @Param("sleep this long") Integer sleepMs, @Param("echoed as output") String text, @Param("joined into output all") List<String> items) {}

    final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    final Map<String, List<Map<String, String>>> earlier = new ConcurrentHashMap<>();
    volatile String version = "1";

    @Override public Info<Params> info() { return new Info<>("test/probe", "test probe", Params.class, version, List.of(Output.value("text", "the text"), Output.value("all", "items joined"))); }

    @Override
    public StepResult execute(Params p, StepContext ctx) throws Exception {
      int n = calls.computeIfAbsent(ctx.stepId(), k -> new AtomicInteger()).incrementAndGet();
      ctx.log("attempt " + n + " text=" + p.text());
      earlier.put(ctx.stepId(), ctx.earlierStates(5));
      if (p.text() != null) ctx.saveState("text", p.text());
      if (p.sleepMs() != null) Thread.sleep(p.sleepMs());
      if (p.failTimes() != null && n <= p.failTimes()) throw new StepFailure("planned failure " + n);
      StepResult.Builder b = StepResult.builder().output("text", p.text() == null ? "" : p.text()).metric("calls", n);
      if (p.items() != null) b.output("all", String.join(",", p.items()));
      return b.build();
    }
  }

  @TempDir Path dir;
  Probe probe;
  Engine engine;
  KilnHome home;
  Map<String, String> env = new HashMap<>();

  @BeforeEach
  void setUp() {
    probe = new Probe();
    StepRegistry registry = new StepRegistry(Map.of("test/probe", probe));
    engine = new Engine(new Validator(registry), registry);
    home = new KilnHome(dir.resolve(".kiln"), env);
  }

  @AfterEach
  void tearDown() {
    home.close();
  }

  RunOutcome run(String yaml, String... params) throws IOException {
    Path f = dir.resolve("p.yaml");
    Files.writeString(f, yaml);
    Map<String, String> overrides = new HashMap<>();
    for (String p : params) overrides.put(p.substring(0, p.indexOf('=')), p.substring(p.indexOf('=') + 1));
    var plan = engine.plan(f, "p.yaml", overrides, w -> {});
    return engine.run(plan, home, new RunOptions(dir, 2, true, env), RunListener.NONE, e -> {});
  }

  static Map<String, RunStatus> statuses(RunOutcome o) {
    return o.steps().stream().collect(Collectors.toMap(StepRunRecord::stepKey, StepRunRecord::status, (a, b) -> b, TreeMap::new));
  }

  @Test
  void retriesAFailingStepUntilItSucceeds() throws IOException {
    RunOutcome o = run("""
        name: r
        steps:
          flaky: {uses: test/probe, retry: {attempts: 3, backoff: 10ms}, with: {fail-times: 2, text: ok}}
        """);
    assertThat(o.status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(probe.calls.get("flaky").get()).isEqualTo(3);
    assertThat(o.steps().get(0).attempt()).isEqualTo(3);
  }

  @Test
  void aStepReadsTheStateItRecordedInEarlierRunsOfTheSamePipelineNewestFirst() throws IOException {
    String yaml = """
        name: %s
        steps:
          s: {uses: test/probe, with: {text: '%s'}}
          t: {uses: test/probe, with: {text: '%s-t'}}
        """;
    run(yaml.formatted("r", "a", "a"));
    assertThat(probe.earlier.get("s")).isEmpty();
    run(yaml.formatted("other", "x", "x")); // another pipeline: not this step's history
    run(yaml.formatted("r", "b", "b"));
    run(yaml.formatted("r", "b", "c")); // s is cached: it runs not, and records nothing in this run
    run(yaml.formatted("r", "d", "d"));
    assertThat(probe.earlier.get("s")).containsExactly(Map.of("text", "b"), Map.of("text", "a"));
    assertThat(probe.earlier.get("t")).containsExactly(Map.of("text", "c-t"), Map.of("text", "b-t"), Map.of("text", "a-t"));
  }

  @Test
  void failsAfterTheLastAttemptAndSkipsDependents() throws IOException {
    RunOutcome o = run("""
        name: r
        steps:
          broken: {uses: test/probe, retry: 2, with: {fail-times: 5}}
          after: {uses: test/probe, with: {text: '${{ steps.broken.outputs.text }}'}}
          independent: {uses: test/probe, with: {text: fine}}
        """);
    assertThat(o.status()).isEqualTo(RunStatus.FAILED);
    assertThat(o.error()).contains("broken").contains("planned failure 2");
    assertThat(statuses(o)).containsExactlyEntriesOf(new TreeMap<>(Map.of("after", RunStatus.SKIPPED, "broken", RunStatus.FAILED, "independent", RunStatus.SUCCEEDED)));
    assertThat(probe.calls.get("broken").get()).isEqualTo(2);
    assertThat(probe.calls).doesNotContainKey("after");
  }

  @Test
  void aStepThatTakesTooLongTimesOut() throws IOException {
    RunOutcome o = run("""
        name: r
        steps:
          slow: {uses: test/probe, timeout: 200ms, with: {sleep-ms: 10000}}
        """);
    assertThat(o.status()).isEqualTo(RunStatus.FAILED);
    assertThat(o.steps().get(0).error()).isEqualTo("timed out after 200ms");
  }

  @Test
  void aFalseConditionSkipsTheStepAndItsDependents() throws IOException {
    String yaml = """
        name: r
        params: {go: false}
        steps:
          maybe: {uses: test/probe, if: '${{ params.go }}', with: {text: x}}
          then: {uses: test/probe, with: {text: 'then-${{ steps.maybe.outputs.text }}'}}
        """;
    RunOutcome o = run(yaml);
    assertThat(o.status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(statuses(o)).containsEntry("maybe", RunStatus.SKIPPED).containsEntry("then", RunStatus.SKIPPED);
    assertThat(statuses(run(yaml, "go=true"))).containsEntry("maybe", RunStatus.SUCCEEDED).containsEntry("then", RunStatus.SUCCEEDED);
  }

  @Test
  void changingTheStepVersionInvalidatesExactlyItsSteps() throws IOException {
    String yaml = """
        name: v
        steps:
          a: {uses: test/probe, with: {text: a}}
          b: {uses: test/probe, with: {text: 'b-${{ steps.a.outputs.text }}'}}
        """;
    assertThat(statuses(run(yaml)).values()).containsOnly(RunStatus.SUCCEEDED);
    assertThat(statuses(run(yaml)).values()).containsOnly(RunStatus.CACHED);
    probe.version = "2";
    assertThat(statuses(run(yaml)).values()).containsOnly(RunStatus.SUCCEEDED);
  }

  @Test
  void fanInSeesTheListOfInstanceOutputsInMatrixOrder() throws IOException {
    RunOutcome o = run("""
        name: m
        steps:
          fan: {uses: test/probe, matrix: {x: [c, a, b]}, with: {text: '${{ matrix.x }}'}}
          gather: {uses: test/probe, with: {items: '${{ steps.fan.outputs.text }}'}}
        """);
    assertThat(o.status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(o.steps().stream().filter(s -> s.stepKey().equals("gather")).findFirst().orElseThrow().outputsJson()).contains("\"all\":{\"value\":\"c,a,b\"}");
  }

  @Test
  void stepsWithTheSameTypeParamsAndInputsShareOneResult() throws IOException {
    RunOutcome o = run("""
        name: same
        steps:
          one: {uses: test/probe, with: {text: same}}
          two: {uses: test/probe, needs: one, with: {text: same}}
        """);
    assertThat(statuses(o)).containsEntry("one", RunStatus.SUCCEEDED).containsEntry("two", RunStatus.CACHED);
  }

  @Test
  void secretValuesNeverReachTheStoreOrTheLog() throws IOException {
    env.put("API_TOKEN", "s3cr3t-value");
    RunOutcome o = run("""
        name: s
        steps:
          use: {uses: test/probe, with: {text: 'token=${{ secrets.API_TOKEN }}', fail-times: 1}}
        """);
    assertThat(o.status()).isEqualTo(RunStatus.FAILED);
    StepRunRecord r = o.steps().get(0);
    assertThat(r.cacheComponents()).contains("token=***").doesNotContain("s3cr3t");
    String log = Files.readString(dir.resolve(".kiln/logs").resolve(o.runId()).resolve("use.log"));
    assertThat(log).contains("text=token=***").doesNotContain("s3cr3t");
    assertThat(home.store().findRun(o.runId()).orElseThrow().paramsJson()).doesNotContain("s3cr3t");
  }

  @Test
  void aMissingSecretFailsTheStepWithAHint() throws IOException {
    RunOutcome o = run("""
        name: s
        steps:
          use: {uses: test/probe, with: {text: '${{ secrets.NOT_SET_ANYWHERE }}'}}
        """);
    assertThat(o.steps().get(0).error()).isEqualTo("secret NOT_SET_ANYWHERE is not set; export NOT_SET_ANYWHERE in the environment Kiln runs in");
  }
}
