package org.pathlens.encoders.preprocess.stain;

import java.util.Arrays;

/** Percentiles as numpy's default ({@code method="linear"}) computes them. */
final class Percentiles {

  private Percentiles() {}

  /**
   * The {@code q}-th percentile (0..100) of {@code values[0..n)}; sorts that range in place.
   *
   * <p>numpy: the value at fractional rank {@code (n - 1) q / 100}, interpolated linearly between
   * its two neighbours in sorted order.
   */
  static double of(double[] values, int n, double q) {
    if (n < 1) {
      throw new IllegalArgumentException("percentile of no values");
    }
    Arrays.sort(values, 0, n);
    double rank = (n - 1) * (q / 100.0);
    int below = (int) Math.floor(rank);
    int above = Math.min(n - 1, below + 1);
    double fraction = rank - below;
    return values[below] + (values[above] - values[below]) * fraction;
  }
}
