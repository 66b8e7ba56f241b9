package dev.kiln.tune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.api.Artifact;
import dev.kiln.api.ChildRun;
import dev.kiln.api.InvalidParamException;
import dev.kiln.api.StepContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kiln/tune's warm start: earlier runs' trials that fit the space and objective feed the sampler; the rest are counted. */
class WarmStartTest {
  @TempDir Path dir;

  private static Map<String, Object> space() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("x", Map.of("float", List.of(0.0, 1.0)));
    m.put("n", Map.of("int", List.of(1, 8)));
    return m;
  }

  private static TuneStep.Params params(String sampler, boolean warm, int trials) {
    return new TuneStep.Params("test/trainer", Map.of(), null, new TuneStep.Objective("score", "minimize", 3, null), space(), sampler, trials,
        null, null, null, 1, 11L, 5, null, null, null, null, warm);
  }

  private static String trial(int number, String state, Double value, Map<String, Object> params) throws Exception {
    return TuneStep.toJson(new Trial(number, params, Trial.State.valueOf(state), value, null, 5, false, null));
  }

  /** Earlier state: one run of this objective whose trials cluster near x = 0.9 (the best), with some that no longer fit. */
  private static List<Map<String, String>> earlier(String objective) throws Exception {
    Map<String, String> run = new LinkedHashMap<>();
    run.put(WarmStart.KEY, objective);
    for (int i = 0; i < 20; i++) {
      double x = 0.05 * i;
      run.put(String.format("trial-%05d", i), trial(i, "COMPLETE", Math.abs(x - 0.9), Map.of("x", x, "n", 1 + i % 8)));
    }
    run.put("trial-00020", trial(20, "COMPLETE", 0.5, Map.of("x", 1.5, "n", 3))); // x out of range now
    run.put("trial-00021", trial(21, "COMPLETE", 0.5, Map.of("x", 0.5, "n", 3, "gone", 1))); // a parameter since removed
    run.put("trial-00022", trial(22, "COMPLETE", 0.5, Map.of("x", 0.5))); // a parameter since added
    run.put("trial-00023", trial(23, "COMPLETE", 0.5, Map.of("x", 0.5, "n", 2.5))); // not an int
    run.put("trial-00024", trial(24, "FAILED", null, Map.of("x", 0.5, "n", 2))); // not finished: never counted
    Map<String, String> other = new LinkedHashMap<>();
    other.put(WarmStart.KEY, "{\"direction\":\"maximize\",\"metric\":\"cv.other\",\"trainer\":\"test/trainer\"}");
    other.put("trial-00000", trial(0, "COMPLETE", 0.0, Map.of("x", 0.1, "n", 1)));
    return List.of(run, other);
  }

  @Test
  void earlierTrialsOutsideTheSpaceOrOfAnotherObjectiveAreSkippedAndCounted() throws Exception {
    Space s = Space.parse(space(), "space");
    String objective = TuneStep.objectiveKey(params("tpe", true, 5), "cv.score", false);
    WarmStart w = WarmStart.from(earlier(objective), s, objective);
    assertThat(w.trials()).hasSize(20);
    assertThat(w.outside()).isEqualTo(4);
    assertThat(w.otherObjective()).isEqualTo(1);
    assertThat(w.runs()).isEqualTo(1);
    assertThat(w.trials()).allMatch(t -> t.number() < 0 && s.fits(t.params()));
    assertThat(WarmStart.from(List.of(), s, objective).describe()).isEqualTo("warm start: no earlier run of this step recorded a complete trial");
    assertThat(w.describe()).isEqualTo("warm start: 20 trials from 1 earlier run; 4 earlier trials skipped: they no longer fit the space; 1 earlier run skipped: another objective");
  }

  @Test
  void aWarmStartedSearchProposesFromTheModelAtOnceAndLogsWhatItSkipped() throws Exception {
    String objective = TuneStep.objectiveKey(params("tpe", true, 5), "cv.score", false);
    Fake warm = new Fake(earlier(objective), p -> Math.abs(((Number) p.get("x")).doubleValue() - 0.9));
    new TuneStep().execute(params("tpe", true, 4), warm);
    assertThat(warm.logs).contains("warm start: 20 trials from 1 earlier run; 4 earlier trials skipped: they no longer fit the space; 1 earlier run skipped: another objective");
    assertThat(warm.state).containsEntry(WarmStart.KEY, objective);
    // startup-trials 5 is already met by the earlier trials: every proposal is TPE's, near the earlier best x = 0.9
    assertThat(warm.xs).hasSize(4).allMatch(x -> x > 0.6, "near the earlier best");
    // without warm start the same search starts with uniform random trials
    Fake cold = new Fake(earlier(objective), p -> Math.abs(((Number) p.get("x")).doubleValue() - 0.9));
    new TuneStep().execute(params("tpe", false, 4), cold);
    assertThat(cold.logs).noneMatch(l -> l.startsWith("warm start"));
    assertThat(cold.xs).anyMatch(x -> x <= 0.6);
  }

  @Test
  void warmStartIsRefusedForSamplersThatDoNotLearn() {
    assertThatThrownBy(() -> params("random", true, 5)).isInstanceOf(InvalidParamException.class).hasMessageContaining("warm-start needs a sampler that learns");
    assertThat(params(null, false, 5).sampler()).isEqualTo("auto");
    assertThat(params(null, false, 5).multivariate()).isTrue();
  }

  /** A step context whose children are a function of their hyperparameters. */
  final class Fake implements StepContext {
    final List<Map<String, String>> earlier;
    final ToDoubleFunction<Map<String, Object>> f;
    final List<String> logs = Collections.synchronizedList(new ArrayList<>());
    final List<Double> xs = Collections.synchronizedList(new ArrayList<>());
    final Map<String, String> state = new ConcurrentHashMap<>();

    Fake(List<Map<String, String>> earlier, ToDoubleFunction<Map<String, Object>> f) {
      this.earlier = earlier;
      this.f = f;
    }

    @Override public String runId() { return "r"; }
    @Override public String stepId() { return "search"; }
    @Override public Path projectDir() { return dir; }

    @Override
    public Path scratchDir() {
      try {
        return Files.createDirectories(dir.resolve("scratch"));
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }

    @Override public Artifact storeArtifact(Path file, String mediaType) throws java.io.IOException { return new Artifact("0".repeat(64), Files.size(file), mediaType, file.getFileName().toString()); }
    @Override public Path open(Artifact artifact) { throw new UnsupportedOperationException(); }
    @Override public void metric(String name, double value, long step) {}
    @Override public void log(String line) { logs.add(line); }
    @Override public Map<String, String> env() { return Map.of(); }
    @Override public long seed() { return 1; }
    @Override public boolean cancelled() { return false; }
    @Override public Map<String, String> state() { return Map.copyOf(state); }
    @Override public void saveState(String key, String value) { state.put(key, value); }
    @Override public List<Map<String, String>> earlierStates(int limit) { return earlier.subList(0, Math.min(limit, earlier.size())); }

    @Override
    @SuppressWarnings("unchecked")
    public ChildRun runChild(String name, String uses, Map<String, Object> with, ChildRun.Monitor monitor, java.time.Duration timeout) {
      Map<String, Object> hp = new LinkedHashMap<>(with);
      if (with.get("hyperparameters") instanceof Map<?, ?> h) hp.putAll((Map<String, Object>) h);
      xs.add(((Number) hp.get("x")).doubleValue());
      return new ChildRun(name, ChildRun.Status.SUCCEEDED, Map.of(), Map.of("cv.score", f.applyAsDouble(hp)), null, null, 1);
    }

    @Override
    public ChildRun runChild(String name, String uses, Map<String, Object> with, ChildRun.Monitor monitor) {
      return runChild(name, uses, with, monitor, null);
    }
  }
}
