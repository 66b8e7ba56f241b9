package dev.kiln.tune;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One trial of a search.
 *
 * @param params parameter id -> value (see {@link Space.Dim#id()})
 * @param value the objective as the trainer reported it (null unless complete)
 * @param intermediate step -> objective reported while the trial ran (e.g. the running mean over
 *     cross-validation folds), used by pruners and by TPE to rank pruned trials
 * @param millis how long it ran
 * @param cached its result came from the cache (an equal trial of an earlier run)
 * @param error why it failed or was pruned
 */
record Trial(int number, Map<String, Object> params, State state, Double value, SortedMap<Long, Double> intermediate, long millis, boolean cached, String error) {

  enum State {
    RUNNING,
    COMPLETE,
    PRUNED,
    FAILED
  }

  Trial {
    params = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(params));
    intermediate = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(intermediate == null ? Map.of() : intermediate));
  }

  static Trial running(int number, Map<String, Object> params) {
    return new Trial(number, params, State.RUNNING, null, null, 0, false, null);
  }

  /** The value to minimise. */
  double loss(boolean maximize) {
    return maximize ? -value : value;
  }
}
