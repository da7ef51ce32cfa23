package org.pathlens.prompts;

/** softmax(scale × x), computed stably by subtracting the maximum first. */
public final class Softmax {

  private Softmax() {}

  public static float[] of(float[] x, double scale) {
    double max = Double.NEGATIVE_INFINITY;
    for (float v : x) {
      max = Math.max(max, scale * v);
    }
    double[] e = new double[x.length];
    double sum = 0;
    for (int i = 0; i < x.length; i++) {
      e[i] = Math.exp(scale * x[i] - max);
      sum += e[i];
    }
    float[] p = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      p[i] = (float) (e[i] / sum);
    }
    return p;
  }
}
