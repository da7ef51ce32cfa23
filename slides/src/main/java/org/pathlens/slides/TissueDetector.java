package org.pathlens.slides;

import java.util.Optional;
import org.pathlens.encoders.preprocess.RgbImage;

/**
 * Finds tissue on a low-resolution view of a slide, in the way common to slide pipelines:
 *
 * <ol>
 *   <li>a view of about {@code viewMpp} µm/px (8 is the customary 1.25× overview), at most {@code
 *       maxSide} pixels on its longer side, or exactly that when the slide records no resolution;
 *   <li>HSV saturation, smoothed over 3 x 3 pixels: stained tissue is coloured, glass is
 *       grey-white;
 *   <li>Otsu's threshold on it, kept within [{@code minSaturation}, {@code maxSaturation}]. The
 *       floor keeps an empty slide from splitting its glass noise in two; the ceiling keeps pale
 *       tissue (fat, mucin, faint eosin), which Otsu would put with the glass when most tissue is
 *       strongly stained;
 *   <li>optionally, pixels brighter than {@code maxBrightness} (HSV value) are glass whatever their
 *       saturation (255 turns this off, the default: glass brightness varies between scanners);
 *   <li>a closing then an opening of radius {@code cleanupRadius} (fills gaps, drops specks), and
 *       the filling of enclosed holes up to {@code maxHoleFraction} of the view (lumens, mucin
 *       pools).
 * </ol>
 */
public record TissueDetector(
    int maxSide,
    double viewMpp,
    int minSaturation,
    int maxSaturation,
    int maxBrightness,
    int cleanupRadius,
    double maxHoleFraction) {

  public TissueDetector {
    if (maxSide < 16
        || !(viewMpp > 0)
        || minSaturation < 0
        || maxSaturation > 255
        || minSaturation > maxSaturation
        || maxBrightness < 0
        || maxBrightness > 255
        || cleanupRadius < 0
        || !(maxHoleFraction >= 0 && maxHoleFraction <= 1)) {
      throw new IllegalArgumentException("tissue detector settings out of range: " + this);
    }
  }

  /**
   * An 8 µm/px view of at most 2048 px; threshold within 8..20 of 255; cleanup radius 1; holes up
   * to 5 %.
   */
  public static TissueDetector defaults() {
    return new TissueDetector(2048, 8.0, 8, 20, 255, 1, 0.05);
  }

  /** The tissue mask of {@code slide}, computed on a thumbnail. */
  public TissueMask detect(SlideReader slide) throws SlideException {
    return detect(slide, slide.mpp());
  }

  /**
   * The tissue mask of {@code slide} read at level-0 resolution {@code mpp} (an assumed one for a
   * slide that records none), computed on a thumbnail of about {@code viewMpp}.
   */
  public TissueMask detect(SlideReader slide, Optional<Mpp> mpp) throws SlideException {
    SlideLevel zero = slide.levels().getFirst();
    long longer = Math.max(zero.width(), zero.height());
    int side =
        mpp.map(
                m ->
                    (int)
                        Math.min(
                            maxSide,
                            Math.max(16, Math.ceil(longer * Math.max(m.x(), m.y()) / viewMpp))))
            .orElse(maxSide);
    RgbImage view = slide.thumbnail(side);
    return detect(
        view, (double) zero.width() / view.width(), (double) zero.height() / view.height());
  }

  /** The tissue mask of a view whose pixels each cover {@code scaleX x scaleY} level-0 pixels. */
  public TissueMask detect(RgbImage view, double scaleX, double scaleY) {
    int width = view.width(), height = view.height(), count = width * height;
    int[] saturation = new int[count];
    boolean[] bright = new boolean[count];
    byte[] rgb = view.rgb();
    for (int i = 0; i < count; i++) {
      int r = rgb[3 * i] & 0xFF, g = rgb[3 * i + 1] & 0xFF, b = rgb[3 * i + 2] & 0xFF;
      int max = Math.max(r, Math.max(g, b)), min = Math.min(r, Math.min(g, b));
      saturation[i] = max == 0 ? 0 : (255 * (max - min) + max / 2) / max;
      bright[i] = max > maxBrightness;
    }
    int[] smooth = boxBlur(saturation, width, height);
    int[] histogram = new int[256];
    for (int s : smooth) {
      histogram[s]++;
    }
    int threshold = Math.clamp(otsu(histogram, count), minSaturation, maxSaturation);
    boolean[] tissue = new boolean[count];
    for (int i = 0; i < count; i++) {
      tissue[i] = smooth[i] > threshold && !bright[i];
    }
    if (cleanupRadius > 0) {
      tissue =
          Morphology.open(
              Morphology.close(tissue, width, height, cleanupRadius), width, height, cleanupRadius);
    }
    Morphology.fillHoles(tissue, width, height, (long) Math.floor(maxHoleFraction * count));
    return new TissueMask(width, height, scaleX, scaleY, tissue);
  }

  /**
   * Otsu's threshold: the level t maximising the between-class variance of {@code <= t} and {@code
   * > t}.
   */
  static int otsu(int[] histogram, int total) {
    long sumAll = 0;
    for (int v = 0; v < histogram.length; v++) {
      sumAll += (long) v * histogram[v];
    }
    long below = 0, sumBelow = 0;
    double best = -1;
    int threshold = 0;
    for (int t = 0; t < histogram.length - 1; t++) {
      below += histogram[t];
      sumBelow += (long) t * histogram[t];
      long above = total - below;
      if (below == 0 || above == 0) {
        continue;
      }
      double meanBelow = (double) sumBelow / below,
          meanAbove = (double) (sumAll - sumBelow) / above;
      double variance = (double) below * above * (meanBelow - meanAbove) * (meanBelow - meanAbove);
      if (variance > best) {
        best = variance;
        threshold = t;
      }
    }
    return threshold;
  }

  /** Mean over the 3 x 3 neighbourhood clipped to the image, rounded. */
  private static int[] boxBlur(int[] values, int width, int height) {
    int[] out = new int[values.length];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int sum = 0, n = 0;
        for (int dy = Math.max(-1, -y); dy <= Math.min(1, height - 1 - y); dy++) {
          for (int dx = Math.max(-1, -x); dx <= Math.min(1, width - 1 - x); dx++) {
            sum += values[(y + dy) * width + x + dx];
            n++;
          }
        }
        out[y * width + x] = (sum + n / 2) / n;
      }
    }
    return out;
  }
}
