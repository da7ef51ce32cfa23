package org.pathlens.eval.robustness;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Lloyd's k-means in squared Euclidean distance with k-means++ seeding (Arthur and Vassilvitskii
 * 2007), deterministic for a seed: the seeding draws from one {@link SplittableRandom}, and equal
 * distances go to the lower centroid index. One run, no restarts: the clustering score compares
 * embeddings, so every model gets the same procedure rather than its best of n.
 */
public final class KMeans {

  /** Lloyd iterations at most; assignments on embeddings settle in a few dozen. */
  public static final int MAX_ITERATIONS = 300;

  /**
   * @param assignments each point's cluster, 0..k-1
   * @param iterations Lloyd iterations run until no assignment changed (or the cap)
   */
  public record Result(int[] assignments, double[][] centroids, int iterations) {}

  private KMeans() {}

  public static Result cluster(List<float[]> points, int k, long seed) {
    int n = points.size();
    if (k < 1 || k > n) {
      throw new IllegalArgumentException(
          "k must be in 1.." + n + " (the number of points), got " + k);
    }
    int d = points.getFirst().length;
    double[][] x = new double[n][];
    for (int i = 0; i < n; i++) {
      if (points.get(i).length != d) {
        throw new IllegalArgumentException(
            "point " + i + " has " + points.get(i).length + " dimensions, point 0 has " + d);
      }
      x[i] = new double[d];
      for (int j = 0; j < d; j++) {
        x[i][j] = points.get(i)[j];
      }
    }
    double[][] centroids = seed(x, k, new SplittableRandom(seed));
    int[] assignments = new int[n];
    Arrays.fill(assignments, -1);
    int iteration = 0;
    while (iteration < MAX_ITERATIONS) {
      iteration++;
      boolean changed = false;
      for (int i = 0; i < n; i++) {
        int nearest = nearest(x[i], centroids);
        if (nearest != assignments[i]) {
          assignments[i] = nearest;
          changed = true;
        }
      }
      if (!changed) {
        break;
      }
      centroids = means(x, assignments, centroids);
    }
    return new Result(assignments, centroids, iteration);
  }

  /** k-means++: the first centroid uniformly, each next one with probability proportional to D². */
  private static double[][] seed(double[][] x, int k, SplittableRandom random) {
    int n = x.length;
    double[][] centroids = new double[k][];
    centroids[0] = x[random.nextInt(n)].clone();
    double[] d2 = new double[n];
    for (int i = 0; i < n; i++) {
      d2[i] = distance2(x[i], centroids[0]);
    }
    for (int c = 1; c < k; c++) {
      double total = Arrays.stream(d2).sum();
      int chosen;
      if (total == 0) {
        // Fewer distinct points than k: any point will do; take the first so the run stays
        // deterministic.
        chosen = 0;
      } else {
        double target = random.nextDouble() * total;
        chosen = n - 1;
        double running = 0;
        for (int i = 0; i < n; i++) {
          running += d2[i];
          if (running > target) {
            chosen = i;
            break;
          }
        }
      }
      centroids[c] = x[chosen].clone();
      for (int i = 0; i < n; i++) {
        d2[i] = Math.min(d2[i], distance2(x[i], centroids[c]));
      }
    }
    return centroids;
  }

  /** Cluster means; a cluster left empty keeps its previous centroid rather than vanishing. */
  private static double[][] means(double[][] x, int[] assignments, double[][] previous) {
    int k = previous.length;
    int d = previous[0].length;
    double[][] sums = new double[k][d];
    int[] counts = new int[k];
    for (int i = 0; i < x.length; i++) {
      counts[assignments[i]]++;
      for (int j = 0; j < d; j++) {
        sums[assignments[i]][j] += x[i][j];
      }
    }
    for (int c = 0; c < k; c++) {
      if (counts[c] == 0) {
        sums[c] = previous[c].clone();
      } else {
        for (int j = 0; j < d; j++) {
          sums[c][j] /= counts[c];
        }
      }
    }
    return sums;
  }

  private static int nearest(double[] point, double[][] centroids) {
    int best = 0;
    double bestDistance = distance2(point, centroids[0]);
    for (int c = 1; c < centroids.length; c++) {
      double dist = distance2(point, centroids[c]);
      if (dist < bestDistance) {
        best = c;
        bestDistance = dist;
      }
    }
    return best;
  }

  private static double distance2(double[] a, double[] b) {
    double s = 0;
    for (int j = 0; j < a.length; j++) {
      double t = a[j] - b[j];
      s += t * t;
    }
    return s;
  }
}
