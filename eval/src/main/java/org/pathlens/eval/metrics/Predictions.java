package org.pathlens.eval.metrics;

import java.util.List;

/**
 * What a classifier said about labelled items: the input of every classification metric.
 *
 * @param classIds the classes, in order; for ordinal sets (grades) this order is the scale that
 *     quadratic-weighted kappa uses
 * @param truth true class index per item
 * @param predicted predicted class index per item
 * @param probabilities per item, a probability (or any score, larger = likelier) per class; AUROC
 *     uses it
 * @param groups per item, the unit a bootstrap resamples (a slide, a patient); {@code null} when
 *     items are independent
 */
public record Predictions(
    List<String> classIds, int[] truth, int[] predicted, float[][] probabilities, String[] groups) {

  public Predictions {
    classIds = List.copyOf(classIds);
    int n = truth.length;
    if (predicted.length != n
        || probabilities.length != n
        || (groups != null && groups.length != n)) {
      throw new IllegalArgumentException(
          "truth, predicted, probabilities and groups must have one entry per item");
    }
    for (int i = 0; i < n; i++) {
      if (truth[i] < 0
          || truth[i] >= classIds.size()
          || predicted[i] < 0
          || predicted[i] >= classIds.size()) {
        throw new IllegalArgumentException(
            "item " + i + ": class index outside 0.." + (classIds.size() - 1));
      }
      if (probabilities[i].length != classIds.size()) {
        throw new IllegalArgumentException(
            "item "
                + i
                + ": "
                + probabilities[i].length
                + " probabilities for "
                + classIds.size()
                + " classes");
      }
    }
  }

  public int size() {
    return truth.length;
  }

  public int classCount() {
    return classIds.size();
  }

  /** The items at {@code indices} (repeats allowed), as a bootstrap resample takes them. */
  public Predictions select(int[] indices) {
    int[] t = new int[indices.length];
    int[] p = new int[indices.length];
    float[][] prob = new float[indices.length][];
    String[] g = groups == null ? null : new String[indices.length];
    for (int i = 0; i < indices.length; i++) {
      t[i] = truth[indices[i]];
      p[i] = predicted[indices[i]];
      prob[i] = probabilities[indices[i]];
      if (g != null) {
        g[i] = groups[indices[i]];
      }
    }
    return new Predictions(classIds, t, p, prob, g);
  }
}
