package dev.kiln.tune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SamplerTest {

  @Test
  void stableRanksOrderAsAStableSortOfTheIndices() {
    SplittableRandom rng = new SplittableRandom(4);
    for (int round = 0; round < 200; round++) {
      double[] v = new double[1 + rng.nextInt(40)];
      for (int i = 0; i < v.length; i++) v[i] = switch (rng.nextInt(4)) { // many ties, and both zeros
        case 0 -> rng.nextInt(3);
        case 1 -> -0.0;
        case 2 -> 0.0;
        default -> rng.nextGaussian();
      };
      Integer[] order = new Integer[v.length];
      for (int i = 0; i < v.length; i++) order[i] = i;
      java.util.Arrays.sort(order, java.util.Comparator.comparingDouble(i -> v[i]));
      int[] expected = new int[v.length];
      for (int pos = 0; pos < v.length; pos++) expected[order[pos]] = pos;
      assertThat(Tpe.stableRanks(v)).as(java.util.Arrays.toString(v)).containsExactly(expected);
    }
  }

  @Test
  void gammaAndWeightsFollowOptunasDefaults() {
    assertThat(Tpe.gamma(1)).isEqualTo(1);
    assertThat(Tpe.gamma(10)).isEqualTo(1);
    assertThat(Tpe.gamma(11)).isEqualTo(2);
    assertThat(Tpe.gamma(1000)).isEqualTo(25);
    assertThat(Tpe.weights(24)).containsOnly(1.0);
    double[] w = Tpe.weights(30); // linspace(1/30, 1, 5) then 25 ones
    assertThat(w[0]).isCloseTo(1.0 / 30, within(1e-12));
    assertThat(w[4]).isCloseTo(1.0, within(1e-12));
    assertThat(w[2]).isCloseTo((1.0 / 30 + 1) / 2, within(1e-12));
    assertThat(w[29]).isEqualTo(1.0);
  }

  @Test
  void truncatedNormalIsADensityAndStableInTheTails() {
    double mu = 0.3, sigma = 0.2, lo = 0, hi = 1;
    double integral = 0;
    int n = 100_000;
    for (int i = 0; i < n; i++) {
      double x = lo + (i + 0.5) * (hi - lo) / n;
      integral += Math.exp(TruncNorm.logPdf(x, mu, sigma, lo, hi)) * (hi - lo) / n;
    }
    assertThat(integral).isCloseTo(1.0, within(1e-6));
    // far in a tail, the mass stays finite and matches the asymptote log(phi(a)/a)
    double a = 30;
    assertThat(TruncNorm.logGaussMass(a, a + 1)).isCloseTo(-0.5 * a * a - Math.log(a) - 0.5 * Math.log(2 * Math.PI), within(1e-2));
    assertThat(TruncNorm.logGaussMass(-a - 1, -a)).isCloseTo(TruncNorm.logGaussMass(a, a + 1), within(1e-9));
    SplittableRandom rng = new SplittableRandom(1);
    for (int i = 0; i < 1000; i++) assertThat(TruncNorm.sample(rng, 5, 0.1, 0, 1)).isBetween(0.0, 1.0);
  }

  @Test
  void theSameSeedGivesTheSameTrials() {
    Functions.Fn f = Functions.branin();
    for (Sampler s : List.of(new Tpe(f.space(), false, 10, 24, false, false), new Gp(f.space(), false, 10, 256, 3), new Sampler.Random(f.space()))) {
      double[] a = Functions.run(s, f, 25, 7, null);
      Sampler again = s instanceof Tpe ? new Tpe(f.space(), false, 10, 24, false, false) : s instanceof Gp ? new Gp(f.space(), false, 10, 256, 3) : new Sampler.Random(f.space());
      assertThat(Functions.run(again, f, 25, 7, null)).containsExactly(a);
    }
  }

  @Test
  void tpeAndGpBeatRandomSearchOnBraninOverTenSeeds() {
    Functions.Fn f = Functions.branin();
    double tpe = 0, gp = 0, random = 0;
    for (long seed = 1; seed <= 10; seed++) {
      tpe += Functions.run(new Tpe(f.space(), false, 10, 24, false, false), f, 60, seed, null)[59];
      gp += Functions.run(new Gp(f.space(), false, 10, 512, 5), f, 30, seed, null)[29];
      random += Functions.run(new Sampler.Random(f.space()), f, 60, seed, null)[59];
    }
    assertThat(tpe / 10).isLessThan(random / 10);
    assertThat(gp / 10).isLessThan(random / 10);
    assertThat(gp / 10 - f.optimum()).isLessThan(0.05); // the GP nearly solves Branin in 30 trials
  }

  @Test
  void conditionalSpacesSampleOnlyTheChosenBranch() {
    Map<String, Object> space = new LinkedHashMap<>();
    space.put("algorithm", Map.of("choice", Map.of("xgboost", Map.of("trees", Map.of("int", List.of(10, 100))), "knn", Map.of("k", Map.of("int", List.of(1, 30))), "naive-bayes", Map.of())));
    space.put("seed-ish", Map.of("choice", List.of("a", "b")));
    Space s = Space.parse(space, "space");
    Tpe tpe = new Tpe(s, true, 5, 24, false, false);
    List<Trial> history = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      Map<String, Object> p = tpe.propose(i, history, new SplittableRandom(i));
      String alg = (String) p.get("algorithm");
      assertThat(p.containsKey("algorithm[xgboost].trees")).isEqualTo(alg.equals("xgboost"));
      assertThat(p.containsKey("algorithm[knn].k")).isEqualTo(alg.equals("knn"));
      double v = alg.equals("knn") ? ((Number) p.get("algorithm[knn].k")).doubleValue() : 0; // knn with large k is best
      history.add(new Trial(i, p, Trial.State.COMPLETE, v, null, 0, false, null));
      assertThat(s.named(p)).containsKey("algorithm");
    }
    long knnLate = history.subList(20, 40).stream().filter(t -> t.params().get("algorithm").equals("knn")).count();
    assertThat(knnLate).isGreaterThan(12); // TPE learned which branch pays
  }

  @Test
  void gridVisitsEveryPointOnceIncludingSubspaces() {
    Map<String, Object> space = new LinkedHashMap<>();
    space.put("algorithm", Map.of("choice", Map.of("a", Map.of("depth", Map.of("int", List.of(1, 3))), "b", Map.of())));
    space.put("rate", Map.of("float", List.of(0.1, 0.3), "step", 0.1));
    Sampler.Grid g = new Sampler.Grid(Space.parse(space, "space"), 3);
    assertThat(g.size()).isEqualTo((3 + 1) * 3);
    List<Trial> history = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < g.size(); i++) {
      Map<String, Object> p = g.propose(i, history, null);
      assertThat(seen.add(new java.util.TreeMap<>(p).toString())).isTrue();
      history.add(Trial.running(i, p));
    }
    assertThat(g.exhausted(history)).isTrue();
    assertThat(g.propose(99, history, null)).isNull();
  }

  @Test
  void medianPrunerStopsTrialsBelowTheMedianAtTheSameStep() {
    List<Trial> history = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      java.util.TreeMap<Long, Double> iv = new java.util.TreeMap<>(Map.of(1L, 0.80 + i * 0.01, 2L, 0.81 + i * 0.01));
      history.add(new Trial(i, Map.of(), Trial.State.COMPLETE, 0.8, iv, 0, false, null));
    }
    Pruner median = new Pruner.Median(true, 5, 0);
    assertThat(median.prune(9, new java.util.TreeMap<>(Map.of(1L, 0.79)), 1, history)).isTrue();
    assertThat(median.prune(9, new java.util.TreeMap<>(Map.of(1L, 0.83)), 1, history)).isFalse();
    assertThat(new Pruner.Median(true, 6, 0).prune(9, new java.util.TreeMap<>(Map.of(1L, 0.1)), 1, history)).isFalse(); // still starting up
    assertThat(new Pruner.Median(true, 5, 1).prune(9, new java.util.TreeMap<>(Map.of(1L, 0.1)), 1, history)).isFalse(); // warm-up
  }

  @Test
  void ashaKeepsTheTopFractionAtEachRung() {
    Pruner asha = new Pruner.Asha(false, 1, 2); // minimise; rungs at steps 1, 2, 4
    List<Trial> history = new ArrayList<>();
    for (int i = 0; i < 4; i++) history.add(new Trial(i, Map.of(), Trial.State.COMPLETE, 1.0, new java.util.TreeMap<>(Map.of(1L, (double) i)), 0, false, null));
    // five values at rung 1 (0, 1, 2, 3 and ours): the best 5/2 = 2 go on
    assertThat(asha.prune(9, new java.util.TreeMap<>(Map.of(1L, 0.5)), 1, history)).isFalse();
    assertThat(asha.prune(9, new java.util.TreeMap<>(Map.of(1L, 1.5)), 1, history)).isTrue();
    assertThat(asha.prune(9, new java.util.TreeMap<>(Map.of(1L, 1.5, 3L, 9.0)), 3, history)).isFalse(); // 3 is not a rung
  }
}
