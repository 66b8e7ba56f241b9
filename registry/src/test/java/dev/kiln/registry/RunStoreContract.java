package dev.kiln.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link RunStore} must do; run against H2 and against a real PostgreSQL. */
abstract class RunStoreContract {
  RunStore store;

  abstract RunStore open() throws Exception;

  @BeforeEach
  void setUp() throws Exception {
    store = open();
  }

  @AfterEach
  void tearDown() {
    if (store != null) store.close();
  }

  static String id() {
    return "r-" + UUID.randomUUID();
  }

  static RunRecord newRun(String id, String pipeline, long created) {
    return RunRecord.pending(id, pipeline, "pipelines/" + pipeline + ".yaml", "name: " + pipeline, "0".repeat(64), "{\"seed\":7}", created);
  }

  /** A step instance that started 5 ms before {@code finished} and, unless RUNNING, ended then. */
  static StepRunRecord step(String run, String key, RunStatus status, String cacheKey, long finished) {
    StepRunRecord running = StepRunRecord.of(run, key, key.replaceAll("\\[.*", ""), "kiln/command").started(1, finished - 5).keyed(cacheKey, "{\"params\":{}}");
    return switch (status) {
      case RUNNING -> running;
      case SUCCEEDED -> running.succeeded("{\"x\":{\"value\":1}}", finished);
      default -> running.ended(status, finished, status == RunStatus.FAILED ? "boom" : null);
    };
  }

  @Test
  void createsClaimsAndFinishesARun() {
    String id = id();
    store.createRun(newRun(id, "p", 1000));
    RunRecord claimed = store.claimRun(id, 0, 4242, "host", 2000);
    assertThat(claimed.status()).isEqualTo(RunStatus.RUNNING);
    assertThat(claimed.ownerPid()).isEqualTo(4242L);
    assertThat(claimed.startedAt()).isEqualTo(2000L);
    assertThat(claimed.version()).isEqualTo(1);
    store.finishRun(id, RunStatus.FAILED, "step x failed", 3000);
    RunRecord done = store.findRun(id).orElseThrow();
    assertThat(done.status()).isEqualTo(RunStatus.FAILED);
    assertThat(done.error()).isEqualTo("step x failed");
    assertThat(done.finishedAt()).isEqualTo(3000L);
    assertThat(done.ownerPid()).isNull();
    assertThat(done.paramsJson()).isEqualTo("{\"seed\":7}");
  }

  /** A step's end, recorded again (after a commit whose outcome was unknown), leaves it recorded once. */
  @Test
  void recordingAStepsEndTwiceLeavesItOnce() {
    String id = id();
    store.createRun(newRun(id, "p", 1000));
    StepRunRecord s = step(id, "train", RunStatus.SUCCEEDED, "k1", 2000);
    List<MetricRecord> metrics = List.of(new MetricRecord(id, "train", "loss", 1, 0.5, 1990), new MetricRecord(id, "train", "loss", 2, 0.25, 1995), new MetricRecord(id, "train", "auc", 0, 0.9, 2000));
    List<ArtifactRecord> arts = List.of(new ArtifactRecord("a".repeat(64), 10, "text/plain", 2000));
    List<LineageEdge> edges = List.of(new LineageEdge(id, "train", "out", "model", "a".repeat(64)));
    store.completeStep(s, arts, edges, metrics);
    store.completeStep(s, arts, edges, metrics);
    assertThat(store.metrics(id, "train")).hasSize(3);
    assertThat(store.lineage(id)).hasSize(1);
    assertThat(store.stepRuns(id)).hasSize(1);
  }

  @Test
  void aStaleClaimIsRefused() {
    String id = id();
    store.createRun(newRun(id, "p", 1000));
    store.claimRun(id, 0, 1, "h", 1);
    assertThatThrownBy(() -> store.claimRun(id, 0, 2, "h", 2)).isInstanceOf(StoreException.class).hasMessageContaining("changed by another process");
  }

  @Test
  void savesAndReplacesStepRunState() {
    String id = id();
    store.createRun(newRun(id, "p", 1000));
    store.saveStepRun(step(id, "a", RunStatus.RUNNING, "k1", 10));
    store.saveStepRun(step(id, "a", RunStatus.SUCCEEDED, "k1", 20));
    store.saveStepRun(step(id, "b[0]", RunStatus.FAILED, "k2", 30));
    List<StepRunRecord> steps = store.stepRuns(id);
    assertThat(steps).extracting(StepRunRecord::stepKey).containsExactly("a", "b[0]");
    assertThat(steps.get(0).status()).isEqualTo(RunStatus.SUCCEEDED);
    assertThat(steps.get(1).stepId()).isEqualTo("b");
    assertThat(steps.get(1).error()).isEqualTo("boom");
  }

  /** Every field of a step run survives the store, for each way a step ends. */
  @Test
  void readsBackEachStepStateAsItWasSaved() {
    String id = id();
    String from = id();
    store.createRun(newRun(from, "p", 1000));
    store.createRun(newRun(id, "p", 2000));
    StepRunRecord earlier = step(from, "a", RunStatus.SUCCEEDED, "k1", 1500);
    store.saveStepRun(earlier);
    StepRunRecord base = StepRunRecord.of(id, "a", "a", "kiln/command").started(2, 2100L).keyed("k1", "{\"params\":{\"n\":1}}");
    List<StepRunRecord> saved = List.of(
        base.cached(earlier, 2110),
        StepRunRecord.of(id, "b[1]", "b", "kiln/python").started(1, 2200L).keyed("k2", "{}").ended(RunStatus.FAILED, 2250, "exit 3"),
        StepRunRecord.of(id, "c", "c", "kiln/command").started(1, 2300L).ended(RunStatus.SKIPPED, 2300, "skipped because b[1] failed"),
        StepRunRecord.of(id, "d", "d", "kiln/command").started(1, 2400L).keyed("k4", "{}"),
        StepRunRecord.of(id, "e", "e", "kiln/command").started(1, 2500L).keyed("k5", "{}").succeeded("{\"y\":{\"value\":\"z\"}}", 2600));
    saved.forEach(store::saveStepRun);
    assertThat(store.stepRuns(id)).containsExactlyElementsOf(saved);
    assertThat(store.stepRuns(id).get(0).outputsJson()).isEqualTo(earlier.outputsJson());
    assertThat(store.stepRuns(id).get(0).cachedFrom()).isEqualTo(from);
  }

