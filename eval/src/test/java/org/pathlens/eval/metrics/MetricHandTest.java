package org.pathlens.eval.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Metrics on cases worked out by hand (the arithmetic is in the comments). */
class MetricHandTest {

  /** Items from a confusion matrix, in row-major order; scores one-hot on the prediction. */
  static Predictions fromConfusion(long[][] counts) {
    List<Integer> t = new ArrayList<>();
    List<Integer> p = new ArrayList<>();
    for (int i = 0; i < counts.length; i++) {
      for (int j = 0; j < counts.length; j++) {
        for (long c = 0; c < counts[i][j]; c++) {
          t.add(i);
          p.add(j);
        }
      }
    }
    float[][] scores = new float[t.size()][counts.length];
    for (int i = 0; i < t.size(); i++) {
      scores[i][p.get(i)] = 1;
    }
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < counts.length; i++) {
      ids.add("c" + i);
    }
    return new Predictions(
        ids,
        t.stream().mapToInt(Integer::intValue).toArray(),
        p.stream().mapToInt(Integer::intValue).toArray(),
        scores,
        null);
  }

  @Test
  void twoClassKappa() {
    // [[20, 5], [10, 15]]: p_o = 35/50 = 0.7; marginals 25, 25 and 30, 20:
    // p_e = (25·30 + 25·20)/50² = 0.5; kappa = (0.7 − 0.5)/(1 − 0.5) = 0.4. Two classes: quadratic
    // = plain.
    Predictions p = fromConfusion(new long[][] {{20, 5}, {10, 15}});
    assertEquals(0.4, Metric.KAPPA.of(p), 1e-12);
    assertEquals(0.4, Metric.QUADRATIC_KAPPA.of(p), 1e-12);
    assertEquals(0.7, Metric.ACCURACY.of(p), 1e-12);
    // recalls 20/25 and 15/25: balanced accuracy 0.7.
    assertEquals(0.7, Metric.BALANCED_ACCURACY.of(p), 1e-12);
    // F1: class 0 p = 20/30, r = 0.8 → 0.727273; class 1 p = 15/20, r = 0.6 → 0.666667; equal
    // supports.
    assertEquals(
        (2 * (2.0 / 3) * 0.8 / (2.0 / 3 + 0.8) + 2 * 0.75 * 0.6 / 1.35) / 2,
        Metric.WEIGHTED_F1.of(p),
        1e-12);
  }

  @Test
  void quadraticKappaWeighsDistantErrorsMore() {
    // [[2,1,0],[0,2,1],[0,1,2]]: rows 3,3,3; columns 2,4,3; expected row = (2/3, 4/3, 1).
    // Plain: observed 3 disagreements, expected 9 − 3 = 6 → 0.5.
    // Quadratic: observed 1+1+1 = 3; expected 16/3 + 5/3 + 12/3 = 11 → 1 − 3/11 = 8/11.
    Predictions adjacent = fromConfusion(new long[][] {{2, 1, 0}, {0, 2, 1}, {0, 1, 2}});
    assertEquals(0.5, Metric.KAPPA.of(adjacent), 1e-12);
    assertEquals(8.0 / 11, Metric.QUADRATIC_KAPPA.of(adjacent), 1e-12);
    // The same number of errors, one of them two grades off, scores lower.
    Predictions distant = fromConfusion(new long[][] {{2, 0, 1}, {0, 2, 1}, {0, 1, 2}});
    assertTrue(Metric.QUADRATIC_KAPPA.of(distant) < Metric.QUADRATIC_KAPPA.of(adjacent));
  }

  @Test
  void aurocCountsTiesAsHalf() {
    // scikit-learn's doc example: 3 of 4 positive–negative pairs ordered right.
    assertEquals(
        0.75,
        Auroc.of(new double[] {0.1, 0.4, 0.35, 0.8}, new boolean[] {false, false, true, true}),
        1e-12);
    // One positive tied with one of two negatives and above the other: (1 + 0.5)/2.
    assertEquals(
        0.75, Auroc.of(new double[] {0.2, 0.5, 0.5}, new boolean[] {false, false, true}), 1e-12);
    assertEquals(
        0.5,
        Auroc.of(new double[] {0.3, 0.3, 0.3, 0.3}, new boolean[] {true, false, true, false}),
        1e-12);
    assertTrue(Double.isNaN(Auroc.of(new double[] {0.3, 0.4}, new boolean[] {true, true})));
  }

  @Test
  void absentClassesAreSkippedWhereUndefined() {
    // Class 2 never occurs in the truth; it is predicted once.
    Predictions p = fromConfusion(new long[][] {{2, 0, 1}, {0, 3, 0}, {0, 0, 0}});
    assertEquals((2.0 / 3 + 1) / 2, Metric.BALANCED_ACCURACY.of(p), 1e-12);
    assertEquals(0.0, ConfusionMatrix.of(p).recall(2));
    assertEquals(0.0, ConfusionMatrix.of(p).precision(2));
    // AUROC averages classes 0 and 1 only: class 0 AUC = (2·3 + 1·3·0... ) computed below.
    double auc0 = Auroc.oneVsRest(p, 0);
    double auc1 = Auroc.oneVsRest(p, 1);
    assertTrue(Double.isNaN(Auroc.oneVsRest(p, 2)));
    assertEquals((auc0 + auc1) / 2, Metric.MACRO_AUROC.of(p), 1e-12);
    // Class 1 is perfectly separated by its one-hot score.
    assertEquals(1.0, auc1, 1e-12);
  }

  @Test
  void perfectPredictionsScoreOne() {
    Predictions p = fromConfusion(new long[][] {{3, 0, 0}, {0, 2, 0}, {0, 0, 4}});
    for (Metric m : Metric.values()) {
      // One-hot scores on right predictions: sure and right, so no calibration error.
      assertEquals(m == Metric.ECE ? 0.0 : 1.0, m.of(p), 1e-12, m.label());
    }
  }

  @Test
  void confusionMatrixText() {
    Predictions p = fromConfusion(new long[][] {{20, 5}, {10, 15}});
    assertEquals(
        """
        true\\pred   c0  c1
        c0          20   5
        c1          10  15
        """,
        ConfusionMatrix.of(p).toText());
  }
}
