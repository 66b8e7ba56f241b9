package dev.kiln.engine.exec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.api.ChildRun;
import dev.kiln.api.Output;
import dev.kiln.api.Param;
import dev.kiln.api.StepContext;
import dev.kiln.api.StepFailure;
import dev.kiln.api.StepResult;
import dev.kiln.api.StepType;
import dev.kiln.engine.Engine;
import dev.kiln.engine.home.KilnHome;
import dev.kiln.engine.steps.StepRegistry;
import dev.kiln.engine.validate.Validator;
import dev.kiln.registry.RunStatus;
import dev.kiln.registry.StepRunRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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

/** for-each fan-out over a list known only at run time, and child steps' retries and time limits. */
class ForEachTest {
  /** Publishes the list it is given, as a step that computes one would. */
  static final class Items implements StepType<Items.Params> {
    record Params(@Param("the items") List<Object> items, @Param("or this, which is not a list") String notAList) {}

    @Override public Info<Params> info() { return new Info<>("test/items", "publishes a list", Params.class, "1", List.of(Output.value("items", "the items"))); }

    @Override
    public StepResult execute(Params p, StepContext ctx) {
      return StepResult.builder().output("items", p.notAList() != null ? p.notAList() : p.items()).build();
    }
  }

  /** Echoes its text after sleeping; counts calls per instance, and how many run at once. */
  static final class Echo implements StepType<Echo.Params> {
    record Params(@Param("echoed") String text, @Param("sleep this long") Integer sleepMs, @Param("fail this many attempts first") Integer failTimes) {}

    final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    final AtomicInteger running = new AtomicInteger();
    final AtomicInteger mostAtOnce = new AtomicInteger();

    @Override public Info<Params> info() { return new Info<>("test/echo", "echo", Params.class, "1", List.of(Output.value("text", "the text"))); }

    @Override
    public StepResult execute(Params p, StepContext ctx) throws Exception {
      int n = calls.computeIfAbsent(ctx.stepId(), k -> new AtomicInteger()).incrementAndGet();
      mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
      try {
        if (p.sleepMs() != null) Thread.sleep(p.sleepMs());
      } finally {
        running.decrementAndGet();
      }
      if (p.failTimes() != null && n <= p.failTimes()) throw new StepFailure("planned failure " + n);
      return StepResult.builder().output("text", p.text()).build();
    }
  }

  /** Runs one child test/echo with the given params and time limit; outputs how it ended. */
  static final class Parent implements StepType<Parent.Params> {
    record Params(@Param("the child's with") Map<String, Object> child, @Param("the child's time limit") Duration childTimeout) {}

    @Override public Info<Params> info() { return new Info<>("test/parent", "runs a child", Params.class, "1", List.of(Output.value("status", "the child's status"), Output.value("error", "the child's error"))); }

    @Override
    public StepResult execute(Params p, StepContext ctx) throws Exception {
      ChildRun c = ctx.runChild("child-1", "test/echo", p.child(), null, p.childTimeout());
      return StepResult.builder().output("status", c.status().name()).output("error", c.error() == null ? "" : c.error()).build();
    }
  }

  @TempDir Path dir;
  Echo echo;
  Engine engine;
  KilnHome home;

  @BeforeEach
  void setUp() {
    echo = new Echo();
    StepRegistry registry = new StepRegistry(Map.of("test/items", new Items(), "test/echo", echo, "test/parent", new Parent()));
    engine = new Engine(new Validator(registry), registry);
    home = new KilnHome(dir.resolve(".kiln"), Map.of());
  }

  @AfterEach
  void tearDown() {
    home.close();
  }

  RunOutcome run(String yaml) throws IOException {
    Path f = dir.resolve("p.yaml");
    Files.writeString(f, yaml);
    var plan = engine.plan(f, "p.yaml", new HashMap<>(), w -> {});
    return engine.run(plan, home, new RunOptions(dir, 4, true, Map.of()), RunListener.NONE, e -> {});
  }

  static Map<String, RunStatus> statuses(RunOutcome o) {
    return o.steps().stream().collect(Collectors.toMap(StepRunRecord::stepKey, StepRunRecord::status, (a, b) -> b, TreeMap::new));
  }

  Map<String, StepRunRecord> recorded(RunOutcome o) {
    return home.store().stepRuns(o.runId()).stream().collect(Collectors.toMap(StepRunRecord::stepKey, r -> r, (a, b) -> b));
  }

  static String output(RunOutcome o, String key, String name) {
    StepRunRecord r = o.steps().stream().filter(s -> s.stepKey().equals(key)).findFirst().orElseThrow();
    return String.valueOf(dev.kiln.engine.state.StepOutputs.of(r).get(name));
  }

