package org.pathlens.eval.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** PathoROB's robustness index on five 2-D tiles whose neighbours can be read off their angles. */
class RobustnessIndexTest {

  // tile: angle, class, center, slide. Tile 4 shares slide s0 with tile 0 and is its nearest
  // vector:
  // were it not left out, tile 0's first neighbour would be OS instead of SO.
  static final double[] ANGLES = {0, 12, 20, 90, 1};
  static final String[] CLASSES = {"A", "A", "B", "B", "B"};
  static final String[] CENTERS = {"X", "Y", "X", "Y", "X"};
  static final String[] SLIDES = {"s0", "s1", "s2", "s3", "s0"};

  static List<float[]> vectors() {
    List<float[]> out = new ArrayList<>();
    for (double a : ANGLES) {
      double r = Math.toRadians(a);
      out.add(new float[] {(float) Math.cos(r), (float) Math.sin(r)});
    }
    return out;
  }

  static RobustnessIndex.Counts counts(int k) {
    return RobustnessIndex.count(vectors(), CLASSES, CENTERS, SLIDES, k);
  }

  static double ri(int k) {
    return counts(k).index(new int[] {0, 1, 2, 3, 4});
  }

  @Test
  void handComputedCounts() {
    // k = 1: 0->1 SO, 1->2 neither, 2->1 neither, 3->2 SO, 4->1 neither.
    assertArrayEquals(new int[] {1, 0, 0, 1, 0}, counts(1).so());
    assertArrayEquals(new int[] {0, 0, 0, 0, 0}, counts(1).os());
    assertEquals(1.0, ri(1), 1e-12);
    // k = 2 adds 0->2 OS, 1->4 neither, 2->4 neither, 3->1 OS, 4->2 neither: 2 / (2 + 2).
    assertArrayEquals(new int[] {1, 0, 0, 1, 0}, counts(2).so());
    assertArrayEquals(new int[] {1, 0, 0, 1, 0}, counts(2).os());
    assertEquals(0.5, ri(2), 1e-12);
    // k = 3 adds 0->3 neither, 1->0 SO, 2->0 OS, 3->4 SO, 4->3 SO: 5 / (5 + 3).
    assertArrayEquals(new int[] {1, 1, 0, 2, 1}, counts(3).so());
    assertArrayEquals(new int[] {1, 0, 1, 1, 0}, counts(3).os());
    assertEquals(0.625, ri(3), 1e-12);
  }

  @Test
  void undefinedWithoutSoOrOsAndIntervalsResampleSlides() {
    RobustnessIndex.Counts one = counts(1);
    assertTrue(Double.isNaN(one.index(new int[] {1, 2})));
    Bootstrap.Interval ci = counts(3).interval(new Bootstrap(300, 5, 0.95));
    assertEquals(0.625, ci.estimate(), 1e-12);
    assertTrue(
        ci.lower() < 0.625 && ci.upper() > 0.625 && ci.lower() >= 0 && ci.upper() <= 1,
        ci.toString());
    assertEquals(ci, counts(3).interval(new Bootstrap(300, 5, 0.95)));
  }
}
