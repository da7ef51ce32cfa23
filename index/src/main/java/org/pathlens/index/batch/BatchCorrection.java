package org.pathlens.index.batch;

import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Fitted ComBat parameters ({@link ComBat}): the pooled reference every batch is mapped onto, and
 * each batch's location and scale. {@link #apply} maps an embedding of a fitted batch to x* = (x −
 * m − γ·s)/√δ + m per feature (ComBat's (z − γ)/√δ · s + m with z = (x − m)/s), then scales it to
 * unit length, since the index searches by cosine.
 *
 * @param by the metadata field naming a tile's batch ({@code site})
 * @param method how the batch parameters were estimated
 * @param mean m: per feature, the grand mean of the fitted tiles
 * @param scale s: per feature, the pooled within-batch standard deviation
 * @param batches per batch name, its parameters
 */
public record BatchCorrection(
    String by,
    ComBat.Method method,
    double[] mean,
    double[] scale,
    SortedMap<String, Batch> batches) {

  /**
   * One batch's parameters, in units of the pooled standard deviation.
   *
   * @param tiles how many tiles of the batch the fit saw
   * @param gamma γ*: per feature, the batch's location
   * @param delta δ*: per feature, the batch's variance relative to the pooled one
   * @param iterations empirical Bayes iterations to convergence (0 for location/scale)
   */
  public record Batch(long tiles, double[] gamma, double[] delta, int iterations) {
    public Batch {
      if (gamma.length != delta.length) {
        throw new IllegalArgumentException(
            "gamma has " + gamma.length + " features, delta " + delta.length);
      }
      for (double d : delta) {
        if (!(d > 0)) {
          throw new IllegalArgumentException("delta must be positive, got " + d);
        }
      }
    }
  }

  public BatchCorrection {
    if (by == null || by.isBlank()) {
      throw new IllegalArgumentException(
          "a batch correction needs the field that names batches (by)");
    }
    if (mean.length != scale.length) {
      throw new IllegalArgumentException(
          "mean has " + mean.length + " features, scale " + scale.length);
    }
    for (var e : batches.entrySet()) {
      if (e.getValue().gamma().length != mean.length) {
        throw new IllegalArgumentException(
            "batch "
                + e.getKey()
                + " has "
                + e.getValue().gamma().length
                + " features, the correction "
                + mean.length);
      }
    }
    batches = Collections.unmodifiableSortedMap(new TreeMap<>(batches));
  }

  public int dimension() {
    return mean.length;
  }

  /**
   * Whether tiles of {@code batch} are corrected (false for null and for batches the fit did not
   * see).
   */
  public boolean covers(String batch) {
    return batch != null && batches.containsKey(batch);
  }

  /**
   * The corrected unit embedding of a tile of {@code batch}.
   *
   * @throws IllegalArgumentException if the batch is not {@linkplain #covers covered} or the
   *     dimension differs
   */
  public float[] apply(float[] embedding, String batch) {
    Batch b = batches.get(batch);
    if (b == null) {
      throw new IllegalArgumentException(
          "no batch correction parameters for "
              + by
              + " "
              + batch
              + "; fitted: "
              + batches.keySet());
    }
    if (embedding.length != mean.length) {
      throw new IllegalArgumentException(
          "embedding has dimension " + embedding.length + ", the batch correction " + mean.length);
    }
    double[] y = new double[mean.length];
    double norm = 0;
    for (int g = 0; g < y.length; g++) {
      y[g] = (embedding[g] - mean[g] - b.gamma()[g] * scale[g]) / Math.sqrt(b.delta()[g]) + mean[g];
      norm += y[g] * y[g];
    }
    norm = Math.sqrt(norm);
    if (!(norm > 0)) {
      throw new IllegalStateException(
          "batch correction of an embedding of " + by + " " + batch + " gave a zero vector");
    }
    float[] out = new float[y.length];
    for (int g = 0; g < y.length; g++) {
      out[g] = (float) (y[g] / norm);
    }
    return out;
  }
}
