package org.pathlens.encoders.preprocess.stain;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.pathlens.encoders.preprocess.RgbImage;

/**
 * Test-time stain augmentation: {@code views} stain-jittered copies of a tile, whose embeddings are
 * averaged, so that an embedding depends less on the exact stain batch.
 *
 * <p>The jitter is Tellez et al.'s HED augmentation ("Whole-slide mitosis detection in H&amp;E
 * breast histology using PHH3 as a reference to train distilled stain-invariant convolutional
 * networks", IEEE TMI 37(9), 2018): the tile is unmixed into hematoxylin, eosin and DAB
 * concentrations by Ruifrok &amp; Johnston's colour deconvolution (Anal Quant Cytol Histol 23(4),
 * 2001; the stain vectors scikit-image's {@code rgb2hed} uses, normalised), each concentration is
 * scaled by α ~ U(1 − scale, 1 + scale) and shifted by β ~ U(−shift, shift), and the tile is
 * re-rendered. Concentrations are in natural-log optical density units with a white level of 255.
 *
 * <p>The random numbers of a tile come from its pixels and {@code seed} alone (never from a shared
 * counter), so a tile gets the same views whatever the thread count or the order of the tiles.
 *
 * @param views jittered views per tile (1 or more)
 * @param scale the half-width of α's range around 1 (Tellez's "HED-light" is 0.05)
 * @param shift the half-width of β's range (OD units)
 * @param seed mixed into each tile's seed, to draw other views from the same pixels
 */
public record StainAugmentation(int views, double scale, double shift, long seed) {

  /** No augmentation: one view, the tile itself. */
  public static final StainAugmentation NONE = new StainAugmentation(1, 0, 0, 0);

  /** Defaults for {@code --tta N}: Tellez's light HED jitter. */
  public static final double DEFAULT_SCALE = 0.05, DEFAULT_SHIFT = 0.05;

  /** More views than this are refused: each costs a forward pass. */
  public static final int MAX_VIEWS = 64;

  /** Ruifrok–Johnston hematoxylin, eosin and DAB OD vectors (rows), normalised. */
  private static final double[][] HED_TO_OD =
      normaliseRows(new double[][] {{0.65, 0.70, 0.29}, {0.07, 0.99, 0.11}, {0.27, 0.57, 0.78}});

  private static final double[][] OD_TO_HED = CieLab.invert(HED_TO_OD);
  private static final OpticalDensity OD = new OpticalDensity(255);

  public StainAugmentation {
    if (views < 1 || views > MAX_VIEWS) {
      throw new IllegalArgumentException(
          "test-time augmentation views must be in 1.." + MAX_VIEWS + ", got " + views);
    }
    if (!(scale >= 0 && scale < 1)) {
      throw new IllegalArgumentException("stain jitter scale must be in [0, 1), got " + scale);
    }
    if (!(shift >= 0 && shift <= 1)) {
      throw new IllegalArgumentException("stain jitter shift must be in [0, 1], got " + shift);
    }
  }

  /** {@code views} views with the default jitter. */
  public static StainAugmentation of(int views) {
    return new StainAugmentation(views, DEFAULT_SCALE, DEFAULT_SHIFT, 0);
  }

  /** True when every view is the tile itself (one view, or no jitter). */
  public boolean isIdentity() {
    return views == 1 && scale == 0 && shift == 0;
  }

  /** The views of {@code tile}; with no jitter, {@code views} times the tile itself. */
  public List<RgbImage> views(RgbImage tile) {
    List<RgbImage> out = new ArrayList<>(views);
    if (scale == 0 && shift == 0) {
      for (int v = 0; v < views; v++) {
        out.add(tile);
      }
      return out;
    }
    SplittableRandom random = new SplittableRandom(tileSeed(tile));
    for (int v = 0; v < views; v++) {
      double[] alpha = new double[3], beta = new double[3];
      for (int k = 0; k < 3; k++) {
        alpha[k] = 1 + scale * (2 * random.nextDouble() - 1);
        beta[k] = shift * (2 * random.nextDouble() - 1);
      }
      out.add(jitter(tile, alpha, beta));
    }
    return out;
  }

  /**
   * A seed from the tile's size, pixels and {@link #seed}: the same tile always gets the same
   * views.
   */
  long tileSeed(RgbImage tile) {
    long h = seed ^ 0x9E3779B97F4A7C15L;
    h = mix(h ^ tile.width()) ^ tile.height();
    h = mix(h ^ Arrays.hashCode(tile.rgb()));
    return mix(h);
  }

  /**
   * Re-renders {@code tile} with HED concentrations {@code alpha[k] * c[k] + beta[k]}: in OD, OD' =
   * OD · (D⁻¹ diag(α) D) + β · D with D the stain matrix (rows = stains), a 3 × 3 map plus an
   * offset, applied through per-channel lookup tables.
   */
  static RgbImage jitter(RgbImage tile, double[] alpha, double[] beta) {
    double[][][] lut = new double[3][3][256];
    double[] offset = new double[3];
    for (int c = 0; c < 3; c++) {
      for (int k = 0; k < 3; k++) {
        offset[c] += beta[k] * HED_TO_OD[k][c];
      }
      for (int j = 0; j < 3; j++) {
        double m = 0;
        for (int k = 0; k < 3; k++) {
          m += OD_TO_HED[j][k] * alpha[k] * HED_TO_OD[k][c];
        }
        for (int v = 0; v < 256; v++) {
          lut[c][j][v] = m * OD.of(v);
        }
      }
    }
    byte[] rgb = tile.rgb();
    byte[] out = new byte[rgb.length];
    for (int p = 0; p < rgb.length; p += 3) {
      int r = rgb[p] & 0xFF, g = rgb[p + 1] & 0xFF, b = rgb[p + 2] & 0xFF;
      for (int c = 0; c < 3; c++) {
        out[p + c] = (byte) OD.toByte(offset[c] + lut[c][0][r] + lut[c][1][g] + lut[c][2][b]);
      }
    }
    return new RgbImage(tile.width(), tile.height(), out);
  }

  /** e.g. {@code 8 views (scale 0.05, shift 0.05)} or {@code none}. */
  public String describe() {
    return isIdentity()
        ? "none"
        : views
            + " views (scale "
            + scale
            + ", shift "
            + shift
            + (seed == 0 ? "" : ", seed " + seed)
            + ")";
  }

  private static long mix(long z) { // SplitMix64's finaliser
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  private static double[][] normaliseRows(double[][] m) {
    double[][] out = new double[3][3];
    for (int k = 0; k < 3; k++) {
      double n = Math.sqrt(m[k][0] * m[k][0] + m[k][1] * m[k][1] + m[k][2] * m[k][2]);
      for (int c = 0; c < 3; c++) {
        out[k][c] = m[k][c] / n;
      }
    }
    return out;
  }
}
