package dev.kiln.tune;

import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;

/** Decides, from a running trial's intermediate values, whether to stop it early. */
interface Pruner {

  /**
   * @param number the running trial
   * @param intermediate its values so far (step -> objective), including {@code step}
   * @param history every trial, finished or running (with their intermediate values)
   */
  boolean prune(int number, SortedMap<Long, Double> intermediate, long step, List<Trial> history);

  Pruner NONE = (n, i, s, h) -> false;

  /**
   * Optuna's MedianPruner: after {@code startup} complete trials and {@code warmup} steps, stop a
   * trial whose best value so far is worse than the median of the complete trials at this step.
   */
  record Median(boolean maximize, int startup, int warmup) implements Pruner {
    @Override
    public boolean prune(int number, SortedMap<Long, Double> intermediate, long step, List<Trial> history) {
      if (step <= warmup) return false;
      List<Double> others = new ArrayList<>();
      int complete = 0;
      for (Trial t : history) {
        if (t.state() != Trial.State.COMPLETE) continue;
        complete++;
        Double v = t.intermediate().get(step);
        if (v != null && !v.isNaN()) others.add(v);
      }
      if (complete < startup || others.isEmpty()) return false;
      double best = maximize ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
      for (double v : intermediate.values()) if (!Double.isNaN(v)) best = maximize ? Math.max(best, v) : Math.min(best, v);
      if (Double.isInfinite(best)) return true; // only NaNs so far
      others.sort(null);
      int n = others.size();
      double median = n % 2 == 1 ? others.get(n / 2) : 0.5 * (others.get(n / 2 - 1) + others.get(n / 2));
      return maximize ? best < median : best > median;
    }
  }

  /**
   * Asynchronous successive halving (Optuna's SuccessiveHalvingPruner): rungs at steps {@code
   * minResource * factor^k}; at a rung a trial continues only if its value is among the best
   * 1/{@code factor} of all values recorded at that rung so far (the best one while fewer than
   * {@code factor} trials got there).
   */
  record Asha(boolean maximize, long minResource, int factor) implements Pruner {
    @Override
    public boolean prune(int number, SortedMap<Long, Double> intermediate, long step, List<Trial> history) {
      if (!isRung(step)) return false;
      double value = intermediate.get(step);
      if (Double.isNaN(value)) return true;
      List<Double> competing = new ArrayList<>();
      competing.add(value);
      for (Trial t : history) {
        if (t.number() == number) continue;
        Double v = t.intermediate().get(step);
        if (v != null && !v.isNaN()) competing.add(v);
      }
      int idx = competing.size() / factor - 1;
      if (idx < 0) idx = 0;
      competing.sort(null);
      return maximize ? value < competing.get(competing.size() - 1 - idx) : value > competing.get(idx);
    }

    boolean isRung(long step) {
      long r = minResource;
      while (r < step) r *= factor;
      return r == step;
    }
  }
}
