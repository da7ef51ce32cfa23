package org.pathlens.eval.retrieval;

import java.util.List;

/**
 * The {@code mean} slide embedding: the mean of unit embeddings, renormalised to unit length (the
 * baseline every slide encoder is compared with). Sums in double, so the order of the inputs does
 * not change the result beyond float rounding. A patient's embedding is this pooling over its tiles
 * (early fusion) or over its slides' embeddings (late fusion).
 */
public final class UnitMeanPooling {

  private UnitMeanPooling() {}

  /**
   * The renormalised mean of {@code unitVectors}; refused when there are none, when their lengths
   * differ, or when they cancel out (a zero mean has no direction).
   */
  public static float[] pool(List<float[]> unitVectors) {
    if (unitVectors.isEmpty()) {
      throw new IllegalArgumentException("nothing to pool: no embeddings");
    }
    int d = unitVectors.getFirst().length;
    double[] sum = new double[d];
    for (float[] v : unitVectors) {
      if (v.length != d) {
        throw new IllegalArgumentException(
            "embeddings of dimension " + v.length + " and " + d + " cannot be pooled");
      }
      for (int j = 0; j < d; j++) {
        sum[j] += v[j];
      }
    }
    double norm = 0;
    for (int j = 0; j < d; j++) {
      double mean = sum[j] / unitVectors.size();
      sum[j] = mean;
      norm += mean * mean;
    }
    norm = Math.sqrt(norm);
    if (!(norm > 1e-12)) {
      throw new IllegalArgumentException(
          "the " + unitVectors.size() + " embeddings cancel out: their mean has no direction");
    }
    float[] out = new float[d];
    for (int j = 0; j < d; j++) {
      out[j] = (float) (sum[j] / norm);
    }
    return out;
  }
}
