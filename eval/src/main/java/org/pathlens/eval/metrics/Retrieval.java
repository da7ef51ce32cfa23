package org.pathlens.eval.metrics;

import java.util.HashMap;
import java.util.Map;

/**
 * Per-query retrieval scores from rankings, as the CLIP, SISH and RetCCL papers report them. A
 * ranking lists candidate indices best first; it already leaves out what must not be found (for
 * image→image, the query's own slide). Each function returns one score per query, so that the mean
 * is the metric and a bootstrap can resample queries or their slides.
 */
public final class Retrieval {

  private Retrieval() {}

  /**
   * Recall@k for paired data: 1 when the query's own partner {@code targets[q]} is among the first
   * k, else 0.
   */
  public static double[] recallAtK(int[][] rankings, int[] targets, int k) {
    requireK(k);
    double[] out = new double[rankings.length];
    for (int q = 0; q < rankings.length; q++) {
      int[] ranking = rankings[q];
      for (int r = 0; r < Math.min(k, ranking.length); r++) {
        if (ranking[r] == targets[q]) {
          out[q] = 1;
          break;
        }
      }
    }
    return out;
  }

  /**
   * Label precision@k: the share of the first k hits whose class is the query's. With
   * near-duplicate captions (templated by class) exact-pair recall is a lottery among equals; this
   * is what matters. A ranking shorter than k is scored over the hits it has.
   */
  public static double[] labelPrecisionAtK(
      int[][] rankings, String[] queryLabels, String[] candidateLabels, int k) {
    requireK(k);
    double[] out = new double[rankings.length];
    for (int q = 0; q < rankings.length; q++) {
      int n = Math.min(k, rankings[q].length);
      int same = 0;
      for (int r = 0; r < n; r++) {
        if (candidateLabels[rankings[q][r]].equals(queryLabels[q])) {
          same++;
        }
      }
      out[q] = n == 0 ? 0 : (double) same / n;
    }
    return out;
  }

  /**
   * Majority vote at k (the per-query term of SISH/RetCCL's mMV@k): 1 when the most frequent class
   * among the first k hits is the query's. Ties go to the tied class seen first in the ranking, as
   * Python's {@code Counter.most_common} (insertion order) decides them in those papers' code.
   */
  public static double[] majorityVoteAtK(
      int[][] rankings, String[] queryLabels, String[] candidateLabels, int k) {
    requireK(k);
    double[] out = new double[rankings.length];
    for (int q = 0; q < rankings.length; q++) {
      Map<String, Integer> votes = new HashMap<>();
      String winner = null;
      int most = 0;
      int n = Math.min(k, rankings[q].length);
      for (int r = 0; r < n; r++) {
        votes.merge(candidateLabels[rankings[q][r]], 1, Integer::sum);
      }
      // Walk in rank order so the first-seen class wins a tie.
      for (int r = 0; r < n; r++) {
        String label = candidateLabels[rankings[q][r]];
        if (votes.get(label) > most) {
          most = votes.get(label);
          winner = label;
        }
      }
      out[q] = queryLabels[q].equals(winner) ? 1 : 0;
    }
    return out;
  }

  /**
   * Average precision at k (the per-query term of mAP@k, SISH's definition): the mean of
   * precision@i over the ranks i ≤ k that hold a hit of the query's class, 0 when none does. The
   * denominator is the relevant hits retrieved, not all relevant candidates.
   */
  public static double[] averagePrecisionAtK(
      int[][] rankings, String[] queryLabels, String[] candidateLabels, int k) {
    requireK(k);
    double[] out = new double[rankings.length];
    for (int q = 0; q < rankings.length; q++) {
      double[] sumAndHits = precisionSum(rankings[q], queryLabels[q], candidateLabels, k);
      out[q] = sumAndHits[1] == 0 ? 0 : sumAndHits[0] / sumAndHits[1];
    }
    return out;
  }

  /**
   * Acc@k (Patho-Bench's {@code top{k}_acc}): 1 when any of the first k hits has the query's class.
   */
  public static double[] accuracyAtK(
      int[][] rankings, String[] queryLabels, String[] candidateLabels, int k) {
    requireK(k);
    double[] out = new double[rankings.length];
    for (int q = 0; q < rankings.length; q++) {
      for (int r = 0; r < Math.min(k, rankings[q].length); r++) {
        if (candidateLabels[rankings[q][r]].equals(queryLabels[q])) {
          out[q] = 1;
          break;
        }
      }
    }
    return out;
  }

  /**
   * MV@k as Patho-Bench defines it ({@code mv@{k}_acc}): 1 when the query's class is one of the
   * most frequent classes among the first k hits. A tie counts for every tied class, so a query
   * whose class ties for the lead is right (unlike {@link #majorityVoteAtK}, SISH's first-seen
   * rule).
   */
  public static double[] majorityVoteWithTiesAtK(
      int[][] rankings, String[] queryLabels, String[] candidateLabels, int k) {
    requireK(k);
    double[] out = new double[rankings.length];
    for (int q = 0; q < rankings.length; q++) {
      Map<String, Integer> votes = new HashMap<>();
      int n = Math.min(k, rankings[q].length);
      int most = 0;
      for (int r = 0; r < n; r++) {
        most = Math.max(most, votes.merge(candidateLabels[rankings[q][r]], 1, Integer::sum));
      }
      out[q] = n > 0 && votes.getOrDefault(queryLabels[q], 0) == most ? 1 : 0;
    }
    return out;
  }

  /**
   * Average precision over k as Patho-Bench computes its {@code mAP@k}: the sum of precision@i over
   * the ranks i ≤ k that hold a hit of the query's class, divided by k (not by the relevant hits,
   * as {@link #averagePrecisionAtK} does), 0 when none does.
   */
  public static double[] averagePrecisionOverK(
      int[][] rankings, String[] queryLabels, String[] candidateLabels, int k) {
    requireK(k);
    double[] out = new double[rankings.length];
    for (int q = 0; q < rankings.length; q++) {
      out[q] = precisionSum(rankings[q], queryLabels[q], candidateLabels, k)[0] / k;
    }
    return out;
  }

  public static double mean(double[] values) {
    if (values.length == 0) {
      return Double.NaN;
    }
    double sum = 0;
    for (double v : values) {
      sum += v;
    }
    return sum / values.length;
  }

  /**
   * The sum of precision@i over the ranks i ≤ k of {@code ranking} that hold a hit of {@code
   * label}, and how many hits there were: what both mAP definitions divide, by the hits or by k.
   */
  private static double[] precisionSum(
      int[] ranking, String label, String[] candidateLabels, int k) {
    int n = Math.min(k, ranking.length);
    int relevant = 0;
    double sum = 0;
    for (int r = 0; r < n; r++) {
      if (candidateLabels[ranking[r]].equals(label)) {
        relevant++;
        sum += (double) relevant / (r + 1);
      }
    }
    return new double[] {sum, relevant};
  }

  private static void requireK(int k) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be >= 1, got " + k);
    }
  }
}
