package org.pathlens.encoders;

/** Vector helpers shared by the encoders and everything downstream of them. */
public final class Embeddings {

  private Embeddings() {}

  /** Scales {@code v} in place to unit L2 norm; a zero vector stays zero rather than NaN. */
  public static float[] l2Normalize(float[] v) {
    double sum = 0;
    for (float x : v) {
      sum += (double) x * x;
    }
    if (sum > 0) {
      float inv = (float) (1.0 / Math.sqrt(sum));
      for (int i = 0; i < v.length; i++) {
        v[i] *= inv;
      }
    }
    return v;
  }

  /** Dot product; for unit vectors, the cosine similarity. */
  public static float dot(float[] a, float[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("dimension mismatch: " + a.length + " vs " + b.length);
    }
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += (double) a[i] * b[i];
    }
    return (float) sum;
  }
}
