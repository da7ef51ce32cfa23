package org.pathlens.eval.metrics;

import java.util.function.ToDoubleFunction;

/**
 * The classification metrics PathLens reports, defined as scikit-learn defines them so that numbers
 * compare with published ones (ECE, which scikit-learn lacks, as Guo et al. 2017 define it: {@link
 * Reliability}). Classes absent from the truth are skipped where a metric would be undefined for
 * them (balanced accuracy, AUROC), as scikit-learn does for balanced accuracy; a metric with
 * nothing to average is NaN. Larger is better for all but ECE.
 */
public enum Metric {
  ACCURACY("accuracy", Metric::accuracy),
  BALANCED_ACCURACY("balanced accuracy", Metric::balancedAccuracy),
  WEIGHTED_F1("weighted F1", Metric::weightedF1),
  MACRO_AUROC("macro AUROC", Metric::macroAuroc),
  KAPPA("Cohen's kappa", p -> kappa(p, false)),
  QUADRATIC_KAPPA("quadratic kappa", p -> kappa(p, true)),
  /** Expected calibration error over 10 equal-width confidence bins; 0 is perfectly calibrated. */
  ECE("ECE (10 bins)", Reliability::ece);

  private final String label;
  private final ToDoubleFunction<Predictions> compute;

  Metric(String label, ToDoubleFunction<Predictions> compute) {
    this.label = label;
    this.compute = compute;
  }

  public String label() {
    return label;
  }

  /** False for ECE, an error: a comparison must read its differences the other way round. */
  public boolean higherIsBetter() {
    return this != ECE;
  }

  public double of(Predictions p) {
    return compute.applyAsDouble(p);
  }

  public static double accuracy(Predictions p) {
    if (p.size() == 0) {
      return Double.NaN;
    }
    int right = 0;
    for (int i = 0; i < p.size(); i++) {
      if (p.truth()[i] == p.predicted()[i]) {
        right++;
      }
    }
    return (double) right / p.size();
  }

  /** Mean recall over the classes present in the truth. */
  public static double balancedAccuracy(Predictions p) {
    ConfusionMatrix m = ConfusionMatrix.of(p);
    double sum = 0;
    int present = 0;
    for (int c = 0; c < m.classCount(); c++) {
      if (m.support(c) > 0) {
        sum += m.recall(c);
        present++;
      }
    }
    return present == 0 ? Double.NaN : sum / present;
  }

  /** Per-class F1 averaged with the classes' support as weights. */
  public static double weightedF1(Predictions p) {
    ConfusionMatrix m = ConfusionMatrix.of(p);
    double sum = 0;
    for (int c = 0; c < m.classCount(); c++) {
      sum += m.support(c) * m.f1(c);
    }
    return p.size() == 0 ? Double.NaN : sum / p.size();
  }

  /** Unweighted mean of the one-vs-rest AUROCs of the classes that have positives and negatives. */
  public static double macroAuroc(Predictions p) {
    double sum = 0;
    int defined = 0;
    for (int c = 0; c < p.classCount(); c++) {
      double auc = Auroc.oneVsRest(p, c);
      if (!Double.isNaN(auc)) {
        sum += auc;
        defined++;
      }
    }
    return defined == 0 ? Double.NaN : sum / defined;
  }

  /**
   * Cohen's kappa, 1 − Σ w·observed / Σ w·expected, with disagreement weights w = [i ≠ j] (plain)
   * or (i − j)² (quadratic, for ordinal classes in their listed order); expected counts are the
   * outer product of the marginals over n. NaN when the expected disagreement is zero.
   */
  public static double kappa(Predictions p, boolean quadratic) {
    ConfusionMatrix m = ConfusionMatrix.of(p);
    int k = m.classCount();
    double n = m.total();
    double observed = 0;
    double expected = 0;
    for (int i = 0; i < k; i++) {
      for (int j = 0; j < k; j++) {
        double w = quadratic ? (double) (i - j) * (i - j) : (i == j ? 0 : 1);
        observed += w * m.counts()[i][j];
        expected += w * m.support(i) * (double) m.predictedCount(j) / n;
      }
    }
    return expected == 0 ? Double.NaN : 1 - observed / expected;
  }
}
