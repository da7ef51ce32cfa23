package org.pathlens.encoders.preprocess;

import org.pathlens.encoders.bundle.Interpolation;

/**
 * The weights of PIL's antialiased resampling along one axis, in the 8-bit fixed point that PIL's
 * {@code ImagingResample} uses for 8-bit images. To be bit-exact with PIL every step repeats its
 * arithmetic in the same order with the same types: weights in double, bounds rounded by truncating
 * {@code x + 0.5}, normalised by their sum, then scaled by 2^22 and rounded half away from zero.
 *
 * <p>Output pixel {@code i} (counted from {@code first}) reads input pixels {@code start(i) ..
 * start(i) + taps(i) - 1} with weights {@code weights[i * stride ..]}.
 *
 * @param starts first input pixel of each output pixel
 * @param counts number of input pixels (taps) of each output pixel
 * @param weights fixed-point weights, {@code stride} per output pixel
 * @param stride maximum number of taps
 */
record ResampleCoefficients(int[] starts, int[] counts, int[] weights, int stride) {

  /** Fixed-point fraction bits: 32 bits minus 8 for the sample minus 2 of headroom, as PIL. */
  static final int PRECISION_BITS = 32 - 8 - 2;

  /**
   * Weights for output pixels {@code first .. first + count - 1} of a resize from {@code inSize} to
   * {@code outSize}; computing only a window lets a center crop skip the discarded pixels, with
   * weights identical to those of the full resize.
   */
  static ResampleCoefficients compute(
      int inSize, int outSize, Interpolation filter, int first, int count) {
    double baseSupport = filter == Interpolation.BICUBIC ? 2.0 : 1.0;
    // PIL: scale = (box1 - box0) / outSize with a float box (0, inSize), exact here.
    double scale = (double) inSize / outSize;
    // When shrinking the filter is stretched by the scale: that is PIL's antialiasing.
    double filterScale = Math.max(scale, 1.0);
    double support = baseSupport * filterScale;
    int stride = (int) Math.ceil(support) * 2 + 1;
    double invFilterScale = 1.0 / filterScale;

    int[] starts = new int[count];
    int[] counts = new int[count];
    int[] weights = new int[count * stride];
    double[] w = new double[stride];
    for (int i = 0; i < count; i++) {
      int xx = first + i;
      double center = (xx + 0.5) * scale;
      // (int) truncates toward zero as C's cast does; negative values are clamped anyway.
      int xmin = (int) (center - support + 0.5);
      if (xmin < 0) {
        xmin = 0;
      }
      int xmax = (int) (center + support + 0.5);
      if (xmax > inSize) {
        xmax = inSize;
      }
      int taps = xmax - xmin;
      double sum = 0.0;
      for (int x = 0; x < taps; x++) {
        double weight = kernel(filter, (x + xmin - center + 0.5) * invFilterScale);
        w[x] = weight;
        sum += weight;
      }
      for (int x = 0; x < taps; x++) {
        double k = sum != 0.0 ? w[x] / sum : w[x];
        weights[i * stride + x] = toFixedPoint(k);
      }
      starts[i] = xmin;
      counts[i] = taps;
    }
    return new ResampleCoefficients(starts, counts, weights, stride);
  }

  private static int toFixedPoint(double k) {
    double scaled = k * (1 << PRECISION_BITS);
    return k < 0 ? (int) (-0.5 + scaled) : (int) (0.5 + scaled);
  }

  private static double kernel(Interpolation filter, double x) {
    return filter == Interpolation.BICUBIC ? bicubic(x) : bilinear(x);
  }

  /** Keys' cubic convolution with a = -0.5, written in PIL's evaluation order. */
  private static double bicubic(double x) {
    final double a = -0.5;
    if (x < 0.0) {
      x = -x;
    }
    if (x < 1.0) {
      return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
    }
    if (x < 2.0) {
      return (((x - 5) * x + 8) * x - 4) * a;
    }
    return 0.0;
  }

  private static double bilinear(double x) {
    if (x < 0.0) {
      x = -x;
    }
    return x < 1.0 ? 1.0 - x : 0.0;
  }
}
