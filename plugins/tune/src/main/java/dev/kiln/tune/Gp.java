package dev.kiln.tune;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.hipparchus.random.SobolSequenceGenerator;
import org.hipparchus.special.Erf;

/**
 * Bayesian optimisation with a Gaussian process, as Optuna's GPSampler (v4): a Matérn-5/2 kernel
 * with one length scale per parameter (Hamming distance for categorical ones), inputs scaled to
 * [0, 1] (log-aware), outputs standardised; kernel scale, length scales and noise fitted by
 * maximising the marginal likelihood with Optuna's weak priors (bounded quasi-Newton with analytic
 * gradients, warm-started from the previous fit, the defaults if that fails; the noise floor is lower
 * than Optuna's, see {@link #MIN_NOISE}); log expected
 * improvement over 2048 randomly shifted Sobol points, then local searches (quasi-Newton on the
 * analytic gradient for continuous parameters, a search over the values of discrete ones) from the
 * best point, eight drawn by a roulette on exp(log EI), and the best trial so far. Parallel
 * proposals condition on running trials at their predicted value (the kriging believer), so a
 * batch spreads out. Subspace parameters of a conditional space are drawn at random, as Optuna's
 * GPSampler does for parameters outside its joint space.
 */
final class Gp implements Sampler {
  /**
   * The noise variance's floor (standardised units). Optuna uses 1e-6 because it inverts the kernel
   * matrix explicitly; the Cholesky solves here stay accurate far below that (their rounding is about
   * n * 1e-16 of the kernel scale), and a floor of 1e-6 keeps a smooth deterministic objective from
   * being resolved more finely than about 1e-3 of its spread (bench/RESULTS.md, fourth run).
   */
  private static final double MIN_NOISE = 1e-10;
  private static final double BOUND = 30; // on the log kernel parameters, only to keep exp() finite
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
    double[] chosen = maximizeAcquisition(model, best, x, y, rng, d);
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

  /**
   * Optuna's acquisition search: log EI on 2048 quasi-random points; local searches from the
   * best of them, from points drawn among them with probability proportional to exp(log EI)
   * (a roulette that favours promising regions without piling all starts into one), and from the
   * best trial so far. Each local search alternates a bounded quasi-Newton ascent over the
   * continuous parameters (in length-scale units, so every direction is equally well scaled) with
   * a search over each discrete one, until neither improves.
   */
  private double[] maximizeAcquisition(Model m, double best, double[][] observed, double[] y, SplittableRandom rng, int d) {
    int cont = 0;
    for (Space.Dim dim : dims) if (!(dim instanceof Space.Cat)) cont++;
    SobolSequenceGenerator sobol = cont > 0 && cont <= 21201 ? new SobolSequenceGenerator(cont) : null;
    if (sobol != null) sobol.skipTo(1 + rng.nextInt(1024));
    // a random shift modulo 1 (Cranley-Patterson) randomises the lattice, as Optuna's scrambling does
    double[] shift = new double[cont];
    for (int k = 0; k < cont; k++) shift[k] = rng.nextDouble();
    int n = preliminary;
    double[][] cand = new double[n][];
    double[] val = new double[n];
    for (int i = 0; i < n; i++) {
      double[] q = sobol == null ? new double[0] : sobol.nextVector();
      double[] u = new double[d];
      int k = 0;
      for (int j = 0; j < d; j++) {
        if (dims.get(j) instanceof Space.Cat c) u[j] = rng.nextInt(c.choices().size());
        else {
          u[j] = (q[k] + shift[k]) % 1.0;
          k++;
        }
      }
      cand[i] = snap(u);
      val[i] = m.logEi(cand[i], best);
    }
    int top = 0;
    for (int i = 1; i < n; i++) if (val[i] > val[top]) top = i;
    List<double[]> starts = new ArrayList<>();
    starts.add(cand[top]);
    double[] p = new double[n];
    double total = 0;
    for (int i = 0; i < n; i++) {
      p[i] = i == top ? 0 : Math.exp(val[i] - val[top]);
      total += p[i];
    }
    for (int s = 0; s < localStarts - 2 && total > 0; s++) {
      double r = rng.nextDouble() * total;
      int pick = -1;
      for (int i = 0; i < n; i++) {
        if (p[i] <= 0) continue;
        r -= p[i];
        pick = i;
        if (r <= 0) break;
      }
      if (pick < 0) break;
      starts.add(cand[pick]);
      total -= p[pick];
      p[pick] = 0;
    }
    int incumbent = 0;
    for (int i = 1; i < y.length; i++) if (y[i] > y[incumbent]) incumbent = i;
    if (observed.length > 0) starts.add(observed[incumbent].clone());
    double[] bestX = cand[top];
    double bestV = val[top];
    for (double[] start : starts) {
      double[] x = start.clone();
      double fx = localSearch(m, best, x);
      if (fx > bestV) {
        bestV = fx;
        bestX = x;
      }
    }
    return bestX;
  }

