package dev.kiln.tune;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * bench/tune/run.sh: runs Kiln's samplers on the standard functions (30 seeds x 100 trials by
 * default) and prints one JSON line per study: {"impl":"kiln","sampler":..,"function":..,
 * "seed":..,"best":..}, then the sampler's time per proposal at 100 and 1000 completed trials.
 * Not a test: timings are never asserted.
 */
public final class SamplerBench {
  private SamplerBench() {}

  public static void main(String[] args) {
    int seeds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
    int trials = args.length > 1 ? Integer.parseInt(args[1]) : 100;
    List<String> samplers = args.length > 2 ? List.of(args[2].split(",")) : List.of("tpe", "gp", "random");
    String only = System.getenv().getOrDefault("BENCH_FUNCTIONS", "");
    int firstSeed = Integer.parseInt(System.getenv().getOrDefault("BENCH_FIRST_SEED", "0")); // to split a long run into pieces
    List<Functions.Fn> fns = new ArrayList<>(Functions.all());
    if (List.of(only.split(",")).contains("xgb-auc")) fns.add(Functions.xgbAuc(System.getenv("BENCH_PYTHON"), "bench/tune/xgb_objective.py"));
    for (Functions.Fn f : fns) {
      if (!only.isEmpty() && !List.of(only.split(",")).contains(f.name())) continue;
      for (String s : samplers) {
        for (int seed = firstSeed; seed < firstSeed + seeds; seed++) {
          long t0 = System.nanoTime();
          double[] best = Functions.run(sampler(s, f.space()), f, trials, seed, null);
          System.out.printf(Locale.ROOT, "{\"impl\":\"kiln\",\"sampler\":\"%s\",\"function\":\"%s\",\"seed\":%d,\"best\":%.10g,\"seconds\":%.3f}%n", s, f.name(), seed, best[trials - 1], (System.nanoTime() - t0) / 1e9);
        }
      }
    }
    if (Boolean.parseBoolean(System.getenv().getOrDefault("BENCH_NO_OVERHEAD", "false"))) return;
    // sampler overhead: time to propose with 100 and 1000 completed trials in the history (Ackley 5-d)
    Functions.Fn f = Functions.ackley5();
    for (String s : samplers) {
      if (s.equals("tpe-uni")) continue;
      for (int n : new int[] {100, 1000}) {
        if (s.equals("gp") && n > 300 && !"true".equals(System.getenv("BENCH_GP1000"))) continue;
        if (s.equals("auto") && n < Auto.GP_MAX_TRIALS) continue; // the GP's time, measured as gp
        Sampler sampler = sampler(s, f.space());
        List<Trial> history = new ArrayList<>();
        java.util.SplittableRandom rng = new java.util.SplittableRandom(1);
        for (int i = 0; i < n; i++) {
          Map<String, Object> p = Sampler.walk(f.space(), Map.of(), d -> Sampler.uniform(d, rng));
          history.add(new Trial(i, p, Trial.State.COMPLETE, f.eval(p), null, 0, false, null));
        }
        int reps = s.equals("gp") ? 5 : 50;
        // warm-up until the JIT has compiled the sampler (TPE at 1000 trials settles after ~300 proposals)
        for (int r = 0; r < (s.equals("gp") ? 3 : 300); r++) sampler.propose(n, history, new java.util.SplittableRandom(-1 - r));
        long t0 = System.nanoTime();
        for (int r = 0; r < reps; r++) sampler.propose(n + r, history, new java.util.SplittableRandom(r));
        System.out.printf(Locale.ROOT, "{\"impl\":\"kiln\",\"sampler\":\"%s\",\"overhead_trials\":%d,\"ms_per_proposal\":%.3f}%n", s, n, (System.nanoTime() - t0) / 1e6 / reps);
      }
    }
  }

  static Sampler sampler(String name, Space space) {
    return switch (name) {
      case "tpe" -> new Tpe(space, false, 10, 24, true, false); // kiln/tune's tpe: multivariate, as Optuna 5's default
      case "tpe-uni" -> new Tpe(space, false, 10, 24, false, false); // multivariate: false
      case "auto" -> new Auto(space, false, 10, 24, false);
      case "gp" -> new Gp(space, false, 10);
      case "random" -> new Sampler.Random(space);
      default -> throw new IllegalArgumentException("unknown sampler " + name + " (tpe, tpe-uni, auto, gp, random)");
    };
  }
}
