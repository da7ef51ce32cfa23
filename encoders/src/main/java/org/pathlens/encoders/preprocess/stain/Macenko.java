package org.pathlens.encoders.preprocess.stain;

import java.util.List;
import java.util.Optional;
import org.pathlens.encoders.preprocess.RgbImage;

/**
 * Macenko stain normalisation (Macenko et al., "A method for normalizing histology slides for
 * quantitative analysis", ISBI 2009):
 *
 * <ol>
 *   <li>optical density {@code OD = ln(Io / I)} per channel; pixels with OD below β in any channel
 *       (glass) are left out of the estimate;
 *   <li>the plane of the two largest eigenvectors of the tissue ODs' covariance; each OD's angle in
 *       that plane; the stain vectors are the directions at the α-th and (100 − α)-th angle
 *       percentiles, hematoxylin being the one with the larger red component;
 *   <li>every pixel's H and E concentrations by least squares on the two vectors; the 99th
 *       percentile of each is the slide's "maximum" concentration;
 *   <li>normalising: concentrations are scaled by target max / source max and rendered with the
 *       target's vectors and white level.
 * </ol>
 *
 * Eigenvector signs are fixed (the first so its components sum to a positive number, the second so
 * its red component is not negative), so that the result does not depend on the eigensolver. When
 * the pixels hold too little tissue ({@link TissuePixels}), or the two extreme directions coincide
 * (a single stain), there is no estimate and tiles are left unchanged.
 */
final class Macenko {

  /** H and E closer than this (|H·E| above it) cannot be told apart. */
  private static final double MAX_STAIN_COSINE = 0.9999;

  private Macenko() {}

  static Optional<MacenkoStains> estimate(List<RgbImage> images, MacenkoParameters parameters) {
    OpticalDensity od = new OpticalDensity(parameters.io());
    int total = TissuePixels.total(images);
    int n = TissuePixels.count(images, od, parameters.beta());
    if (!TissuePixels.enough(n, total)) {
      return Optional.empty();
    }
    double[][] tissue = new double[3][n];
    int i = 0;
    for (RgbImage image : images) {
      byte[] rgb = image.rgb();
      for (int p = 0; p < rgb.length; p += 3) {
        int r = rgb[p] & 0xFF, g = rgb[p + 1] & 0xFF, b = rgb[p + 2] & 0xFF;
        if (od.isTissue(r, g, b, parameters.beta())) {
          tissue[0][i] = od.of(r);
          tissue[1][i] = od.of(g);
          tissue[2][i] = od.of(b);
          i++;
        }
      }
    }
    SymmetricEigen3 eigen = new SymmetricEigen3(covariance(tissue, n));
    double[] v1 = eigen.vectors[0], v2 = eigen.vectors[1];
    if (v1[0] + v1[1] + v1[2] < 0) {
      negate(v1);
    }
    if (v2[0] < 0) {
      negate(v2);
    }
    double[] angles = new double[n];
    for (int k = 0; k < n; k++) {
      double x = tissue[0][k] * v1[0] + tissue[1][k] * v1[1] + tissue[2][k] * v1[2];
      double y = tissue[0][k] * v2[0] + tissue[1][k] * v2[1] + tissue[2][k] * v2[2];
      angles[k] = Math.atan2(y, x);
    }
    double low = Percentiles.of(angles, n, parameters.alpha());
    double high = Percentiles.of(angles, n, 100 - parameters.alpha());
    double[] vLow = direction(v1, v2, low), vHigh = direction(v1, v2, high);
    double[] h = vLow[0] > vHigh[0] ? vLow : vHigh;
    double[] e = h == vLow ? vHigh : vLow;
    if (Math.abs(h[0] * e[0] + h[1] * e[1] + h[2] * e[2]) > MAX_STAIN_COSINE) {
      return Optional.empty();
    }
    double[][] unmix = pseudoInverse(h, e);
    double[] hc = new double[total], ec = new double[total];
    int k = 0;
    for (RgbImage image : images) {
      byte[] rgb = image.rgb();
      for (int p = 0; p < rgb.length; p += 3, k++) {
        double r = od.of(rgb[p] & 0xFF), g = od.of(rgb[p + 1] & 0xFF), b = od.of(rgb[p + 2] & 0xFF);
        hc[k] = unmix[0][0] * r + unmix[0][1] * g + unmix[0][2] * b;
        ec[k] = unmix[1][0] * r + unmix[1][1] * g + unmix[1][2] * b;
      }
    }
    double[] max = {
      Percentiles.of(hc, total, MacenkoParameters.MAX_CONCENTRATION_PERCENTILE),
      Percentiles.of(ec, total, MacenkoParameters.MAX_CONCENTRATION_PERCENTILE)
    };
    if (!(max[0] > 1e-6) || !(max[1] > 1e-6)) {
      return Optional.empty();
    }
    return Optional.of(new MacenkoStains(h, e, max, parameters));
  }