  /** Improves x in place; returns log EI there. */
  private double localSearch(Model m, double best, double[] x) {
    int d = x.length;
    double fx = m.logEi(x, best);
    int[] contIdx = java.util.stream.IntStream.range(0, d).filter(j -> continuous(dims.get(j))).toArray();
    int lastChanged = Integer.MIN_VALUE; // -1: the continuous block, j >= 0: a discrete parameter
    for (int iter = 0; iter < 100; iter++) {
      if (lastChanged == -1) return fx;
      if (contIdx.length > 0) {
        double[] ls = new double[contIdx.length];
        double[] lo = new double[contIdx.length];
        double[] hi = new double[contIdx.length];
        double[] t0 = new double[contIdx.length];
        for (int k = 0; k < contIdx.length; k++) {
          ls[k] = 1 / Math.sqrt(m.lambda[contIdx[k]]);
          hi[k] = 1 / ls[k];
          t0[k] = x[contIdx[k]] / ls[k];
        }
        double[] work = x.clone();
        double[] full = new double[d];
        Lbfgsb.Result r = Lbfgsb.minimize((t, g) -> {
          for (int k = 0; k < t.length; k++) work[contIdx[k]] = t[k] * ls[k];
          double v = m.logEiWithGradient(work, best, full);
          for (int k = 0; k < t.length; k++) g[k] = -full[contIdx[k]] * ls[k];
          return -v;
        }, t0, lo, hi, 1e-2, 200);
        if (-r.value() > fx && r.iterations() > 0) {
          for (int k = 0; k < contIdx.length; k++) x[contIdx[k]] = Math.max(0, Math.min(1, r.x()[k] * ls[k]));
          fx = m.logEi(x, best);
          lastChanged = -1;
        }
      }
      for (int j = 0; j < d; j++) {
        if (continuous(dims.get(j))) continue;
        if (lastChanged == j) return fx;
        double current = x[j];
        double bestChoice = current;
        for (double c : choices(dims.get(j), current)) {
          if (c == current) continue;
          double saved = x[j];
          x[j] = c;
          double fc = m.logEi(x, best);
          x[j] = saved;
          if (fc > fx) {
            fx = fc;
            bestChoice = c;
          }
        }
        if (bestChoice != current) {
          x[j] = bestChoice;
          lastChanged = j;
        }
      }
      if (lastChanged == Integer.MIN_VALUE) return fx;
    }
    return fx;
  }

  private static boolean continuous(Space.Dim dim) {
    return dim instanceof Space.Num n && n.step() <= 0;
  }

  /**
   * The unit-scaled values a discrete parameter can take: every one when there are at most 64,
   * otherwise 64 spread over the range plus the neighbours of the current value at 1, 2, 4, ... steps.
   */
  private static double[] choices(Space.Dim dim, double current) {
    if (dim instanceof Space.Cat c) {
      double[] all = new double[c.choices().size()];
      for (int i = 0; i < all.length; i++) all[i] = i;
      return all;
    }
    Space.Num n = (Space.Num) dim;
    long count = n.count();
    java.util.function.LongToDoubleFunction unit = i -> n.toUnit(n.valueAt(i));
    if (count <= 64) return java.util.stream.LongStream.range(0, count).mapToDouble(unit).toArray();
    List<Double> out = new ArrayList<>();
    for (int i = 0; i < 64; i++) out.add(unit.applyAsDouble(Math.round(i * (count - 1) / 63.0)));
    long at = Math.round((((Number) n.fromUnit(current)).doubleValue() - n.low()) / n.step()); // fromUnit snaps to the grid
    for (long k = 1; k < count; k *= 2) {
      if (at - k >= 0) out.add(unit.applyAsDouble(at - k));
      if (at + k < count) out.add(unit.applyAsDouble(at + k));
    }
    return out.stream().mapToDouble(Double::doubleValue).toArray();
  }

  // ------------------------------------------------------------------ the Gaussian process

