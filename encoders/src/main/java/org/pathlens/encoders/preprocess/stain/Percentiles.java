package org.pathlens.encoders.preprocess.stain;

/**
 * Percentiles as numpy's default ({@code method="linear"}) computes them, by selection rather than
 * a full sort: a tile's 50,000 values need two order statistics, not their whole order.
 */
final class Percentiles {

  private Percentiles() {}

  /**
   * The {@code q}-th percentile (0..100) of {@code values[0..n)}; reorders that range.
   *
   * <p>numpy: the value at fractional rank {@code (n - 1) q / 100}, interpolated linearly between
   * its two neighbours in sorted order.
   */
  static double of(double[] values, int n, double q) {
    if (n < 1) {
      throw new IllegalArgumentException("percentile of no values");
    }
    double rank = (n - 1) * (q / 100.0);
    int below = (int) Math.floor(rank);
    double low = select(values, n, below);
    if (below + 1 >= n) {
      return low;
    }
    double high = Double.POSITIVE_INFINITY; // after select, everything right of `below` is >= it
    for (int i = below + 1; i < n; i++) {
      high = Math.min(high, values[i]);
    }
    return low + (high - low) * (rank - below);
  }

  /**
   * The {@code k}-th smallest of {@code a[0..n)} (Hoare's quickselect, median-of-three pivots); on
   * return {@code a[0..k)} hold values not above it and {@code a(k..n)} values not below it.
   */
  static double select(double[] a, int n, int k) {
    int lo = 0, hi = n - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (a[mid] < a[lo]) {
        swap(a, lo, mid);
      }
      if (a[hi] < a[lo]) {
        swap(a, lo, hi);
      }
      if (a[hi] < a[mid]) {
        swap(a, mid, hi);
      }
      double pivot = a[mid];
      int i = lo, j = hi;
      while (i <= j) {
        while (a[i] < pivot) {
          i++;
        }
        while (a[j] > pivot) {
          j--;
        }
        if (i <= j) {
          swap(a, i++, j--);
        }
      }
      if (k <= j) {
        hi = j;
      } else if (k >= i) {
        lo = i;
      } else {
        return a[k];
      }
    }
    return a[k];
  }

  private static void swap(double[] a, int i, int j) {
    double t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
}