  /**
   * Re-stains {@code image}: OD' = M_target · diag(max_target / max_source) · pinv(M_source) · OD,
   * one 3 × 3 linear map of the densities, applied through per-channel lookup tables.
   */
  static RgbImage transfer(RgbImage image, MacenkoStains source, MacenkoStains target) {
    double[][] unmix = pseudoInverse(source.hematoxylin(), source.eosin());
    double[] from = source.maxConcentrations(), to = target.maxConcentrations();
    double[] h = target.hematoxylin(), e = target.eosin();
    double kh = to[0] / from[0], ke = to[1] / from[1];
    OpticalDensity sourceOd = new OpticalDensity(source.parameters().io());
    OpticalDensity targetOd = new OpticalDensity(target.parameters().io());
    // lut[c][j][v]: the contribution of channel j's byte v to output channel c's density.
    double[][][] lut = new double[3][3][256];
    for (int c = 0; c < 3; c++) {
      for (int j = 0; j < 3; j++) {
        double m = h[c] * kh * unmix[0][j] + e[c] * ke * unmix[1][j];
        for (int v = 0; v < 256; v++) {
          lut[c][j][v] = m * sourceOd.of(v);
        }
      }
    }
    byte[] rgb = image.rgb();
    byte[] out = new byte[rgb.length];
    for (int p = 0; p < rgb.length; p += 3) {
      int r = rgb[p] & 0xFF, g = rgb[p + 1] & 0xFF, b = rgb[p + 2] & 0xFF;
      for (int c = 0; c < 3; c++) {
        out[p + c] = (byte) targetOd.toByte(lut[c][0][r] + lut[c][1][g] + lut[c][2][b]);
      }
    }
    return new RgbImage(image.width(), image.height(), out);
  }

  private static double[][] covariance(double[][] x, int n) {
    double[] mean = new double[3];
    for (int c = 0; c < 3; c++) {
      double s = 0;
      for (int k = 0; k < n; k++) {
        s += x[c][k];
      }
      mean[c] = s / n;
    }
    double[][] cov = new double[3][3];
    for (int a = 0; a < 3; a++) {
      for (int b = a; b < 3; b++) {
        double s = 0;
        for (int k = 0; k < n; k++) {
          s += (x[a][k] - mean[a]) * (x[b][k] - mean[b]);
        }
        cov[a][b] = cov[b][a] = s / Math.max(1, n - 1); // numpy.cov's n - 1
      }
    }
    return cov;
  }

  private static double[] direction(double[] v1, double[] v2, double angle) {
    double c = Math.cos(angle), s = Math.sin(angle);
    return new double[] {v1[0] * c + v2[0] * s, v1[1] * c + v2[1] * s, v1[2] * c + v2[2] * s};
  }

  /** (MᵀM)⁻¹Mᵀ for M = [h e] (3 × 2): least-squares H and E concentrations of an OD. */
  static double[][] pseudoInverse(double[] h, double[] e) {
    double hh = dot(h, h), he = dot(h, e), ee = dot(e, e);
    double det = hh * ee - he * he;
    double[][] out = new double[2][3];
    for (int c = 0; c < 3; c++) {
      out[0][c] = (ee * h[c] - he * e[c]) / det;
      out[1][c] = (hh * e[c] - he * h[c]) / det;
    }
    return out;
  }

  private static double dot(double[] a, double[] b) {
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
  }

  private static void negate(double[] v) {
    for (int c = 0; c < 3; c++) {
      v[c] = -v[c];
    }
  }
}
