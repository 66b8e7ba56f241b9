package dev.kiln.tune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GpTest {

  private static double[][] points(int n, int d, SplittableRandom rng) {
    double[][] x = new double[n][d];
    for (double[] row : x) for (int j = 0; j < d; j++) row[j] = rng.nextDouble();
    return x;
  }

  @Test
  void logEiGradientMatchesFiniteDifferences() {
    Functions.Fn f = Functions.hartmann6();
    Gp gp = new Gp(f.space(), false, 10);
    SplittableRandom rng = new SplittableRandom(3);
    double[][] x = points(30, 6, rng);
    double[] y = new double[x.length];
    for (int i = 0; i < x.length; i++) y[i] = Math.sin(3 * x[i][0]) + x[i][1] * x[i][2] - x[i][5];
    Gp.Model m = gp.fit(x, y);
    double best = java.util.Arrays.stream(y).max().orElseThrow();
    for (int probe = 0; probe < 20; probe++) {
      double[] u = points(1, 6, rng)[0];
      double[] g = new double[6];
      double v = m.logEiWithGradient(u, best, g);
      assertEquals(m.logEi(u, best), v, 1e-12);
      for (int j = 0; j < 6; j++) {
        double h = 1e-6;
        double[] a = u.clone();
        double[] b = u.clone();
        a[j] += h;
        b[j] -= h;
        double fd = (m.logEi(a, best) - m.logEi(b, best)) / (2 * h);
        assertEquals(fd, g[j], 1e-4 * Math.max(1, Math.abs(fd)), "d/dx" + j + " at probe " + probe);
      }
    }
  }

  @Test
  void kernelFitImprovesTheMarginalLikelihoodOverTheDefaults() {
    Functions.Fn f = Functions.branin();
    Gp gp = new Gp(f.space(), false, 10);
    SplittableRandom rng = new SplittableRandom(5);
    double[][] x = points(40, 2, rng);
    double[] y = new double[x.length];
    for (int i = 0; i < x.length; i++) y[i] = -Math.pow(x[i][0] - 0.3, 2) * 20 + Math.cos(9 * x[i][1]);
    Gp.Model fitted = gp.fit(x, y);
    double defaults = gp.new Model(x, y, new double[4]).objective();
    assertTrue(fitted.objective() > defaults + 1, fitted.objective() + " vs " + defaults);
  }

  @Test
  void aDeterministicObjectiveIsFittedWithNoiseBelowOptunasFloor() {
    // noiseless, smooth data: the fitted noise goes far below Optuna's 1e-6, so the GP interpolates
    Functions.Fn f = Functions.branin();
    Gp gp = new Gp(f.space(), false, 10);
    SplittableRandom rng = new SplittableRandom(11);
    double[][] x = points(60, 2, rng);
    double[] y = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      double a = 15 * x[i][0] - 5;
      double b = 15 * x[i][1];
      y[i] = -Math.pow(b - 5.1 / (4 * Math.PI * Math.PI) * a * a + 5 / Math.PI * a - 6, 2) - 10 * (1 - 1 / (8 * Math.PI)) * Math.cos(a);
    }
    double mean = java.util.Arrays.stream(y).average().orElseThrow();
    double sd = Math.sqrt(java.util.Arrays.stream(y).map(v -> (v - mean) * (v - mean)).sum() / y.length);
    for (int i = 0; i < y.length; i++) y[i] = (y[i] - mean) / sd;
    Gp.Model m = gp.fit(x, y);
    assertTrue(m.noise < 5e-7, "noise " + m.noise); // 1.2e-7 here; Optuna could not go below 1e-6
    for (int i = 0; i < x.length; i++) assertEquals(y[i], m.mean(x[i]), 1e-4, "the posterior mean at observation " + i);
  }

  @Test
  void boundedQuasiNewtonFindsAMinimumOnTheBoundary() {
    // Rosenbrock in [-2, 2] x [1.5, 3]: the minimum inside the box is on the edge y = 1.5, at x = 1.2244
    Lbfgsb.Result r = Lbfgsb.minimize((p, g) -> {
      double a = 1 - p[0];
      double b = p[1] - p[0] * p[0];
      g[0] = -2 * a - 400 * p[0] * b;
      g[1] = 200 * b;
      return a * a + 100 * b * b;
    }, new double[] {1.9, 2.5}, new double[] {-2, 1.5}, new double[] {2, 3}, 1e-8, 500);
    assertEquals(1.5, r.x()[1], 1e-9);
    assertEquals(1.2247, r.x()[0], 1e-3);
    // and the unconstrained minimum when it lies inside
    Lbfgsb.Result inside = Lbfgsb.minimize((p, g) -> {
      double a = 1 - p[0];
      double b = p[1] - p[0] * p[0];
      g[0] = -2 * a - 400 * p[0] * b;
      g[1] = 200 * b;
      return a * a + 100 * b * b;
    }, new double[] {-1.2, 1}, new double[] {-2, -2}, new double[] {2, 2}, 1e-9, 1000);
    assertEquals(1, inside.x()[0], 1e-4);
    assertEquals(1, inside.x()[1], 1e-4);
  }

  @Test
  void searchesMixedSpacesOnTheirGridsAndFindsTheDiscreteOptimum() {
    // a wide int range (local search beyond 64 values), a stepped float, a log float and a categorical
    java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("n", java.util.Map.of("int", java.util.List.of(1, 1000)));
    m.put("s", java.util.Map.of("float", java.util.List.of(0.0, 1.0), "step", 0.1));
    m.put("lr", java.util.Map.of("float", java.util.List.of(1e-4, 1.0), "log", true));
    m.put("kind", java.util.Map.of("choice", java.util.List.of("a", "b", "c")));
    Space space = Space.parse(m, "space");
    java.util.function.ToDoubleFunction<java.util.Map<String, Object>> f = p -> Math.pow((((Number) p.get("n")).doubleValue() - 700) / 1000, 2)
        + Math.pow(((Number) p.get("s")).doubleValue() - 0.3, 2) + Math.pow(Math.log10(((Number) p.get("lr")).doubleValue()) + 2, 2) / 16
        + ("b".equals(p.get("kind")) ? 0 : 0.5);
    Gp gp = new Gp(space, false, 10);
    java.util.List<Trial> history = new java.util.ArrayList<>();
    double best = Double.MAX_VALUE;
    for (int i = 0; i < 40; i++) {
      java.util.Map<String, Object> p = gp.propose(i, history, new SplittableRandom(i));
      assertTrue(p.get("n") instanceof Long n && n >= 1 && n <= 1000, "n = " + p.get("n"));
      double s = ((Number) p.get("s")).doubleValue();
      assertEquals(Math.round(s * 10) / 10.0, s, 1e-9, "s on its grid");
      double v = f.applyAsDouble(p);
      history.add(new Trial(i, p, Trial.State.COMPLETE, v, null, 0, false, null));
      best = Math.min(best, v);
    }
    assertTrue(best < 0.02, "best " + best);
    Trial top = history.stream().min(java.util.Comparator.comparingDouble(Trial::value)).orElseThrow();
    assertEquals("b", top.params().get("kind"));
  }
}
