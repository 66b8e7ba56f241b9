package dev.kiln.tune;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The tree-structured Parzen estimator as Optuna 5.0 has it (optuna/samplers/_tpe, unchanged in
 * 5.1): {@code startup} random trials, {@code candidates} expected-improvement candidates drawn
 * from the "good" density, gamma(n) = min(ceil(0.1 n), 25) good trials, weights that decay
 * linearly for all but the newest 25 observations, a prior kernel of weight 1, and per-kernel
 * bandwidths from the distance to the neighbouring observations (the larger of both sides) clipped
 * by the "magic clip", in the univariate and the multivariate estimator alike. Numeric kernels are
 * truncated normals, in logs for log ranges (truncated log-normals), with a probability mass per
 * grid cell for step and int parameters; categorical kernels put weight 1 on the observed choice
 * over the prior's uniform. Pruned trials rank after complete ones by how far they got.
 * Multivariate mode (Optuna 5's default for one objective) models the top-level parameters
 * jointly; subspace parameters stay univariate, as Optuna samples parameters outside its
 * intersection search space independently. Constant liar puts running trials among the bad ones,
 * so parallel workers spread out.
 */
final class Tpe implements Sampler {
  private final Space space;
  private final boolean maximize;
  private final int startup;
  private final int candidates;
  private final boolean multivariate;
  private final boolean constantLiar;
  private final double priorWeight = 1.0;
  private static final double LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

  Tpe(Space space, boolean maximize, int startup, int candidates, boolean multivariate, boolean constantLiar) {
    this.space = space;
    this.maximize = maximize;
    this.startup = startup;
    this.candidates = candidates;
    this.multivariate = multivariate;
    this.constantLiar = constantLiar;
  }

  static int gamma(int n) {
    return Math.min((int) Math.ceil(0.1 * n), 25);
  }

  static double[] weights(int n) {
    double[] w = new double[n];
    if (n < 25) {
      java.util.Arrays.fill(w, 1.0);
      return w;
    }
    int ramp = n - 25;
    for (int i = 0; i < ramp; i++) w[i] = ramp == 1 ? 1.0 / n : 1.0 / n + (1.0 - 1.0 / n) * i / (ramp - 1);
    for (int i = ramp; i < n; i++) w[i] = 1.0;
    return w;
  }

  @Override
  public Map<String, Object> propose(int number, List<Trial> history, SplittableRandom rng) {
    List<Trial> finished = history.stream().filter(t -> t.state() == Trial.State.COMPLETE || t.state() == Trial.State.PRUNED).toList();
    if (finished.size() < startup) return Sampler.walk(space, Map.of(), d -> Sampler.uniform(d, rng));
    List<Trial> considered = history.stream().filter(t -> t.state() == Trial.State.COMPLETE || t.state() == Trial.State.PRUNED
        || (constantLiar && t.state() == Trial.State.RUNNING && t.number() != number)).toList();
    int n = (int) considered.stream().filter(t -> t.state() != Trial.State.RUNNING).count();
    List<List<Trial>> split = split(considered, gamma(n));
    Map<String, Object> chosen = new LinkedHashMap<>();
    if (multivariate && space.dims().size() > 1) chosen.putAll(sample(space.dims(), split.get(0), split.get(1), rng));
    return Sampler.walk(space, chosen, d -> sample(List.of(d), split.get(0), split.get(1), rng).get(d.id()));
  }

  /** Below (good) and above trials, each in trial-number order. */
  List<List<Trial>> split(List<Trial> trials, int nBelow) {
    List<Trial> complete = new ArrayList<>();
    List<Trial> pruned = new ArrayList<>();
    List<Trial> running = new ArrayList<>();
    for (Trial t : trials) {
      switch (t.state()) {
        case COMPLETE -> complete.add(t);
        case PRUNED -> pruned.add(t);
        case RUNNING -> running.add(t);
        default -> { }
      }
    }
    complete.sort(Comparator.comparingDouble(t -> t.loss(maximize)));
    int kc = Math.min(nBelow, complete.size());
    List<Trial> below = new ArrayList<>(complete.subList(0, kc));
    List<Trial> above = new ArrayList<>(complete.subList(kc, complete.size()));
    pruned.sort(Comparator.<Trial>comparingDouble(t -> t.intermediate().isEmpty() ? 1 : -t.intermediate().lastKey()).thenComparingDouble(this::prunedLoss));
    int kp = Math.min(Math.max(0, nBelow - kc), pruned.size());
    below.addAll(pruned.subList(0, kp));
    above.addAll(pruned.subList(kp, pruned.size()));
    above.addAll(running);
    below.sort(Comparator.comparingInt(Trial::number));
    above.sort(Comparator.comparingInt(Trial::number));
    return List.of(below, above);
  }

  private double prunedLoss(Trial t) {
    if (t.intermediate().isEmpty()) return 0.0;
    double v = t.intermediate().get(t.intermediate().lastKey());
    if (Double.isNaN(v)) return Double.POSITIVE_INFINITY;
    return maximize ? -v : v;
  }

  /** Samples {@code dims} jointly: candidates from the good density, the best by l(x)/g(x). */
  private Map<String, Object> sample(List<Space.Dim> dims, List<Trial> below, List<Trial> above, SplittableRandom rng) {
    Parzen good = new Parzen(dims, observations(dims, below));
    Parzen bad = new Parzen(dims, observations(dims, above));
    double[] best = null;
    double bestScore = Double.NEGATIVE_INFINITY;
    for (int c = 0; c < candidates; c++) {
      double[] x = good.sample(rng);
      // score the value the trial would actually get (rounded to its grid / integer)
      for (int i = 0; i < dims.size(); i++) x[i] = internal(dims.get(i), external(dims.get(i), x[i]));
      double score = good.logPdf(x) - bad.logPdf(x);
      if (best == null || score > bestScore) {
        best = x;
        bestScore = score;
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    for (int i = 0; i < dims.size(); i++) out.put(dims.get(i).id(), external(dims.get(i), best[i]));
    return out;
  }

  private static List<double[]> observations(List<Space.Dim> dims, List<Trial> trials) {
    List<double[]> obs = new ArrayList<>();
    outer:
    for (Trial t : trials) {
      double[] x = new double[dims.size()];
      for (int i = 0; i < dims.size(); i++) {
        Object v = t.params().get(dims.get(i).id());
        if (v == null) continue outer;
        x[i] = internal(dims.get(i), v);
        if (Double.isNaN(x[i])) continue outer;
      }
      obs.add(x);
    }
    return obs;
  }

  static double internal(Space.Dim d, Object v) {
    if (d instanceof Space.Cat c) return c.index(v);
    return ((Space.Num) d).toInternal(v);
  }

  static Object external(Space.Dim d, double x) {
    if (d instanceof Space.Cat c) return c.choices().get((int) Math.max(0, Math.min(c.choices().size() - 1, Math.round(x))));
    return ((Space.Num) d).toExternal(x);
  }

  /**
   * Each value's position in ascending order, equal values in index order (what a stable sort of
   * the indices gives), without boxing: a primitive sort of the values, then each index takes the
   * next free slot of its value's run.
   */
  static int[] stableRanks(double[] v) {
    double[] sorted = v.clone();
    java.util.Arrays.sort(sorted);
    int[] taken = new int[v.length];
    int[] rank = new int[v.length];
    for (int i = 0; i < v.length; i++) {
      int lo = 0;
      int hi = v.length;
      while (lo < hi) { // the first position whose value is not below v[i] (Double.compare, as Arrays.sort)
        int mid = (lo + hi) >>> 1;
        if (Double.compare(sorted[mid], v[i]) < 0) lo = mid + 1;
        else hi = mid;
      }
      rank[i] = lo + taken[lo]++;
    }
    return rank;
  }

  /**
   * The lower end of a numeric parameter's kernels in internal space: the range widened by half a
   * step on a grid, in logs for a log range (so a log parameter gets truncated log-normal kernels).
   */
  static double lowBound(Space.Num d) {
    return d.log() ? d.lo() : d.lo() - d.step() / 2;
  }

  static double highBound(Space.Num d) {
    return d.log() ? d.hi() : d.hi() + d.step() / 2;
  }

  /** Whether a parameter's kernels are discrete (a probability mass per grid value) rather than densities. */
  static boolean discrete(Space.Num d) {
    return d.step() > 0;
  }

  /**
   * Optuna 5's bandwidths, the same for the univariate and the multivariate estimator: each
   * kernel's sigma is the larger distance to its neighbours among the sorted observations and the
   * bounds {@code lo}, {@code hi} (the outermost kernels use their inner neighbour only, once there
   * are two), clipped to [range / min(100, n + 2), range] (the "magic clip", n + 1 kernels with the
   * prior).
   */
  static double[] bandwidths(double[] mus, double lo, double hi) {
    int n = mus.length;
    double[] s = new double[n];
    if (n == 0) return s;
    int[] rank = stableRanks(mus);
    double[] e = new double[n + 2];
    e[0] = lo;
    for (int i = 0; i < n; i++) e[rank[i] + 1] = mus[i];
    e[n + 1] = hi;
    double[] sorted = new double[n];
    for (int i = 0; i < n; i++) sorted[i] = Math.max(e[i + 1] - e[i], e[i + 2] - e[i + 1]);
    if (n >= 2) {
      sorted[0] = e[2] - e[1];
      sorted[n - 1] = e[n] - e[n - 1];
    }
    double range = hi - lo;
    double minSigma = range / Math.min(100.0, 1.0 + (n + 1));
    for (int i = 0; i < n; i++) s[i] = Math.max(minSigma, Math.min(range, sorted[rank[i]]));
    return s;
  }

  /**
   * The log of a discrete kernel's unnormalised mass at grid value {@code x} (internal): the normal
   * mass over the value's cell, [x - step/2, x + step/2], in logs for a log range.
   */
  static double logCellMass(Space.Num d, double x, double mu, double sigma) {
    double half = d.step() / 2;
    double a;
    double b;
    if (d.log()) {
      double v = Math.exp(x);
      a = Math.log(v - half);
      b = Math.log(v + half);
    } else {
      a = x - half;
      b = x + half;
    }
    return TruncNorm.logGaussMass((a - mu) / sigma, (b - mu) / sigma);
  }

  /** A mixture of product kernels: one per observation plus the prior. */
  final class Parzen {
    private final List<Space.Dim> dims;
    private final double[] weights;
    private final double[] logWeights;
    private final double[][] mus;
    private final double[][] sigmas;
    private final double[][][] cat; // [dim][kernel][choice] probabilities, for categorical dims
    private final double[][] logNorm; // [dim][kernel] log sigma + log of the kernel's mass inside the bounds

    Parzen(List<Space.Dim> dims, List<double[]> obs) {
      this.dims = dims;
      int n = obs.size();
      int k = n + 1;
      weights = new double[k];
      if (n == 0) {
        weights[0] = 1;
      } else {
        double[] w = Tpe.weights(n);
        System.arraycopy(w, 0, weights, 0, n);
        weights[n] = priorWeight;
      }
      double sum = 0;
      for (double w : weights) sum += w;
      logWeights = new double[k];
      for (int i = 0; i < k; i++) {
        weights[i] /= sum;
        logWeights[i] = Math.log(weights[i]);
      }
      mus = new double[dims.size()][];
      sigmas = new double[dims.size()][];
      cat = new double[dims.size()][][];
      logNorm = new double[dims.size()][];
      for (int j = 0; j < dims.size(); j++) {
        double[] col = new double[n];
        for (int i = 0; i < n; i++) col[i] = obs.get(i)[j];
        if (dims.get(j) instanceof Space.Cat c) {
          int m = c.choices().size();
          double[][] p = new double[k][m];
          for (int i = 0; i < k; i++) {
            java.util.Arrays.fill(p[i], priorWeight / k);
            if (i < n) p[i][(int) col[i]] += 1;
            double rs = 0;
            for (double x : p[i]) rs += x;
            for (int c2 = 0; c2 < m; c2++) p[i][c2] /= rs;
          }
          if (n == 0) java.util.Arrays.fill(p[0], 1.0 / m);
          cat[j] = p;
        } else {
          Space.Num d = (Space.Num) dims.get(j);
          double lo = lowBound(d);
          double hi = highBound(d);
          double[] mu = java.util.Arrays.copyOf(col, k);
          double[] sg = java.util.Arrays.copyOf(bandwidths(col, lo, hi), k);
          mu[k - 1] = 0.5 * (lo + hi); // the prior: one wide kernel over the whole range
          sg[k - 1] = hi - lo;
          mus[j] = mu;
          sigmas[j] = sg;
          double[] ln = new double[k];
          for (int i = 0; i < k; i++) {
            double mass = TruncNorm.logGaussMass((lo - mu[i]) / sg[i], (hi - mu[i]) / sg[i]);
            ln[i] = discrete(d) ? mass : Math.log(sg[i]) + mass;
          }
          logNorm[j] = ln;
        }
      }
    }

    double[] sample(SplittableRandom rng) {
      double u = rng.nextDouble();
      int comp = weights.length - 1;
      double acc = 0;
      for (int i = 0; i < weights.length; i++) {
        acc += weights[i];
        if (u < acc) {
          comp = i;
          break;
        }
      }
      double[] x = new double[dims.size()];
      for (int j = 0; j < dims.size(); j++) {
        if (cat[j] != null) {
          double[] p = cat[j][comp];
          double r = rng.nextDouble();
          double cum = 0;
          int pick = p.length - 1;
          for (int c = 0; c < p.length; c++) {
            cum += p[c];
            if (r < cum) {
              pick = c;
              break;
            }
          }
          x[j] = pick;
        } else {
          Space.Num d = (Space.Num) dims.get(j);
          x[j] = TruncNorm.sample(rng, mus[j][comp], sigmas[j][comp], lowBound(d), highBound(d));
        }
      }
      return x;
    }

    double logPdf(double[] x) {
      double[] lp = logWeights.clone();
      for (int j = 0; j < dims.size(); j++) {
        if (cat[j] != null) {
          for (int i = 0; i < lp.length; i++) lp[i] += Math.log(cat[j][i][(int) x[j]]);
        } else {
          Space.Num d = (Space.Num) dims.get(j);
          boolean disc = discrete(d);
          for (int i = 0; i < lp.length; i++) {
            double mu = mus[j][i];
            double sg = sigmas[j][i];
            if (disc) {
              lp[i] += logCellMass(d, x[j], mu, sg) - logNorm[j][i];
            } else {
              double z = (x[j] - mu) / sg;
              lp[i] += -0.5 * z * z - LOG_SQRT_2PI - logNorm[j][i];
            }
          }
        }
      }
      double max = Double.NEGATIVE_INFINITY;
      for (double v : lp) max = Math.max(max, v);
      if (max == Double.NEGATIVE_INFINITY) return max;
      double s = 0;
      for (double v : lp) s += Math.exp(v - max);
      return max + Math.log(s);
    }
  }
}
