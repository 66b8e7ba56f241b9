package dev.kiln.tune;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.hipparchus.optim.InitialGuess;
import org.hipparchus.optim.MaxEval;
import org.hipparchus.optim.SimpleValueChecker;
import org.hipparchus.optim.nonlinear.scalar.GoalType;
import org.hipparchus.optim.nonlinear.scalar.ObjectiveFunction;
import org.hipparchus.optim.nonlinear.scalar.ObjectiveFunctionGradient;
import org.hipparchus.optim.nonlinear.scalar.gradient.NonLinearConjugateGradientOptimizer;
import org.hipparchus.random.SobolSequenceGenerator;
import org.hipparchus.special.Erf;

/**
 * Bayesian optimisation with a Gaussian process: a Matérn-5/2 kernel with one length scale per
 * parameter (Hamming distance for categorical ones), inputs scaled to [0, 1] (log-aware), outputs
 * standardised; kernel scale, length scales and noise fitted by maximising the marginal likelihood
 * (with Optuna's weak priors, warm-started from the previous fit); log expected improvement
 * optimised over 2048 quasi-random points and a local search from the best of them and of the
 * trials so far. Parallel proposals condition on running trials at their predicted value (the
 * kriging believer), so a batch spreads out. Subspace parameters of a conditional space are drawn
 * at random, as Optuna's GPSampler does for parameters outside its joint space.
 */
final class Gp implements Sampler {
  private static final double MIN_NOISE = 1e-6;
  private final Space space;
  private final List<Space.Dim> dims;
  private final boolean maximize;
  private final int startup;
  private final int preliminary;
  private final int localStarts;
  private double[] theta; // warm start: log inverse squared length scales, log kernel scale, log(noise - min)

  Gp(Space space, boolean maximize, int startup) {
    this(space, maximize, startup, 2048, 10);
  }

  Gp(Space space, boolean maximize, int startup, int preliminary, int localStarts) {
    this.space = space;
    this.dims = space.dims();
    this.maximize = maximize;
    this.startup = startup;
    this.preliminary = preliminary;
    this.localStarts = localStarts;
  }

  @Override
  public synchronized Map<String, Object> propose(int number, List<Trial> history, SplittableRandom rng) {
    List<Trial> done = history.stream().filter(t -> t.state() == Trial.State.COMPLETE && Double.isFinite(t.value())).toList();
    if (done.size() < startup) return Sampler.walk(space, Map.of(), d -> Sampler.uniform(d, rng));
    int d = dims.size();
    double[][] x = new double[done.size()][];
    double[] y = new double[done.size()];
    for (int i = 0; i < done.size(); i++) {
      x[i] = unit(done.get(i).params());
      y[i] = -done.get(i).loss(maximize);
    }
    double mean = Arrays.stream(y).average().orElse(0);
    double sd = Math.sqrt(Arrays.stream(y).map(v -> (v - mean) * (v - mean)).sum() / y.length);
    if (!(sd > 0)) sd = 1;
    for (int i = 0; i < y.length; i++) y[i] = (y[i] - mean) / sd;
    Model model = fit(x, y);
    double best = Arrays.stream(y).max().orElse(0);
    // kriging believer: running trials count as observed at their predicted mean
    List<double[]> pending = new ArrayList<>();
    for (Trial t : history) if (t.state() == Trial.State.RUNNING && t.number() != number) pending.add(unit(t.params()));
    if (!pending.isEmpty()) {
      double[][] x2 = Arrays.copyOf(x, x.length + pending.size());
      double[] y2 = Arrays.copyOf(y, y.length + pending.size());
      for (int i = 0; i < pending.size(); i++) {
        x2[x.length + i] = pending.get(i);
        y2[y.length + i] = model.mean(pending.get(i));
      }
      model = new Model(x2, y2, model.theta);
    }
    double[] chosen = maximizeAcquisition(model, best, x, rng, d);
    Map<String, Object> out = new LinkedHashMap<>();
    for (int j = 0; j < d; j++) out.put(dims.get(j).id(), fromUnit(dims.get(j), chosen[j]));
    return Sampler.walk(space, out, dim -> Sampler.uniform(dim, rng));
  }

