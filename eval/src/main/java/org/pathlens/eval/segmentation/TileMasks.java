package org.pathlens.eval.segmentation;

import java.util.List;

/**
 * Tiles of one or more slides with their true class and the classes a decision rule put them in:
 * the masks a thresholded heatmap draws, one per class, at the resolution of the tiles.
 *
 * @param classIds the classes, in the prompt set's order
 * @param truth per tile, the index of its true class in {@code classIds}
 * @param predicted per tile and class, whether the tile is in the class's predicted mask
 * @param slides per tile, its slide (the bootstrap resamples slides)
 */
public record TileMasks(
    List<String> classIds, int[] truth, boolean[][] predicted, String[] slides) {

  public TileMasks {
    classIds = List.copyOf(classIds);
    if (truth.length != predicted.length || truth.length != slides.length) {
      throw new IllegalArgumentException(
          truth.length
              + " true classes, "
              + predicted.length
              + " predictions and "
              + slides.length
              + " slides: one each per tile");
    }
    for (int i = 0; i < truth.length; i++) {
      if (truth[i] < 0 || truth[i] >= classIds.size()) {
        throw new IllegalArgumentException("tile " + i + ": no class " + truth[i]);
      }
      if (predicted[i].length != classIds.size()) {
        throw new IllegalArgumentException(
            "tile "
                + i
                + ": "
                + predicted[i].length
                + " masks for "
                + classIds.size()
                + " classes");
      }
    }
  }

  /** Each tile in the mask of its most probable class only (the first of equals). */
  public static boolean[][] argmax(float[][] probabilities) {
    boolean[][] out = new boolean[probabilities.length][];
    for (int i = 0; i < probabilities.length; i++) {
      float[] p = probabilities[i];
      int best = 0;
      for (int c = 1; c < p.length; c++) {
        if (p[c] > p[best]) {
          best = c;
        }
      }
      out[i] = new boolean[p.length];
      out[i][best] = true;
    }
    return out;
  }

  /**
   * Each tile in the mask of every class whose probability reaches {@code threshold}: several
   * masks, or none.
   */
  public static boolean[][] threshold(float[][] probabilities, double threshold) {
    boolean[][] out = new boolean[probabilities.length][];
    for (int i = 0; i < probabilities.length; i++) {
      out[i] = new boolean[probabilities[i].length];
      for (int c = 0; c < probabilities[i].length; c++) {
        out[i][c] = probabilities[i][c] >= threshold;
      }
    }
    return out;
  }

  public int size() {
    return truth.length;
  }
}
