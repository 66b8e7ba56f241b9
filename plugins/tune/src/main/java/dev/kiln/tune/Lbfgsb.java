package dev.kiln.tune;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Minimises a smooth function inside a box with a projected limited-memory BFGS: the quasi-Newton
 * direction is taken over the variables not held at a bound, and a backtracking (Armijo) search
 * runs along the projected path. Hipparchus, which Kiln already uses, has no bounded quasi-Newton
 * method; this is what the GP sampler fits its kernel and maximises its acquisition function
 * with (as Optuna does with scipy's L-BFGS-B). Stops when the projected gradient is below
 * {@code pgtol}, when the relative decrease is below {@code ftol}, or after {@code maxIter}.
 */
final class Lbfgsb {
  private Lbfgsb() {}

  /** Fills {@code grad} with the gradient at x and returns the value there. */
  interface Fn {
    double eval(double[] x, double[] grad);
  }

  record Result(double[] x, double value, int iterations) {}

  static Result minimize(Fn f, double[] x0, double[] lo, double[] hi, double pgtol, int maxIter) {
    int n = x0.length;
    double[] x = project(x0, lo, hi);
    double[] g = new double[n];
    double fx = f.eval(x, g);
    if (!Double.isFinite(fx)) return new Result(x, fx, 0);
    Deque<double[][]> memory = new ArrayDeque<>();
    int it = 0;
    for (; it < maxIter; it++) {
      boolean[] free = new boolean[n];
      double pgMax = 0;
      for (int i = 0; i < n; i++) {
        boolean blocked = (x[i] <= lo[i] && g[i] > 0) || (x[i] >= hi[i] && g[i] < 0);
        free[i] = !blocked;
        if (!blocked) pgMax = Math.max(pgMax, Math.abs(g[i]));
      }
      if (pgMax <= pgtol) break;
      double[] d = direction(g, memory, free);
      if (!(dot(d, g) < 0)) { // not a descent direction: forget the curvature pairs, go down the gradient
        memory.clear();
        d = new double[n];
        for (int i = 0; i < n; i++) d[i] = free[i] ? -g[i] : 0;
      }
      double step = memory.isEmpty() ? Math.min(1.0, 1.0 / Math.max(1e-12, norm(d))) : 1.0;
      double[] xn = null;
      double[] gn = new double[n];
      double fn = Double.NaN;
      boolean accepted = false;
      for (int ls = 0; ls < 40; ls++) {
        xn = new double[n];
        for (int i = 0; i < n; i++) xn[i] = x[i] + step * d[i];
        xn = project(xn, lo, hi);
        fn = f.eval(xn, gn);
        double decrease = 0;
        for (int i = 0; i < n; i++) decrease += g[i] * (xn[i] - x[i]);
        if (Double.isFinite(fn) && fn <= fx + 1e-4 * decrease) {
          accepted = true;
          break;
        }
        step *= 0.5;
      }
      if (!accepted) break;
      double[] s = new double[n];
      double[] y = new double[n];
      for (int i = 0; i < n; i++) {
        s[i] = xn[i] - x[i];
        y[i] = gn[i] - g[i];
      }
      double sy = dot(s, y);
      if (sy > 1e-10 * dot(y, y)) {
        memory.addLast(new double[][] {s, y});
        if (memory.size() > 10) memory.removeFirst();
      }
      double previous = fx;
      x = xn;
      fx = fn;
      g = gn;
      if ((previous - fx) <= 2.2e-9 * Math.max(1, Math.max(Math.abs(previous), Math.abs(fx)))) {
        it++;
        break;
      }
    }
    return new Result(x, fx, it);
  }

  /** -H g over the free variables by the two-loop recursion (held variables do not move). */
  private static double[] direction(double[] g, Deque<double[][]> memory, boolean[] free) {
    int n = g.length;
    double[] q = masked(g, free);
    int m = memory.size();
    double[][] ss = new double[m][];
    double[][] ys = new double[m][];
    int at = 0;
    for (double[][] pair : memory) {
      ss[at] = masked(pair[0], free);
      ys[at] = masked(pair[1], free);
      at++;
    }
    double[] alpha = new double[m];
    double[] rho = new double[m];
    for (int k = m - 1; k >= 0; k--) {
      double sy = dot(ss[k], ys[k]);
      rho[k] = sy > 0 ? 1 / sy : 0;
      alpha[k] = rho[k] * dot(ss[k], q);
      for (int i = 0; i < n; i++) q[i] -= alpha[k] * ys[k][i];
    }
    double gammaScale = 1;
    if (m > 0) {
      double sy = dot(ss[m - 1], ys[m - 1]);
      double yy = dot(ys[m - 1], ys[m - 1]);
      if (yy > 0 && sy > 0) gammaScale = sy / yy;
    }
    for (int i = 0; i < n; i++) q[i] *= gammaScale;
    for (int k = 0; k < m; k++) {
      double beta = rho[k] * dot(ys[k], q);
      for (int i = 0; i < n; i++) q[i] += ss[k][i] * (alpha[k] - beta);
    }
    for (int i = 0; i < n; i++) q[i] = free[i] ? -q[i] : 0;
    return q;
  }

  private static double[] masked(double[] v, boolean[] free) {
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) out[i] = free[i] ? v[i] : 0;
    return out;
  }

  private static double[] project(double[] x, double[] lo, double[] hi) {
    double[] p = new double[x.length];
    for (int i = 0; i < x.length; i++) p[i] = Math.max(lo[i], Math.min(hi[i], x[i]));
    return p;
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) s += a[i] * b[i];
    return s;
  }

  private static double norm(double[] a) {
    return Math.sqrt(dot(a, a));
  }
}
