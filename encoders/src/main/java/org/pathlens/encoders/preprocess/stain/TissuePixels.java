package org.pathlens.encoders.preprocess.stain;

import java.util.List;
import org.pathlens.encoders.preprocess.RgbImage;

/**
 * Whether pixels hold enough tissue to estimate a staining from. Below that (a tile of bare glass,
 * a speck of tissue) an estimate is noise: Macenko's plane and angles become arbitrary and Reinhard
 * would stretch the glass's sensor noise to the target's contrast. Such tiles are left unchanged.
 */
final class TissuePixels {

  /** At least this share of the pixels must be tissue... */
  static final double MIN_SHARE = 0.01;

  /** ...and at least this many. */
  static final int MIN_COUNT = 100;

  private TissuePixels() {}

  static int total(List<RgbImage> images) {
    long n = 0;
    for (RgbImage image : images) {
      n += (long) image.width() * image.height();
    }
    return Math.toIntExact(n);
  }

  /** Pixels of {@code images} whose every channel absorbs at least {@code beta}. */
  static int count(List<RgbImage> images, OpticalDensity od, double beta) {
    int n = 0;
    for (RgbImage image : images) {
      byte[] rgb = image.rgb();
      for (int p = 0; p < rgb.length; p += 3) {
        if (od.isTissue(rgb[p] & 0xFF, rgb[p + 1] & 0xFF, rgb[p + 2] & 0xFF, beta)) {
          n++;
        }
      }
    }
    return n;
  }

  static boolean enough(int tissue, int total) {
    return tissue >= MIN_COUNT && tissue >= MIN_SHARE * total;
  }
}
