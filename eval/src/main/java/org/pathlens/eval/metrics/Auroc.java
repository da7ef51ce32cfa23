package org.pathlens.eval.metrics;

import java.util.Arrays;
import java.util.Comparator;

/**
 * Area under the ROC curve as the Mann–Whitney statistic: the probability that a random positive
 * scores above a random negative, ties counting one half. Computed from mid-ranks in O(n log n);
 * equal to the trapezoidal ROC area scikit-learn reports.
 */
public final class Auroc {

  private Auroc() {}

  /** AUROC of {@code scores} for the items marked {@code positive}; NaN without both kinds. */
  public static double of(double[] scores, boolean[] positive) {
    int n = scores.length;
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingDouble(i -> scores[i]));
    double positiveRankSum = 0;
    long positives = 0;
    for (int start = 0; start < n; ) {
      int end = start;
      while (end + 1 < n && scores[order[end + 1]] == scores[order[start]]) {
        end++;
      }
      double midRank = (start + end) / 2.0 + 1; // ranks are 1-based; tied items share the mean
      for (int i = start; i <= end; i++) {
        if (positive[order[i]]) {
          positiveRankSum += midRank;
          positives++;
        }
      }
      start = end + 1;
    }
    long negatives = n - positives;
    if (positives == 0 || negatives == 0) {
      return Double.NaN;
    }
    double u = positiveRankSum - positives * (positives + 1) / 2.0;
    return u / ((double) positives * negatives);
  }

  /** One-vs-rest AUROC of class {@code c}, scored by its probability. */
  public static double oneVsRest(Predictions p, int c) {
    double[] scores = new double[p.size()];
    boolean[] positive = new boolean[p.size()];
    for (int i = 0; i < p.size(); i++) {
      scores[i] = p.probabilities()[i][c];
      positive[i] = p.truth()[i] == c;
    }
    return of(scores, positive);
  }
}
