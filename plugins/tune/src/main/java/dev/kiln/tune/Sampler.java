package dev.kiln.tune;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/** Proposes the parameters of the next trial from the history of the search. */
interface Sampler {

  /**
   * @param history every trial so far, including those still RUNNING
   * @param rng this trial's own random stream (derived from the seed and the trial number, so a
   *     search is reproducible and a resumed one proposes what the killed one would have)
   * @return parameter id -> value for every parameter active in the proposal
   */
  Map<String, Object> propose(int number, List<Trial> history, SplittableRandom rng);

  /** Whether the sampler can propose more (a grid runs out); others are unbounded. */
  default boolean exhausted(List<Trial> history) {
    return false;
  }

  /** Draws one value of a parameter uniformly (log-uniformly for log ranges, on the step grid). */
  static Object uniform(Space.Dim d, SplittableRandom rng) {
    if (d instanceof Space.Cat c) return c.choices().get(rng.nextInt(c.choices().size()));
    Space.Num n = (Space.Num) d;
    if (n.step() > 0 && !n.log()) {
      return n.toExternal(n.low() + rng.nextLong(n.count()) * n.step());
    }
    return n.toExternal(n.lo() + rng.nextDouble() * (n.hi() - n.lo()));
  }

  /**
   * Walks the space, asking {@code pick} for each active parameter not yet chosen, parents before
   * their subspaces.
   */
  static Map<String, Object> walk(Space space, Map<String, Object> chosen, java.util.function.Function<Space.Dim, Object> pick) {
    Map<String, Object> out = new LinkedHashMap<>(chosen);
    fill(space, out, pick);
    return out;
  }

  private static void fill(Space space, Map<String, Object> out, java.util.function.Function<Space.Dim, Object> pick) {
    for (Space.Dim d : space.dims()) {
      if (!out.containsKey(d.id())) out.put(d.id(), pick.apply(d));
      if (d instanceof Space.Cat c) {
        Space sub = c.sub().get(c.choices().get(Math.max(0, c.index(out.get(d.id())))));
        if (sub != null) fill(sub, out, pick);
      }
    }
  }

  /** Independent uniform sampling. */
  record Random(Space space) implements Sampler {
    @Override
    public Map<String, Object> propose(int number, List<Trial> history, SplittableRandom rng) {
      return walk(space, Map.of(), d -> uniform(d, rng));
    }
  }

  /**
   * Every combination of the (discrete) space once, in an order shuffled with the seed (as
   * Optuna's GridSampler); trials already run or running are not proposed again.
   */
  final class Grid implements Sampler {
    private final List<Map<String, Object>> points;

    Grid(Space space, long seed) {
      List<Map<String, Object>> all = new ArrayList<>();
      expand(space.dims(), new LinkedHashMap<>(), all);
      Collections.shuffle(all, new java.util.Random(seed));
      this.points = List.copyOf(all);
    }

    int size() {
      return points.size();
    }

    private static void expand(List<Space.Dim> queue, Map<String, Object> cur, List<Map<String, Object>> out) {
      if (queue.isEmpty()) {
        out.add(new LinkedHashMap<>(cur));
        return;
      }
      Space.Dim d = queue.get(0);
      List<Object> values = d instanceof Space.Cat c ? c.choices() : ((Space.Num) d).values();
      for (Object v : values) {
        cur.put(d.id(), v);
        List<Space.Dim> next = new ArrayList<>();
        if (d instanceof Space.Cat c && c.sub().containsKey(v)) next.addAll(c.sub().get(v).dims());
        next.addAll(queue.subList(1, queue.size()));
        expand(next, cur, out);
      }
      cur.remove(d.id());
    }

    @Override
    public Map<String, Object> propose(int number, List<Trial> history, SplittableRandom rng) {
      Set<String> used = used(history);
      for (Map<String, Object> p : points) if (!used.contains(key(p))) return p;
      return null;
    }

    @Override
    public boolean exhausted(List<Trial> history) {
      return used(history).size() >= points.size();
    }

    private static Set<String> used(List<Trial> history) {
      Set<String> used = new HashSet<>();
      for (Trial t : history) used.add(key(t.params()));
      return used;
    }

    private static String key(Map<String, Object> p) {
      return new java.util.TreeMap<>(p).toString();
    }
  }
}
