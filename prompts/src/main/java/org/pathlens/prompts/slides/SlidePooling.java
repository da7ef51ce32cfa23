package org.pathlens.prompts.slides;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.pathlens.prompts.ClassProbabilities;
import org.pathlens.prompts.Softmax;

/**
 * How a slide's tile-level zero-shot similarities become one slide-level score per class, the
 * MI-Zero / CONCH procedure: per class, pool the cosines of the slide's tiles to that class; the
 * prediction is the argmax of the pooled cosines and the slide probabilities are
 * softmax(logit_scale × pooled).
 *
 * <ul>
 *   <li>{@link TopK}: the mean of the {@code k} highest cosines, taken per class (each class picks
 *       its own tiles). A tumour subtype shows in part of the tissue; averaging every tile lets the
 *       stroma, fat and glass that all slides share swamp it. {@code k} larger than the slide's
 *       tile count means all its tiles.
 *   <li>{@link Auto}: top-K with K from the slide's tile count ({@link Auto#kFor}), the default.
 *   <li>{@link Mean}: the mean over all tiles.
 * </ul>
 */
public sealed interface SlidePooling {

  /**
   * The default: {@link Auto}. Why K depends on the tile count, and why these bounds, is in {@link
   * Auto}'s documentation; the bounds were fixed before any slide was classified, not tuned on one.
   */
  SlidePooling DEFAULT = new Auto();

  /**
   * The K this pooling averages on a slide of {@code tiles} tiles (all of them for {@link Mean}).
   */
  int kFor(int tiles);

  /**
   * A label for output lines, with K resolved for a slide of {@code tiles} tiles: {@code topk:5},
   * {@code mean}.
   */
  String label(int tiles);

  /** Mean of the top-K tile scores of a fixed K. */
  record TopK(int k) implements SlidePooling {
    public TopK {
      if (k < 1) {
        throw new IllegalArgumentException("top-K pooling needs K >= 1, got " + k);
      }
    }

    @Override
    public int kFor(int tiles) {
      return Math.min(k, tiles);
    }

    @Override
    public String label(int tiles) {
      return "topk:" + kFor(tiles);
    }
  }

  /**
   * Top-K with K = 5 % of the slide's tiles, rounded up, but at least {@value #MIN_K} and at most
   * {@value #MAX_K} (and never more than the slide has).
   *
   * <p>Why relative: a fixed K means a different thing on a 60-tile biopsy (K = 50 is nearly mean
   * pooling) and on a 20,000-tile resection (K = 5 is a speck). A diagnostic region is a share of
   * the tissue, so K follows the tile count. Why 5 %: small enough that a region covering a tenth
   * of the tissue fills the top-K of its class, large enough to average many tiles. Why at least 5:
   * a single look-alike tile (a fold, a pen mark, an out-of-focus patch) must not decide a slide,
   * and one tile in five is outvoted. Why at most 100: the top of the MI-Zero/CONCH sweep {1, 5,
   * 10, 50, 100}; past it, on very large slides, a focal lesion would be diluted again.
   */
  record Auto() implements SlidePooling {
    public static final int MIN_K = 5;
    public static final int MAX_K = 100;
    public static final double SHARE = 0.05;

    @Override
    public int kFor(int tiles) {
      int k = (int) Math.ceil(SHARE * tiles);
      return Math.min(tiles, Math.clamp(k, MIN_K, MAX_K));
    }

    @Override
    public String label(int tiles) {
      return "topk:" + kFor(tiles);
    }
  }

  /** The mean over every tile. */
  record Mean() implements SlidePooling {
    @Override
    public int kFor(int tiles) {
      return tiles;
    }

    @Override
    public String label(int tiles) {
      return "mean";
    }
  }

  /** Parses {@code auto}, {@code mean} or {@code topk:K} (the labels {@link #label} prints). */
  static SlidePooling parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    if (t.equals("auto")) {
      return DEFAULT;
    }
    if (t.equals("mean")) {
      return new Mean();
    }
    if (t.startsWith("topk:")) {
      try {
        return new TopK(Integer.parseInt(t.substring(5)));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("bad pooling '" + text + "': K must be an integer", e);
      }
    }
    throw new IllegalArgumentException("bad pooling '" + text + "': use auto, mean or topk:K");
  }

  /**
   * Pools {@code tileScores} ({@code n} tiles × C classes, e.g. the cosines of each tile to each
   * class embedding) into C scores: per class, the mean of its {@link #kFor K} largest tile scores.
   * Which of several equal scores is taken does not matter: they add the same.
   *
   * @throws IllegalArgumentException for no tiles, or rows of different lengths
   */
  default float[] pool(float[][] tileScores) {
    int n = tileScores.length;
    if (n == 0) {
      throw new IllegalArgumentException("a slide with no tiles cannot be pooled");
    }
    int classes = tileScores[0].length;
    int k = kFor(n);
    float[] pooled = new float[classes];
    float[] column = new float[n];
    for (int c = 0; c < classes; c++) {
      for (int t = 0; t < n; t++) {
        if (tileScores[t].length != classes) {
          throw new IllegalArgumentException(
              "tile "
                  + t
                  + " has "
                  + tileScores[t].length
                  + " class scores, tile 0 has "
                  + classes);
        }
        column[t] = tileScores[t][c];
      }
      Arrays.sort(column);
      double sum = 0;
      for (int i = n - k; i < n; i++) {
        sum += column[i];
      }
      pooled[c] = (float) (sum / k);
    }
    return pooled;
  }

  /**
   * The slide-level zero-shot result: pooled cosines as scores, softmax(logitScale × pooled) as
   * probabilities, the argmax (ties to the earlier class) as prediction.
   */
  default ClassProbabilities classify(
      float[][] tileCosines, List<String> classIds, double logitScale) {
    float[] pooled = pool(tileCosines);
    if (pooled.length != classIds.size()) {
      throw new IllegalArgumentException(
          pooled.length + " class scores per tile but " + classIds.size() + " classes");
    }
    return new ClassProbabilities(classIds, pooled, Softmax.of(pooled, logitScale));
  }
}