  static String pipeline(String items) {
    return """
        name: fe
        steps:
          list: {uses: test/items, with: {items: %s}}
          per:
            uses: test/echo
            for-each: ${{ steps.list.outputs.items }}
            with: {text: '${{ each.index }}:${{ each.value }}'}
          all: {uses: test/echo, with: {text: 'joined ${{ steps.per.outputs.text }}'}}
        """.formatted(items);
  }

  @Test
  void fansOutOverAListAStepComputedAndFansInInOrder() throws IOException {
    RunOutcome o = run(pipeline("[eu, us, ap]"));
    assertThat(o.status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(statuses(o)).containsOnlyKeys("list", "per[eu]", "per[us]", "per[ap]", "all");
    assertThat(output(o, "per[ap]", "text")).isEqualTo("2:ap");
    assertThat(output(o, "all", "text")).isEqualTo("joined [\"0:eu\",\"1:us\",\"2:ap\"]");
  }

  @Test
  void instancesAreNamedByTheirItemSoARerunReusesEachItemsResult() throws IOException {
    run(pipeline("[a, b]").replace("${{ each.index }}:", ""));
    RunOutcome o = run(pipeline("[b, a, c]").replace("${{ each.index }}:", ""));
    assertThat(statuses(o)).containsEntry("per[a]", RunStatus.CACHED).containsEntry("per[b]", RunStatus.CACHED).containsEntry("per[c]", RunStatus.SUCCEEDED);
  }

  @Test
  void mappingsAreNamedByTheirNameAndTheirFieldsCanBeRead() throws IOException {
    RunOutcome o = run("""
        name: fe
        steps:
          list: {uses: test/items, with: {items: [{name: small, depth: 2}, {name: big, depth: 8}, {depth: 3}]}}
          per:
            uses: test/echo
            for-each: ${{ steps.list.outputs.items }}
            with: {text: 'depth ${{ each.value.depth }}'}
        """);
    assertThat(o.status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(output(o, "per[big]", "text")).isEqualTo("depth 8");
    assertThat(statuses(o).keySet()).anyMatch(k -> k.matches("per\\[[0-9a-f]{12}\\]"));
  }

  @Test
  void anEmptyListSkipsTheStepAndItsDependants() throws IOException {
    RunOutcome o = run(pipeline("[]"));
    assertThat(o.status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(statuses(o)).containsEntry("per", RunStatus.SKIPPED).containsEntry("all", RunStatus.SKIPPED);
    assertThat(o.steps().stream().filter(s -> s.stepKey().equals("per")).findFirst().orElseThrow().error()).isEqualTo("for-each list ${{ steps.list.outputs.items }} is empty");
  }

  @Test
  void aValueThatIsNotAListFailsTheStep() throws IOException {
    RunOutcome o = run("""
        name: fe
        steps:
          list: {uses: test/items, with: {not-a-list: eu}}
          per: {uses: test/echo, for-each: '${{ steps.list.outputs.items }}', with: {text: '${{ each.value }}'}}
        """);
    assertThat(o.status()).isEqualTo(RunStatus.FAILED);
    assertThat(o.error()).isEqualTo("step per failed: for-each: ${{ steps.list.outputs.items }} is the text \"eu\", not a list");
  }

  @Test
  void maxParallelBoundsHowManyInstancesRunAtOnce() throws IOException {
    RunOutcome o = run("""
        name: fe
        steps:
          list: {uses: test/items, with: {items: [1, 2, 3, 4, 5, 6]}}
          per: {uses: test/echo, for-each: '${{ steps.list.outputs.items }}', max-parallel: 2, with: {text: '${{ each.value }}', sleep-ms: 150}}
        """);
    assertThat(o.status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(echo.mostAtOnce.get()).isEqualTo(2);
  }

  @Test
  void aChildThatTakesTooLongIsStoppedAndFails() throws IOException {
    RunOutcome o = run("""
        name: fe
        steps:
          tune: {uses: test/parent, with: {child: {text: slow, sleep-ms: 10000}, child-timeout: 200ms}}
        """);
    assertThat(o.status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(output(o, "tune", "status")).isEqualTo("FAILED");
    assertThat(output(o, "tune", "error")).isEqualTo("timed out after 200ms");
    assertThat(recorded(o).get("tune/child-1").status()).isEqualTo(RunStatus.FAILED);
  }

  @Test
  void aChildIsRetriedAsItsParentStepsRetrySays() throws IOException {
    RunOutcome o = run("""
        name: fe
        steps:
          tune: {uses: test/parent, retry: {attempts: 3, backoff: 10ms}, with: {child: {text: flaky, fail-times: 2}}}
        """);
    assertThat(output(o, "tune", "status")).isEqualTo("SUCCEEDED");
    assertThat(echo.calls.get("tune/child-1").get()).isEqualTo(3);
    assertThat(recorded(o).get("tune/child-1").attempt()).isEqualTo(3);
  }
}