  private double[] unit(Map<String, Object> params) {
    double[] u = new double[dims.size()];
    for (int j = 0; j < dims.size(); j++) {
      Space.Dim dim = dims.get(j);
      Object v = params.get(dim.id());
      u[j] = dim instanceof Space.Cat c ? c.index(v) : ((Space.Num) dim).toUnit(v);
    }
    return u;
  }

  private static Object fromUnit(Space.Dim dim, double u) {
    if (dim instanceof Space.Cat c) return c.choices().get((int) Math.round(u));
    return ((Space.Num) dim).fromUnit(u);
  }

  /** Snaps a point to values a trial can take (ints and steps), so the acquisition sees what would run. */
  private double[] snap(double[] u) {
    double[] s = u.clone();
    for (int j = 0; j < s.length; j++) {
      if (dims.get(j) instanceof Space.Num n && n.step() > 0) s[j] = n.toUnit(n.fromUnit(s[j]));
    }
    return s;
  }

  private double[] maximizeAcquisition(Model m, double best, double[][] observed, SplittableRandom rng, int d) {
    int cont = 0;
    for (Space.Dim dim : dims) if (!(dim instanceof Space.Cat)) cont++;
    SobolSequenceGenerator sobol = cont > 0 && cont <= 21201 ? new SobolSequenceGenerator(cont) : null;
    if (sobol != null) sobol.skipTo(1 + rng.nextInt(1024));
    int n = preliminary;
    double[][] cand = new double[n + observed.length][];
    double[] val = new double[cand.length];
    for (int i = 0; i < n; i++) {
      double[] q = sobol == null ? new double[0] : sobol.nextVector();
      double[] u = new double[d];
      int k = 0;
      for (int j = 0; j < d; j++) {
        if (dims.get(j) instanceof Space.Cat c) u[j] = rng.nextInt(c.choices().size());
        else u[j] = q[k++];
      }
      cand[i] = snap(u);
    }
    for (int i = 0; i < observed.length; i++) cand[n + i] = observed[i].clone();
    for (int i = 0; i < cand.length; i++) val[i] = m.logEi(cand[i], best);
    Integer[] order = new Integer[cand.length];
    for (int i = 0; i < order.length; i++) order[i] = i;
    Arrays.sort(order, (a, b) -> Double.compare(val[b], val[a]));
    double[] bestX = cand[order[0]];
    double bestV = val[order[0]];
    for (int s = 0; s < Math.min(localStarts, order.length); s++) {
      double[] x = cand[order[s]].clone();
      double fx = val[order[s]];
      double h = 0.1;
      while (h > 1e-4) {
        boolean improved = false;
        for (int j = 0; j < d; j++) {
          if (dims.get(j) instanceof Space.Cat c) {
            for (int ch = 0; ch < c.choices().size(); ch++) {
              if (ch == (int) x[j]) continue;
              double[] t = x.clone();
              t[j] = ch;
              double ft = m.logEi(t, best);
              if (ft > fx) {
                x = t;
                fx = ft;
                improved = true;
              }
            }
            continue;
          }
          for (int sign = -1; sign <= 1; sign += 2) {
            double[] t = x.clone();
            t[j] = Math.max(0, Math.min(1, t[j] + sign * h));
            t = snap(t);
            if (t[j] == x[j]) continue;
            double ft = m.logEi(t, best);
            if (ft > fx) {
              x = t;
              fx = ft;
              improved = true;
              break;
            }
          }
        }
        if (!improved) h /= 2;
      }
      if (fx > bestV) {
        bestV = fx;
        bestX = x;
      }
    }
    return bestX;
  }

  // ------------------------------------------------------------------ the Gaussian process

  private boolean[] categorical() {
    boolean[] c = new boolean[dims.size()];
    for (int j = 0; j < c.length; j++) c[j] = dims.get(j) instanceof Space.Cat;
    return c;
  }

