package org.pathlens.encoders.preprocess.stain;

/**
 * 8-bit sRGB to CIE L*a*b* (D65 white, 2° observer) and back, in double precision: the conversion
 * scikit-image's {@code rgb2lab}/{@code lab2rgb} implement (sRGB companding per IEC 61966-2-1, the
 * sRGB→XYZ matrix of Rec. 709 primaries, CIE 1976 L*a*b*). Reinhard normalisation matches
 * statistics in this space; we use CIE Lab, as most pathology toolkits do, rather than the paper's
 * lαβ.
 *
 * <p>Back to 8 bits, the linear value is mapped to the byte whose sRGB value is nearest (rounding
 * in the companded domain, as {@code round(255 * lab2rgb(...))} does) through the 255 thresholds
 * between bytes, found from a table over [0, 1] and at most a step or two along them, instead of a
 * {@code pow(x, 1/2.4)} per sample.
 */
final class CieLab {

  /** Linear-light value of each sRGB byte. */
  static final double[] LINEAR = new double[256];

  /**
   * THRESHOLD[v]: the linear value at which the rounded byte turns from v - 1 to v (v = 1..255).
   */
  private static final double[] THRESHOLD = new double[256];

  /**
   * BUCKETS slots over [0, 1]; START[i]: the byte of linear value i / BUCKETS. Finer than the gaps
   * between thresholds.
   */
  private static final int BUCKETS = 1 << 16;

  private static final byte[] START = new byte[BUCKETS + 1];

  private static final double XN = 0.95047, YN = 1.0, ZN = 1.08883;
  private static final double[][] RGB_TO_XYZ = {
    {0.412453, 0.357580, 0.180423},
    {0.212671, 0.715160, 0.072169},
    {0.019334, 0.119193, 0.950227}
  };
  private static final double[][] XYZ_TO_RGB = invert(RGB_TO_XYZ);

  /** Below (6/29)^3 the cube root is replaced by a line, so that f stays finite in slope. */
  private static final double EPSILON = 216.0 / 24389.0;

  private static final double DELTA = 6.0 / 29.0;

  static {
    for (int v = 0; v < 256; v++) {
      LINEAR[v] = decompand(v / 255.0);
      THRESHOLD[v] = v == 0 ? Double.NEGATIVE_INFINITY : decompand((v - 0.5) / 255.0);
    }
    for (int i = 0, v = 0; i <= BUCKETS; i++) {
      while (v < 255 && THRESHOLD[v + 1] <= (double) i / BUCKETS) {
        v++;
      }
      START[i] = (byte) v;
    }
  }

  private CieLab() {}

  /** L*, a*, b* of one pixel into {@code lab[offset..offset+3)}. */
  static void toLab(int r, int g, int b, double[] lab, int offset) {
    double lr = LINEAR[r], lg = LINEAR[g], lb = LINEAR[b];
    double x = (RGB_TO_XYZ[0][0] * lr + RGB_TO_XYZ[0][1] * lg + RGB_TO_XYZ[0][2] * lb) / XN;
    double y = (RGB_TO_XYZ[1][0] * lr + RGB_TO_XYZ[1][1] * lg + RGB_TO_XYZ[1][2] * lb) / YN;
    double z = (RGB_TO_XYZ[2][0] * lr + RGB_TO_XYZ[2][1] * lg + RGB_TO_XYZ[2][2] * lb) / ZN;
    double fx = f(x), fy = f(y), fz = f(z);
    lab[offset] = 116 * fy - 16;
    lab[offset + 1] = 500 * (fx - fy);
    lab[offset + 2] = 200 * (fy - fz);
  }

  /**
   * The 8-bit sRGB pixel of L*, a*, b*, clipped to the gamut, into {@code rgb[offset..offset+3)}.
   */
  static void toRgb(double l, double a, double bStar, byte[] rgb, int offset) {
    double fy = (l + 16) / 116;
    double x = finv(fy + a / 500) * XN, y = finv(fy) * YN, z = finv(fy - bStar / 200) * ZN;
    for (int c = 0; c < 3; c++) {
      double linear = XYZ_TO_RGB[c][0] * x + XYZ_TO_RGB[c][1] * y + XYZ_TO_RGB[c][2] * z;
      rgb[offset + c] = (byte) linearToByte(linear);
    }
  }

  /** The byte whose sRGB value is nearest to the linear value (clipped to 0..255). */
  static int linearToByte(double linear) {
    if (!(linear > 0)) {
      return 0;
    }
    if (linear >= 1) {
      return 255;
    }
    int v = START[(int) (linear * BUCKETS)] & 0xFF; // the byte at the slot's lower end
    while (v < 255 && THRESHOLD[v + 1] <= linear) {
      v++;
    }
    return v;
  }

  private static double f(double t) {
    return t > EPSILON ? Math.cbrt(t) : t / (3 * DELTA * DELTA) + 4.0 / 29.0;
  }

  private static double finv(double t) {
    return t > DELTA ? t * t * t : 3 * DELTA * DELTA * (t - 4.0 / 29.0);
  }

  private static double decompand(double c) {
    return c > 0.04045 ? Math.pow((c + 0.055) / 1.055, 2.4) : c / 12.92;
  }

  static double[][] invert(double[][] m) {
    double a = m[0][0], b = m[0][1], c = m[0][2];
    double d = m[1][0], e = m[1][1], f = m[1][2];
    double g = m[2][0], h = m[2][1], i = m[2][2];
    double det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
    return new double[][] {
      {(e * i - f * h) / det, (c * h - b * i) / det, (b * f - c * e) / det},
      {(f * g - d * i) / det, (a * i - c * g) / det, (c * d - a * f) / det},
      {(d * h - e * g) / det, (b * g - a * h) / det, (a * e - b * d) / det}
    };
  }
}
