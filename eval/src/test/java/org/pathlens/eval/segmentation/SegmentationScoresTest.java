package org.pathlens.eval.segmentation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.pathlens.eval.metrics.Bootstrap;
import org.pathlens.eval.metrics.MetricValue;

/** Dice and IoU of tile masks worked by hand. */
class SegmentationScoresTest {

  private static final List<String> CLASSES = List.of("A", "B", "C", "D");

  /**
   * Six tiles on two slides. Truth A A A B B B; argmax predicts A A B B B C. A: TP 2, FN 1 → Dice
   * 4/5, IoU 2/3. B: TP 2, FP 1, FN 1 → Dice 4/6, IoU 2/4. C: FP 1 → 0 and 0 (predicted, never
   * true: scored, pulls the macro down). D: neither → not scored.
   */
  @Test
  void perClassAndMacroByHand() {
    float[][] p = {
      {0.7f, 0.1f, 0.1f, 0.1f},
      {0.6f, 0.2f, 0.1f, 0.1f},
      {0.3f, 0.4f, 0.2f, 0.1f},
      {0.1f, 0.8f, 0.05f, 0.05f},
      {0.2f, 0.5f, 0.2f, 0.1f},
      {0.1f, 0.3f, 0.5f, 0.1f}
    };
    TileMasks masks =
        new TileMasks(
            CLASSES,
            new int[] {0, 0, 0, 1, 1, 1},
            TileMasks.argmax(p),
            new String[] {"s1", "s1", "s1", "s2", "s2", "s2"});
    Map<String, Double> v =
        SegmentationScores.of(masks, new Bootstrap(50, 1, 0.95)).stream()
            .collect(Collectors.toMap(MetricValue::name, MetricValue::value));
    assertEquals(0.8, v.get("dice/A"), 1e-12);
    assertEquals(2.0 / 3, v.get("iou/A"), 1e-12);
    assertEquals(4.0 / 6, v.get("dice/B"), 1e-12);
    assertEquals(0.5, v.get("iou/B"), 1e-12);
    assertEquals(0.0, v.get("dice/C"), 1e-12);
    assertEquals((0.8 + 4.0 / 6 + 0) / 3, v.get("dice_macro"), 1e-12);
    assertEquals((2.0 / 3 + 0.5 + 0) / 3, v.get("iou_macro"), 1e-12);
    assertTrue(!v.containsKey("dice/D"), "a class neither true nor predicted has no score");
    assertEquals(
        List.of("dice_macro", "iou_macro", "dice/A", "iou/A", "dice/B", "iou/B", "dice/C", "iou/C"),
        SegmentationScores.of(masks, new Bootstrap(5, 1, 0.95)).stream()
            .map(MetricValue::name)
            .toList());
  }

  /** The threshold puts a tile in every mask its probability reaches, or in none. */
  @Test
  void thresholdMasksMayOverlapOrBeEmpty() {
    boolean[][] m = TileMasks.threshold(new float[][] {{0.5f, 0.5f}, {0.3f, 0.2f}}, 0.5);
    assertArrayEquals(new boolean[] {true, true}, m[0]);
    assertArrayEquals(new boolean[] {false, false}, m[1]);
    TileMasks masks =
        new TileMasks(List.of("A", "B"), new int[] {0, 1}, m, new String[] {"s", "s"});
    // A: TP 1 → 1; B: FP 1 (tile 0), FN 1 (tile 1) → 0.
    assertEquals(1.0, SegmentationScores.score(masks, 0, new int[] {0, 1}, true), 1e-12);
    assertEquals(0.0, SegmentationScores.score(masks, 1, new int[] {0, 1}, true), 1e-12);
  }

  /**
   * The interval resamples slides: one slide perfect, one all wrong. A resample of only the perfect
   * slide scores 1, of only the wrong one 0, so the 95 % interval spans both ends.
   */
  @Test
  void intervalsResampleWholeSlides() {
    boolean[][] predicted = {{true, false}, {true, false}, {true, false}, {true, false}};
    TileMasks masks =
        new TileMasks(
            List.of("A", "B"),
            new int[] {0, 0, 1, 1},
            predicted,
            new String[] {"good", "good", "bad", "bad"});
    MetricValue diceA =
        SegmentationScores.of(masks, new Bootstrap(400, 3, 0.95)).stream()
            .filter(m -> m.name().equals("dice/A"))
            .findFirst()
            .orElseThrow();
    assertEquals(2.0 / 3, diceA.value(), 1e-12); // TP 2, FP 2
    assertEquals(0.0, diceA.interval().lower(), 1e-12);
    assertEquals(1.0, diceA.interval().upper(), 1e-12);
  }

  @Test
  void mismatchedLengthsAreRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new TileMasks(CLASSES, new int[] {0}, new boolean[2][4], new String[] {"s"}));
  }
}
