package org.pathlens.encoders.preprocess.stain;

import java.util.List;
import java.util.Optional;
import org.pathlens.encoders.preprocess.RgbImage;

/**
 * Reinhard colour transfer (Reinhard, Ashikhmin, Gooch, Shirley, "Color transfer between images",
 * IEEE CG&amp;A 21(5), 2001): each channel of a decorrelated colour space is shifted and scaled so
 * that its mean and standard deviation become the target's. The space here is CIE L*a*b* ({@link
 * CieLab}), as scikit-image-based pathology toolkits use, not the paper's lαβ. Statistics are taken
 * over every pixel, glass included, as in the paper; a tile with too little tissue ({@link
 * TissuePixels}) has no estimate and is left unchanged.
 */
final class Reinhard {

  /** Tissue, for the too-little-tissue rule only: Macenko's default white level and threshold. */
  private static final OpticalDensity OD = new OpticalDensity(MacenkoParameters.DEFAULT.io());

  private Reinhard() {}

  static Optional<LabStatistics> estimate(List<RgbImage> images) {
    int total = TissuePixels.total(images);
    if (!TissuePixels.enough(
        TissuePixels.count(images, OD, MacenkoParameters.DEFAULT.beta()), total)) {
      return Optional.empty();
    }
    double[] sum = new double[3], squares = new double[3], lab = new double[3];
    for (RgbImage image : images) {
      byte[] rgb = image.rgb();
      for (int p = 0; p < rgb.length; p += 3) {
        CieLab.toLab(rgb[p] & 0xFF, rgb[p + 1] & 0xFF, rgb[p + 2] & 0xFF, lab, 0);
        for (int c = 0; c < 3; c++) {
          sum[c] += lab[c];
          squares[c] += lab[c] * lab[c];
        }
      }
    }
    double[] mean = new double[3], std = new double[3];
    for (int c = 0; c < 3; c++) {
      mean[c] = sum[c] / total;
      std[c] = Math.sqrt(Math.max(0, squares[c] / total - mean[c] * mean[c]));
    }
    return Optional.of(new LabStatistics(mean, std));
  }

  static RgbImage transfer(RgbImage image, LabStatistics source, LabStatistics target) {
    double[] from = source.mean(), to = target.mean(), scale = new double[3];
    double[] fromStd = source.std(), toStd = target.std();
    for (int c = 0; c < 3; c++) {
      // A flat channel has no spread to scale: shift it only.
      scale[c] = fromStd[c] > 1e-6 ? toStd[c] / fromStd[c] : 1;
    }
    byte[] rgb = image.rgb();
    byte[] out = new byte[rgb.length];
    double[] lab = new double[3];
    for (int p = 0; p < rgb.length; p += 3) {
      CieLab.toLab(rgb[p] & 0xFF, rgb[p + 1] & 0xFF, rgb[p + 2] & 0xFF, lab, 0);
      CieLab.toRgb(
          (lab[0] - from[0]) * scale[0] + to[0],
          (lab[1] - from[1]) * scale[1] + to[1],
          (lab[2] - from[2]) * scale[2] + to[2],
          out,
          p);
    }
    return new RgbImage(image.width(), image.height(), out);
  }
}