  @Test
  void keepsAndReplacesTheDurableStateOfAStep() {
    String id = id();
    store.createRun(newRun(id, "p", 1000));
    store.saveStepRun(step(id, "search", RunStatus.RUNNING, null, 10));
    store.saveStepRun(step(id, "other", RunStatus.RUNNING, null, 10));
    store.saveState(id, "search", "trial-0001", "{\"value\":0.5}", 1);
    store.saveState(id, "search", "trial-0000", "{\"value\":0.4}", 2);
    store.saveState(id, "search", "trial-0001", "{\"value\":0.6}", 3); // replaces
    store.saveState(id, "other", "x", "y", 4);
    assertThat(store.state(id, "search")).containsExactly(
        java.util.Map.entry("trial-0000", "{\"value\":0.4}"), java.util.Map.entry("trial-0001", "{\"value\":0.6}"));
    assertThat(store.state(id, "missing")).isEmpty();
  }

  @Test
  void findsTheNewestSucceededStepRunByCacheKey() {
    String key = "ck-" + UUID.randomUUID();
    String r1 = id();
    String r2 = id();
    store.createRun(newRun(r1, "p", 1000));
    store.createRun(newRun(r2, "p", 2000));
    store.saveStepRun(step(r1, "a", RunStatus.SUCCEEDED, key, 100));
    store.saveStepRun(step(r2, "a", RunStatus.SUCCEEDED, key, 200));
    store.saveStepRun(step(r2, "b", RunStatus.FAILED, "other-" + key, 300));
    assertThat(store.findByCacheKey(key).orElseThrow().runId()).isEqualTo(r2);
    assertThat(store.findByCacheKey("other-" + key)).isEmpty();
    assertThat(store.previousStepRun("p", "a", r2).orElseThrow().runId()).isEqualTo(r1);
    assertThat(store.previousStepRun("p", "a", r1)).isEmpty();
  }

  @Test
  void keepsArtifactsLineageAndMetrics() {
    String id = id();
    String sha = UUID.randomUUID().toString().replace("-", "").repeat(2);
    store.createRun(newRun(id, "p", 1000));
    store.saveStepRun(step(id, "a", RunStatus.SUCCEEDED, "k", 10));
    store.recordArtifact(sha, 12, "text/csv", 1);
    store.recordArtifact(sha, 12, "text/csv", 2); // idempotent
    store.recordLineage(List.of(new LineageEdge(id, "a", "out", "model", sha), new LineageEdge(id, "a", "in", "file:data.csv", sha)));
    store.recordLineage(List.of(new LineageEdge(id, "a", "out", "model", sha))); // re-recording replaces
    store.recordMetrics(List.of(new MetricRecord(id, "a", "loss", 0, 0.9, 1), new MetricRecord(id, "a", "loss", 1, 0.5, 2)));
    assertThat(store.lineage(id)).extracting(LineageEdge::direction, LineageEdge::name).containsExactly(
        org.assertj.core.groups.Tuple.tuple("in", "file:data.csv"), org.assertj.core.groups.Tuple.tuple("out", "model"));
    assertThat(store.metrics(id)).extracting(MetricRecord::value).containsExactly(0.9, 0.5);
    assertThat(store.metrics(id, "a")).extracting(MetricRecord::value).containsExactly(0.9, 0.5);
    assertThat(store.metrics(id, "b")).isEmpty();
  }

  @Test
  void listsRunsNewestFirst() {
    String pipeline = "list-" + UUID.randomUUID().toString().substring(0, 8);
    long base = System.currentTimeMillis() + 10_000_000;
    for (int i = 0; i < 3; i++) store.createRun(newRun(pipeline + "-" + i, pipeline, base + i));
    List<RunRecord> runs = store.listRuns(3);
    assertThat(runs).extracting(RunRecord::id).containsExactly(pipeline + "-2", pipeline + "-1", pipeline + "-0");
  }

  @Test
  void concurrentWritersDoNotCorruptEachOther() throws Exception {
    String id = id();
    store.createRun(newRun(id, "p", 1000));
    String sha = "ab".repeat(32);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      int thread = t;
      futures.add(pool.submit(() -> {
        for (int i = 0; i < 25; i++) {
          String key = "s" + thread + "[" + i + "]";
          store.saveStepRun(step(id, key, RunStatus.RUNNING, null, i + 1));
          store.recordArtifact(sha, 1, "x", i);
          store.recordMetrics(List.of(new MetricRecord(id, key, "m", i, i, i)));
          store.saveStepRun(step(id, key, RunStatus.SUCCEEDED, "k" + thread + "-" + i, i + 2));
        }
        return null;
      }));
    }
    for (Future<?> f : futures) f.get(60, TimeUnit.SECONDS);
    pool.shutdown();
    List<StepRunRecord> steps = store.stepRuns(id);
    assertThat(steps).hasSize(200).allSatisfy(s -> assertThat(s.status()).isEqualTo(RunStatus.SUCCEEDED));
    assertThat(store.metrics(id)).hasSize(200);
  }
}
