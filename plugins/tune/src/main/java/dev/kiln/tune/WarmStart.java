package dev.kiln.tune;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code warm-start: true}: the complete trials earlier runs of the same kiln/tune step recorded in
 * their durable state, for the sampler to learn from before this search proposes its first trial.
 * An earlier run counts only when it optimised the same objective (its {@link #KEY} entry equals
 * this run's); an earlier trial counts only when it {@link Space#fits fits} the current space, so
 * trials of a space that has changed since are skipped and counted, never mixed in.
 *
 * @param trials oldest first, numbered -n .. -1 so they rank before this run's trials (TPE weighs
 *     the newest observations most)
 * @param runs the earlier runs the trials came from
 * @param outside trials skipped because they no longer fit the space
 * @param otherObjective earlier runs skipped because they optimised another objective (or recorded none)
 */
record WarmStart(List<Trial> trials, int runs, int outside, int otherObjective) {
  /** The state entry that records what a search optimised (trainer, metric, direction). */
  static final String KEY = "objective";

  /** How many earlier runs a warm start reads at most. */
  static final int MAX_RUNS = 20;

  /**
   * @param states the step's state in earlier runs, newest first ({@code StepContext.earlierStates})
   * @param objective this run's {@link #KEY} entry
   */
  static WarmStart from(List<Map<String, String>> states, Space space, String objective) throws Exception {
    List<List<Trial>> perRun = new ArrayList<>();
    int outside = 0;
    int other = 0;
    Set<String> seen = new HashSet<>();
    for (Map<String, String> state : states) {
      if (!objective.equals(state.get(KEY))) {
        other++;
        continue;
      }
      List<Trial> mine = new ArrayList<>();
      for (var e : new TreeMap<>(state).entrySet()) {
        if (!e.getKey().startsWith("trial-")) continue;
        Trial t = TuneStep.fromJson(e.getValue());
        if (t.state() != Trial.State.COMPLETE || t.value() == null || !Double.isFinite(t.value())) continue;
        if (!space.fits(t.params())) {
          outside++;
          continue;
        }
        // a trial a later run took from the cache is the same observation: count it once (the newest)
        if (!seen.add(new TreeMap<>(t.params()).toString())) continue;
        mine.add(t);
      }
      if (!mine.isEmpty()) perRun.add(mine);
    }
    List<Trial> out = new ArrayList<>();
    for (int r = perRun.size() - 1; r >= 0; r--) out.addAll(perRun.get(r)); // oldest run first
    for (int i = 0; i < out.size(); i++) {
      Trial t = out.get(i);
      out.set(i, new Trial(i - out.size(), t.params(), t.state(), t.value(), t.intermediate(), t.millis(), t.cached(), t.error()));
    }
    return new WarmStart(List.copyOf(out), perRun.size(), outside, other);
  }

  /** The step-log line. */
  String describe() {
    if (trials.isEmpty() && outside == 0 && otherObjective == 0) return "warm start: no earlier run of this step recorded a complete trial";
    StringBuilder b = new StringBuilder("warm start: ");
    b.append(trials.size()).append(trials.size() == 1 ? " trial" : " trials").append(" from ").append(runs).append(runs == 1 ? " earlier run" : " earlier runs");
    if (outside > 0) b.append("; ").append(outside).append(outside == 1 ? " earlier trial skipped: it" : " earlier trials skipped: they").append(" no longer fit the space");
    if (otherObjective > 0) b.append("; ").append(otherObjective).append(otherObjective == 1 ? " earlier run" : " earlier runs").append(" skipped: another objective");
    return b.toString();
  }
}