  private Model fit(double[][] x, double[] y) {
    int d = dims.size();
    double[] start = theta != null && theta.length == d + 2 ? theta : new double[d + 2];
    boolean[] cat = categorical();
    double[] bestTheta = start;
    double bestValue = new Model(x, y, start, cat).objective();
    try {
      NonLinearConjugateGradientOptimizer opt = new NonLinearConjugateGradientOptimizer(
          NonLinearConjugateGradientOptimizer.Formula.POLAK_RIBIERE, new SimpleValueChecker(1e-7, 1e-7));
      var result = opt.optimize(new MaxEval(400),
          new ObjectiveFunction(t -> safe(() -> new Model(x, y, clamp(t), cat).objective())),
          new ObjectiveFunctionGradient(t -> {
            try {
              return new Model(x, y, clamp(t), cat).gradient();
            } catch (RuntimeException e) {
              return new double[t.length];
            }
          }),
          GoalType.MAXIMIZE, new InitialGuess(start));
      double[] t = clamp(result.getPoint());
      double v = new Model(x, y, t, cat).objective();
      if (v > bestValue) {
        bestTheta = t;
        bestValue = v;
      }
    } catch (RuntimeException e) {
      // keep the warm start: a failed fit must not stop the search
    }
    theta = bestTheta;
    return new Model(x, y, bestTheta, cat);
  }

  private static double safe(java.util.function.DoubleSupplier f) {
    try {
      double v = f.getAsDouble();
      return Double.isFinite(v) ? v : -1e30;
    } catch (RuntimeException e) {
      return -1e30;
    }
  }

  private static double[] clamp(double[] t) {
    double[] c = t.clone();
    for (int i = 0; i < c.length; i++) c[i] = Math.max(-12, Math.min(12, c[i]));
    return c;
  }

  /** A GP conditioned on (x, y) with hyperparameters theta; Cholesky-factored once. */
  private final class Model {
    final double[][] x;
    final double[] y;
    final double[] theta;
    final boolean[] cat;
    final double[] lambda;
    final double scale;
    final double noise;
    final double[][] l; // lower Cholesky factor of K
    final double[] alpha; // K^-1 y

    Model(double[][] x, double[] y, double[] theta) {
      this(x, y, theta, categorical());
    }