  private boolean[] categorical() {
    boolean[] c = new boolean[dims.size()];
    for (int j = 0; j < c.length; j++) c[j] = dims.get(j) instanceof Space.Cat;
    return c;
  }

  /**
   * Maximises the marginal likelihood plus the log prior with the bounded quasi-Newton method
   * (gradient tolerance 1e-2, as Optuna), from the previous fit and, if that fails, from the
   * defaults (unit length scales, scale and noise); if both fail the defaults are used.
   */
  Model fit(double[][] x, double[] y) {
    int d = dims.size();
    boolean[] cat = categorical();
    double[] defaults = new double[d + 2];
    double[] lo = new double[d + 2];
    double[] hi = new double[d + 2];
    Arrays.fill(lo, -BOUND);
    Arrays.fill(hi, BOUND);
    List<double[]> starts = new ArrayList<>();
    if (theta != null && theta.length == d + 2) starts.add(theta);
    starts.add(defaults);
    for (double[] start : starts) {
      try {
        Lbfgsb.Result r = Lbfgsb.minimize((t, g) -> {
          try {
            Model model = new Model(x, y, t, cat);
            double v = model.objective();
            double[] grad = model.gradient();
            for (int i = 0; i < g.length; i++) g[i] = -grad[i];
            return Double.isFinite(v) ? -v : Double.POSITIVE_INFINITY;
          } catch (ArithmeticException e) {
            return Double.POSITIVE_INFINITY; // not positive definite here: the line search steps back
          }
        }, start, lo, hi, 1e-2, 500);
        if (Double.isFinite(r.value())) {
          theta = r.x();
          return new Model(x, y, theta, cat);
        }
      } catch (ArithmeticException e) {
        // the final factorisation failed: try the next start
      }
    }
    theta = defaults;
    return new Model(x, y, defaults, cat);
  }

  /** A GP conditioned on (x, y) with hyperparameters theta; Cholesky-factored once. */
  final class Model {
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
      return logEiWithGradient(u, best, null);
    }

    /**
     * Log expected improvement over {@code best} at u; with {@code grad}, also its gradient with
     * respect to the continuous coordinates of u (left 0 for categorical ones).
     */
    double logEiWithGradient(double[] u, double best, double[] grad) {
      int n = x.length;
      int d = u.length;
      double[] ks = new double[n];
      double[] dk = grad == null ? null : new double[n]; // d k_i / d r2_i
      double m = 0;
      for (int i = 0; i < n; i++) {
        double r = r2(u, x[i]);
        ks[i] = scale * matern(r);
        if (dk != null) dk[i] = scale * maternDeriv(r);
        m += ks[i] * alpha[i];
      }
      double[] v = forwardSolve(l, ks); // L^-1 k: the variance as scale - |v|^2 keeps its sign better than scale - k.K^-1 k
      double raw = scale;
      for (double vi : v) raw -= vi * vi;
      double var = Math.max(raw, 0) + 1e-12;
      double sigma = Math.sqrt(var);
      double z = (m - best) / sigma;
      double h = standardLogEi(z);
      double value = Math.log(sigma) + h;
      if (grad == null) return value;
      double[] w = backSolve(l, v); // K^-1 k
      double dh = Math.exp(logNormalCdf(z) - h); // h'(z) = Phi(z) / (z Phi(z) + phi(z))
      for (int j = 0; j < d; j++) {
        if (cat[j]) {
          grad[j] = 0;
          continue;
        }
        double dm = 0;
        double dv = 0;
        for (int i = 0; i < n; i++) {
          double dkdu = dk[i] * 2 * lambda[j] * (u[j] - x[i][j]);
          dm += dkdu * alpha[i];
          dv -= 2 * w[i] * dkdu;
        }
        if (raw <= 0) dv = 0;
        double dsigma = dv / (2 * sigma);
        double dz = (dm - z * dsigma) / sigma;
        grad[j] = dsigma / sigma + dh * dz;
      }
      return value;
    }
  }

  /** log Phi(z), the standard normal CDF, stable far into the lower tail. */
  static double logNormalCdf(double z) {
    if (z > -25) return Math.log(0.5 * Erf.erfc(-z / Math.sqrt(2)));
    double z2 = z * z;
    return -0.5 * z2 - Math.log(-z) - 0.5 * Math.log(2 * Math.PI) + Math.log(1 - 1 / z2 + 3 / (z2 * z2));
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
