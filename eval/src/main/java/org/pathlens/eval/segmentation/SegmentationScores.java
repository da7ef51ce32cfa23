package org.pathlens.eval.segmentation;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.pathlens.eval.metrics.Bootstrap;
import org.pathlens.eval.metrics.MetricValue;

/**
 * Dice and IoU of tile masks per class, and their macro means, each with a bootstrap interval that
 * resamples whole slides (tiles of a slide are correlated: neighbours share a region).
 *
 * <p>For class c over a set of tiles: TP tiles in c's mask whose true class is c, FP in the mask
 * and not c, FN c and not in the mask; Dice = 2TP / (2TP + FP + FN), IoU = TP / (TP + FP + FN).
 * Counts are summed over all tiles of the (resampled) slides before the ratio, so a large slide
 * weighs as its tiles do. A class neither true nor predicted on any tile has no score; the macro
 * means average the classes that are true or predicted somewhere in the evaluated slides, so a
 * class the rule predicts and the slides do not have counts as 0, not as absent. In a resample
 * without such a class, the macro mean averages the classes it does have.
 */
public final class SegmentationScores {

  private SegmentationScores() {}

  /**
   * {@code dice_macro}, {@code iou_macro}, then {@code dice/C} and {@code iou/C} for each scored
   * class in class order.
   */
  public static List<MetricValue> of(TileMasks masks, Bootstrap bootstrap) {
    List<Integer> scored = scoredClasses(masks);
    if (scored.isEmpty()) {
      throw new IllegalArgumentException("no tile to score: no class is true or predicted");
    }
    List<MetricValue> values = new ArrayList<>();
    values.add(value("dice_macro", masks, bootstrap, idx -> macro(masks, scored, idx, true)));
    values.add(value("iou_macro", masks, bootstrap, idx -> macro(masks, scored, idx, false)));
    for (int c : scored) {
      String id = masks.classIds().get(c);
      values.add(value("dice/" + id, masks, bootstrap, idx -> score(masks, c, idx, true)));
      values.add(value("iou/" + id, masks, bootstrap, idx -> score(masks, c, idx, false)));
    }
    return values;
  }

  /** The classes true or predicted on at least one tile, in class order. */
  public static List<Integer> scoredClasses(TileMasks masks) {
    List<Integer> scored = new ArrayList<>();
    for (int c = 0; c < masks.classIds().size(); c++) {
      for (int i = 0; i < masks.size(); i++) {
        if (masks.truth()[i] == c || masks.predicted()[i][c]) {
          scored.add(c);
          break;
        }
      }
    }
    return scored;
  }

  /** Dice (or IoU) of class {@code c} over the tiles {@code indices} (repeats count again). */
  public static double score(TileMasks masks, int c, int[] indices, boolean dice) {
    long tp = 0, fp = 0, fn = 0;
    for (int i : indices) {
      boolean isTrue = masks.truth()[i] == c;
      boolean inMask = masks.predicted()[i][c];
      if (isTrue && inMask) {
        tp++;
      } else if (inMask) {
        fp++;
      } else if (isTrue) {
        fn++;
      }
    }
    long union = tp + fp + fn;
    if (union == 0) {
      return Double.NaN;
    }
    return dice ? 2.0 * tp / (2 * tp + fp + fn) : (double) tp / union;
  }

  private static double macro(TileMasks masks, List<Integer> classes, int[] indices, boolean dice) {
    double sum = 0;
    int n = 0;
    for (int c : classes) {
      double v = score(masks, c, indices, dice);
      if (!Double.isNaN(v)) {
        sum += v;
        n++;
      }
    }
    return n == 0 ? Double.NaN : sum / n;
  }

  private static MetricValue value(
      String name, TileMasks masks, Bootstrap bootstrap, ToDoubleFunction<int[]> statistic) {
    return new MetricValue(name, bootstrap.interval(masks.size(), masks.slides(), statistic));
  }
}