    Model(double[][] x, double[] y, double[] theta, boolean[] cat) {
      this.x = x;
      this.y = y;
      this.theta = theta;
      this.cat = cat;
      int d = cat.length;
      lambda = new double[d];
      for (int j = 0; j < d; j++) lambda[j] = Math.exp(theta[j]);
      scale = Math.exp(theta[d]);
      noise = MIN_NOISE + Math.exp(theta[d + 1]);
      int n = x.length;
      double[][] k = new double[n][n];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j <= i; j++) {
          double v = scale * matern(r2(x[i], x[j]));
          k[i][j] = v;
          k[j][i] = v;
        }
        k[i][i] += noise;
      }
      l = cholesky(k);
      alpha = backSolve(l, forwardSolve(l, y));
    }

    double r2(double[] a, double[] b) {
      double s = 0;
      for (int j = 0; j < a.length; j++) {
        double dd = cat[j] ? (a[j] == b[j] ? 0 : 1) : (a[j] - b[j]) * (a[j] - b[j]);
        s += lambda[j] * dd;
      }
      return s;
    }

    /** Log marginal likelihood plus the log prior. */
    double objective() {
      int n = y.length;
      double fit = 0;
      for (int i = 0; i < n; i++) fit += y[i] * alpha[i];
      double logdet = 0;
      for (int i = 0; i < n; i++) logdet += Math.log(l[i][i]);
      double mll = -0.5 * fit - logdet - 0.5 * n * Math.log(2 * Math.PI);
      double prior = 0;
      for (double lam : lambda) prior -= 0.1 / lam + 0.1 * lam;
      prior += Math.log(scale) - scale; // Gamma(2, 1)
      prior += 0.1 * Math.log(noise) - 30 * noise; // Gamma(1.1, 30)
      return mll + prior;
    }

    double[] gradient() {
      int n = y.length;
      int d = cat.length;
      double[][] kinv = inverse();
      double[][] w = new double[n][n];
      for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) w[i][j] = alpha[i] * alpha[j] - kinv[i][j];
      double[] g = new double[d + 2];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          double r = r2(x[i], x[j]);
          double dm = scale * maternDeriv(r);
          double m = scale * matern(r);
          g[d] += 0.5 * w[i][j] * m;
          if (i == j) continue;
          for (int q = 0; q < d; q++) {
            double dd = cat[q] ? (x[i][q] == x[j][q] ? 0 : 1) : (x[i][q] - x[j][q]) * (x[i][q] - x[j][q]);
            g[q] += 0.5 * w[i][j] * dm * dd * lambda[q];
          }
        }
        g[d + 1] += 0.5 * w[i][i] * (noise - MIN_NOISE);
      }
      for (int q = 0; q < d; q++) g[q] += 0.1 / lambda[q] - 0.1 * lambda[q];
      g[d] += 1 - scale;
      g[d + 1] += (0.1 / noise - 30) * (noise - MIN_NOISE);
      return g;
    }

    private double[][] inverse() {
      int n = y.length;
      double[][] inv = new double[n][];
      for (int i = 0; i < n; i++) {
        double[] e = new double[n];
        e[i] = 1;
        inv[i] = backSolve(l, forwardSolve(l, e));
      }
      return inv;
    }

    double mean(double[] u) {
      double m = 0;
      for (int i = 0; i < x.length; i++) m += scale * matern(r2(u, x[i])) * alpha[i];
      return m;
    }

    double logEi(double[] u, double best) {
      int n = x.length;
      double[] ks = new double[n];
      double m = 0;
      for (int i = 0; i < n; i++) {
        ks[i] = scale * matern(r2(u, x[i]));
        m += ks[i] * alpha[i];
      }
      double[] v = forwardSolve(l, ks);
      double var = scale;
      for (double vi : v) var -= vi * vi;
      var = Math.max(var, 1e-12);
      double sigma = Math.sqrt(var);
      return Math.log(sigma) + standardLogEi((m - best) / sigma);
    }
  }

  /** log E[max(0, Z + z)] for standard normal Z, stable for very negative z. */
  static double standardLogEi(double z) {
    if (z >= -25) {
      double cdf = 0.5 * Erf.erfc(-z / Math.sqrt(2));
      double pdf = Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
      return Math.log(z * cdf + pdf);
    }
    double t = -z / Math.sqrt(2);
    double erfcx = 1 / (t * Math.sqrt(Math.PI)) * (1 - 1 / (2 * t * t) + 3 / (4 * t * t * t * t));
    double r = Math.sqrt(0.5 * Math.PI) * erfcx;
    return -0.5 * z * z + Math.log((z * r + 1) / Math.sqrt(2 * Math.PI));
  }

  static double matern(double r2) {
    double s = Math.sqrt(5 * r2);
    return Math.exp(-s) * (5.0 / 3.0 * r2 + s + 1);
  }

  /** d matern / d r2. */
  static double maternDeriv(double r2) {
    double s = Math.sqrt(5 * r2);
    return -5.0 / 6.0 * (s + 1) * Math.exp(-s);
  }

  static double[][] cholesky(double[][] a) {
    int n = a.length;
    double jitter = 0;
    for (int attempt = 0; attempt < 8; attempt++) {
      double[][] l = new double[n][n];
      boolean ok = true;
      for (int i = 0; i < n && ok; i++) {
        for (int j = 0; j <= i; j++) {
          double s = a[i][j] + (i == j ? jitter : 0);
          for (int k = 0; k < j; k++) s -= l[i][k] * l[j][k];
          if (i == j) {
            if (s <= 0) {
              ok = false;
              break;
            }
            l[i][i] = Math.sqrt(s);
          } else {
            l[i][j] = s / l[j][j];
          }
        }
      }
      if (ok) return l;
      jitter = jitter == 0 ? 1e-10 : jitter * 100;
    }
    throw new ArithmeticException("kernel matrix is not positive definite");
  }

  static double[] forwardSolve(double[][] l, double[] b) {
    int n = b.length;
    double[] z = new double[n];
    for (int i = 0; i < n; i++) {
      double s = b[i];
      double[] li = l[i];
      for (int k = 0; k < i; k++) s -= li[k] * z[k];
      z[i] = s / li[i];
    }
    return z;
  }

  static double[] backSolve(double[][] l, double[] z) {
    int n = z.length;
    double[] x = new double[n];
    for (int i = n - 1; i >= 0; i--) {
      double s = z[i];
      for (int k = i + 1; k < n; k++) s -= l[k][i] * x[k];
      x[i] = s / l[i][i];
    }
    return x;
  }
}
