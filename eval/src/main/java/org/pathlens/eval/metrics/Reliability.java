package org.pathlens.eval.metrics;

import java.util.ArrayList;
import java.util.List;

/**
 * Calibration of a classifier's confidence, as Guo et al. (2017, "On Calibration of Modern Neural
 * Networks") define it: each item's confidence is the probability it gave its predicted class;
 * items fall into M equal-width bins I_m = ((m − 1)/M, m/M] (a confidence of exactly 0 goes to the
 * first); a bin's accuracy is the share of its items predicted right. The expected calibration
 * error is ECE = Σ_m (|B_m| / n) · |acc(B_m) − conf(B_m)|: 0 when the model is exactly as sure as
 * it is right, up to 1. A reliability diagram plots acc(B_m) against conf(B_m).
 *
 * @param bins M bins in increasing order, empty ones included
 * @param items n, the items binned
 */
public record Reliability(List<Bin> bins, int items) {

  /** The bins reports and the {@code ece} metric use, as Guo et al. do. */
  public static final int DEFAULT_BINS = 10;

  /**
   * One confidence bin.
   *
   * @param lower exclusive lower edge (inclusive for the first bin)
   * @param upper inclusive upper edge
   * @param count items whose confidence falls in it
   * @param meanConfidence their mean confidence; NaN when empty
   * @param accuracy the share of them predicted right; NaN when empty
   */
  public record Bin(
      double lower, double upper, int count, double meanConfidence, double accuracy) {}

  public Reliability {
    bins = List.copyOf(bins);
  }

  public static Reliability of(Predictions p, int binCount) {
    if (binCount < 1) {
      throw new IllegalArgumentException("bins must be >= 1, got " + binCount);
    }
    int[] counts = new int[binCount];
    int[] right = new int[binCount];
    double[] confidence = new double[binCount];
    for (int i = 0; i < p.size(); i++) {
      double c = p.probabilities()[i][p.predicted()[i]];
      // Right-closed bins: ceil(c·M) − 1, so that c = m/M lands in bin m, not m + 1.
      int b = Math.clamp((long) Math.ceil(c * binCount) - 1, 0, binCount - 1);
      counts[b]++;
      confidence[b] += c;
      if (p.predicted()[i] == p.truth()[i]) {
        right[b]++;
      }
    }
    List<Bin> bins = new ArrayList<>(binCount);
    for (int b = 0; b < binCount; b++) {
      bins.add(
          new Bin(
              (double) b / binCount,
              (double) (b + 1) / binCount,
              counts[b],
              counts[b] == 0 ? Double.NaN : confidence[b] / counts[b],
              counts[b] == 0 ? Double.NaN : (double) right[b] / counts[b]));
    }
    return new Reliability(bins, p.size());
  }

  /** ECE with {@link #DEFAULT_BINS} bins; NaN without items. */
  public static double ece(Predictions p) {
    return of(p, DEFAULT_BINS).ece();
  }

  public double ece() {
    if (items == 0) {
      return Double.NaN;
    }
    double sum = 0;
    for (Bin bin : bins) {
      if (bin.count() > 0) {
        sum += bin.count() * Math.abs(bin.accuracy() - bin.meanConfidence());
      }
    }
    return sum / items;
  }
}
