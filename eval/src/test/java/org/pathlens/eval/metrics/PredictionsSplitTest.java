package org.pathlens.eval.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import java.util.SortedMap;
import org.junit.jupiter.api.Test;

/**
 * Per-center numbers: the split keeps each item's truth, prediction and group, keys in name order.
 */
class PredictionsSplitTest {

  private static final float[] P = {0.5f, 0.5f};

  @Test
  void splitsByKeyInNameOrderAndCountsWhatIsRight() {
    Predictions all =
        new Predictions(
            List.of("A", "B"),
            new int[] {0, 1, 1, 0, 1},
            new int[] {0, 0, 1, 0, 1},
            new float[][] {P, P, P, P, P},
            new String[] {"s1", "s2", "s3", "s4", "s5"});
    SortedMap<String, Predictions> bySite = all.split(List.of("b", "a", "b", "a", "a"));
    assertEquals(List.of("a", "b"), List.copyOf(bySite.keySet()));
    Predictions a = bySite.get("a");
    assertArrayEquals(new int[] {1, 0, 1}, a.truth());
    assertArrayEquals(new int[] {0, 0, 1}, a.predicted());
    assertArrayEquals(new String[] {"s2", "s4", "s5"}, a.groups());
    assertEquals(2, a.correct());
    assertEquals(2, bySite.get("b").correct());
    assertEquals(4, all.correct());
    assertEquals(2.0 / 3, Metric.ACCURACY.of(a), 1e-12);
  }

  @Test
  void everyItemNeedsAKey() {
    Predictions two =
        new Predictions(
            List.of("A", "B"), new int[] {0, 1}, new int[] {0, 1}, new float[][] {P, P}, null);
    assertThrows(IllegalArgumentException.class, () -> two.split(List.of("a")));
    assertThrows(IllegalArgumentException.class, () -> two.split(Arrays.asList("a", null)));
  }
}
