package org.pathlens.prompts.fewshot;

/**
 * Limited-memory BFGS (Nocedal &amp; Wright, algorithm 7.4/7.5) with a backtracking Armijo line
 * search, for the smooth convex objectives of linear probes. Deterministic: no randomness, a fixed
 * iteration budget, the same result on every run and machine (plain double arithmetic in a fixed
 * order).
 */
final class Lbfgs {

  /** A smooth objective: returns f(x) and writes ∇f(x) into {@code gradient}. */
  interface Objective {
    double valueAndGradient(double[] x, double[] gradient);
  }

  /** Where the search stopped and why. */
  record Result(double[] x, double value, double gradientNorm, int iterations, boolean converged) {}

  private static final int HISTORY = 10;
  private static final double ARMIJO = 1e-4;

  private Lbfgs() {}

  /**
   * Minimises {@code f} from {@code x0}; stops when the gradient's max-norm falls below {@code
   * tolerance} or after {@code maxIterations}.
   */
  static Result minimize(Objective f, double[] x0, int maxIterations, double tolerance) {
    int n = x0.length;
    double[] x = x0.clone();
    double[] g = new double[n];
    double value = f.valueAndGradient(x, g);
    double[][] s = new double[HISTORY][];
    double[][] y = new double[HISTORY][];
    double[] rho = new double[HISTORY];
    int stored = 0;
    int newest = -1;
    double[] xNew = new double[n];
    double[] gNew = new double[n];
    int iteration = 0;
    while (iteration < maxIterations && maxAbs(g) > tolerance) {
      double[] d = direction(g, s, y, rho, stored, newest);
      double slope = dot(g, d);
      if (slope
          >= 0) { // not a descent direction (numerical trouble): restart from steepest descent
        stored = 0;
        for (int i = 0; i < n; i++) {
          d[i] = -g[i];
        }
        slope = dot(g, d);
      }
      // The first step has no curvature information yet: scale it to unit length.
      double step = stored == 0 ? Math.min(1.0, 1.0 / Math.sqrt(-slope)) : 1.0;
      double valueNew;
      int halvings = 0;
      while (true) {
        for (int i = 0; i < n; i++) {
          xNew[i] = x[i] + step * d[i];
        }
        valueNew = f.valueAndGradient(xNew, gNew);
        if (valueNew <= value + ARMIJO * step * slope || halvings++ > 50) {
          break;
        }
        step *= 0.5;
      }
      double[] sk = new double[n];
      double[] yk = new double[n];
      for (int i = 0; i < n; i++) {
        sk[i] = xNew[i] - x[i];
        yk[i] = gNew[i] - g[i];
      }
      double sy = dot(sk, yk);
      if (sy
          > 1e-12
              * Math.sqrt(dot(sk, sk) * dot(yk, yk))) { // keep only pairs with positive curvature
        newest = (newest + 1) % HISTORY;
        s[newest] = sk;
        y[newest] = yk;
        rho[newest] = 1.0 / sy;
        stored = Math.min(stored + 1, HISTORY);
      }
      System.arraycopy(xNew, 0, x, 0, n);
      System.arraycopy(gNew, 0, g, 0, n);
      boolean stalled = value - valueNew <= 1e-15 * Math.max(1.0, Math.abs(value));
      value = valueNew;
      iteration++;
      if (stalled) {
        break;
      }
    }
    double gradientNorm = maxAbs(g);
    return new Result(x, value, gradientNorm, iteration, gradientNorm <= tolerance);
  }

  /** The two-loop recursion: −H·g with the stored pairs, newest first. */
  private static double[] direction(
      double[] g, double[][] s, double[][] y, double[] rho, int stored, int newest) {
    double[] q = g.clone();
    double[] alpha = new double[HISTORY];
    for (int k = 0; k < stored; k++) {
      int j = Math.floorMod(newest - k, HISTORY);
      alpha[j] = rho[j] * dot(s[j], q);
      axpy(-alpha[j], y[j], q);
    }
    if (stored > 0) {
      double gamma = dot(s[newest], y[newest]) / dot(y[newest], y[newest]);
      for (int i = 0; i < q.length; i++) {
        q[i] *= gamma;
      }
    }
    for (int k = stored - 1; k >= 0; k--) {
      int j = Math.floorMod(newest - k, HISTORY);
      double beta = rho[j] * dot(y[j], q);
      axpy(alpha[j] - beta, s[j], q);
    }
    for (int i = 0; i < q.length; i++) {
      q[i] = -q[i];
    }
    return q;
  }

  private static double dot(double[] a, double[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += a[i] * b[i];
    }
    return sum;
  }

  private static void axpy(double a, double[] x, double[] y) {
    for (int i = 0; i < x.length; i++) {
      y[i] += a * x[i];
    }
  }

  private static double maxAbs(double[] v) {
    double max = 0;
    for (double d : v) {
      max = Math.max(max, Math.abs(d));
    }
    return max;
  }
}
