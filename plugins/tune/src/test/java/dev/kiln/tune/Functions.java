package dev.kiln.tune;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** Standard test functions for samplers (all minimised), with their spaces and known optima. */
final class Functions {
  private Functions() {}

  record Fn(String name, Space space, double optimum, ToDoubleFunction<double[]> f) {
    double eval(Map<String, Object> params) {
      double[] x = new double[space.dims().size()];
      for (int i = 0; i < x.length; i++) x[i] = ((Number) params.get(space.dims().get(i).id())).doubleValue();
      return f.applyAsDouble(x);
    }
  }

  static Space box(int d, double lo, double hi) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < d; i++) m.put("x" + i, Map.of("float", List.of(lo, hi)));
    return Space.parse(m, "space");
  }

  static Fn branin() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("x0", Map.of("float", List.of(-5.0, 10.0)));
    m.put("x1", Map.of("float", List.of(0.0, 15.0)));
    return new Fn("branin", Space.parse(m, "space"), 0.397887, x -> {
      double a = 1, b = 5.1 / (4 * Math.PI * Math.PI), c = 5 / Math.PI, r = 6, s = 10, t = 1 / (8 * Math.PI);
      return a * Math.pow(x[1] - b * x[0] * x[0] + c * x[0] - r, 2) + s * (1 - t) * Math.cos(x[0]) + s;
    });
  }

  static Fn hartmann6() {
    double[] alpha = {1.0, 1.2, 3.0, 3.2};
    double[][] a = {{10, 3, 17, 3.5, 1.7, 8}, {0.05, 10, 17, 0.1, 8, 14}, {3, 3.5, 1.7, 10, 17, 8}, {17, 8, 0.05, 10, 0.1, 14}};
    double[][] p = {{1312, 1696, 5569, 124, 8283, 5886}, {2329, 4135, 8307, 3736, 1004, 9991}, {2348, 1451, 3522, 2883, 3047, 6650}, {4047, 8828, 8732, 5743, 1091, 381}};
    return new Fn("hartmann6", box(6, 0, 1), -3.32237, x -> {
      double sum = 0;
      for (int i = 0; i < 4; i++) {
        double in = 0;
        for (int j = 0; j < 6; j++) in += a[i][j] * Math.pow(x[j] - p[i][j] * 1e-4, 2);
        sum += alpha[i] * Math.exp(-in);
      }
      return -sum;
    });
  }

  static Fn rosenbrock4() {
    return new Fn("rosenbrock4", box(4, -5, 10), 0, x -> {
      double s = 0;
      for (int i = 0; i < 3; i++) s += 100 * Math.pow(x[i + 1] - x[i] * x[i], 2) + Math.pow(1 - x[i], 2);
      return s;
    });
  }

  static Fn ackley5() {
    return new Fn("ackley5", box(5, -32.768, 32.768), 0, x -> {
      double s1 = 0, s2 = 0;
      for (double v : x) {
        s1 += v * v;
        s2 += Math.cos(2 * Math.PI * v);
      }
      return -20 * Math.exp(-0.2 * Math.sqrt(s1 / x.length)) - Math.exp(s2 / x.length) + 20 + Math.E;
    });
  }

  static Fn levy4() {
    return new Fn("levy4", box(4, -10, 10), 0, x -> {
      int d = x.length;
      double[] w = new double[d];
      for (int i = 0; i < d; i++) w[i] = 1 + (x[i] - 1) / 4;
      double s = Math.pow(Math.sin(Math.PI * w[0]), 2);
      for (int i = 0; i < d - 1; i++) s += Math.pow(w[i] - 1, 2) * (1 + 10 * Math.pow(Math.sin(Math.PI * w[i] + 1), 2));
      s += Math.pow(w[d - 1] - 1, 2) * (1 + Math.pow(Math.sin(2 * Math.PI * w[d - 1]), 2));
      return s;
    });
  }

  /**
   * The benchmark's real task, evaluated by bench/tune/xgb_objective.py (the very function Optuna's
   * side calls): a long-lived {@code python xgb_objective.py serve} process gets one JSON object of
   * parameters per line and answers with 1 - mean CV AUC.
   */
  static Fn xgbAuc(String python, String script) {
    try {
      com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
      Process spaceProc = new ProcessBuilder(python, script, "space").redirectError(ProcessBuilder.Redirect.INHERIT).start();
      List<Map<String, Object>> dims = json.readValue(spaceProc.getInputStream(), new com.fasterxml.jackson.core.type.TypeReference<>() {});
      if (spaceProc.waitFor() != 0) throw new IllegalStateException(script + " space failed");
      Map<String, Object> m = new LinkedHashMap<>();
      List<String> names = new java.util.ArrayList<>();
      for (Map<String, Object> d : dims) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put((String) d.get("kind"), List.of(d.get("low"), d.get("high")));
        if (Boolean.TRUE.equals(d.get("log"))) spec.put("log", true);
        m.put((String) d.get("name"), spec);
        names.add((String) d.get("name"));
      }
      Process p = new ProcessBuilder(python, script, "serve").redirectError(ProcessBuilder.Redirect.INHERIT).start();
      java.io.BufferedWriter in = new java.io.BufferedWriter(new java.io.OutputStreamWriter(p.getOutputStream(), java.nio.charset.StandardCharsets.UTF_8));
      java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
      return new Fn("xgb-auc", Space.parse(m, "space"), 0, x -> {
        Map<String, Object> params = new LinkedHashMap<>();
        for (int i = 0; i < x.length; i++) params.put(names.get(i), x[i]);
        try {
          in.write(json.writeValueAsString(params));
          in.newLine();
          in.flush();
          String line = out.readLine();
          if (line == null) throw new IllegalStateException(script + " serve ended");
          return Double.parseDouble(line);
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static List<Fn> all() {
    return List.of(branin(), hartmann6(), rosenbrock4(), ackley5(), levy4());
  }

  /** Runs a sampler sequentially for n trials; returns the best value after each trial. */
  static double[] run(Sampler sampler, Fn fn, int n, long seed, double[] proposeNanos) {
    List<Trial> history = new java.util.ArrayList<>();
    double[] best = new double[n];
    double b = Double.POSITIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      Map<String, Object> p = sampler.propose(i, history, new java.util.SplittableRandom(seed * 1_000_003L + i));
      if (proposeNanos != null) proposeNanos[i] = System.nanoTime() - t0;
      double v = fn.eval(p);
      history.add(new Trial(i, p, Trial.State.COMPLETE, v, null, 0, false, null));
      b = Math.min(b, v);
      best[i] = b;
    }
    return best;
  }
}
