package org.pathlens.eval.retrieval;

import java.util.List;
import org.pathlens.encoders.Embeddings;

/**
 * The {@code mean} slide embedding: the mean of unit embeddings, renormalised to unit length (the
 * baseline every slide encoder is compared with). A patient's embedding is this pooling over its
 * tiles (early fusion) or over its slides' embeddings (late fusion). The arithmetic is the index's
 * ({@code org.pathlens.index.SlidePooling}, the stored slide vectors of {@code search --level
 * slide}): sums in double, the mean cast to float, then {@link Embeddings#l2Normalize}; so a slide
 * evaluated here is the slide the index searches, up to the order of the sums.
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
    float[] mean = new float[d];
    double norm = 0;
    for (int j = 0; j < d; j++) {
      mean[j] = (float) (sum[j] / unitVectors.size());
      norm += (double) mean[j] * mean[j];
    }
    if (!(Math.sqrt(norm) > 1e-6)) {
      throw new IllegalArgumentException(
          "the " + unitVectors.size() + " embeddings cancel out: their mean has no direction");
    }
    return Embeddings.l2Normalize(mean);
  }
}
