package org.pathlens.eval.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Reliability bins and ECE on cases worked out by hand (the arithmetic is in the comments). */
class ReliabilityTest {

  /** Three classes; each row: probabilities, then the true class. Predicted = argmax. */
  static Predictions items(float[][] probabilities, int[] truth) {
    int[] predicted = new int[truth.length];
    for (int i = 0; i < truth.length; i++) {
      for (int c = 1; c < probabilities[i].length; c++) {
        if (probabilities[i][c] > probabilities[i][predicted[i]]) {
          predicted[i] = c;
        }
      }
    }
    return new Predictions(List.of("a", "b", "c"), truth, predicted, probabilities, null);
  }

  @Test
  void eceOfSixItemsInFourBins() {
    Predictions p =
        items(
            new float[][] {
              {0.95f, 0.03f, 0.02f}, // confidence 0.95, right
              {0.95f, 0.03f, 0.02f}, // 0.95, wrong (truth b)
              {0.04f, 0.92f, 0.04f}, // 0.92, right
              {0.20f, 0.25f, 0.55f}, // 0.55, right
              {0.45f, 0.30f, 0.25f}, // 0.45, wrong (truth b)
              {0.32f, 0.33f, 0.35f}, // 0.35, right
            },
            new int[] {0, 1, 1, 2, 1, 2});
    Reliability r = Reliability.of(p, 10);
    // (0.9, 1]: 3 items, confidence (0.95 + 0.95 + 0.92)/3 = 0.94, accuracy 2/3, gap 0.27333
    Reliability.Bin top = r.bins().get(9);
    assertEquals(3, top.count());
    assertEquals(0.94, top.meanConfidence(), 1e-6);
    assertEquals(2.0 / 3, top.accuracy(), 1e-12);
    // (0.5, 0.6]: 0.55 right, gap 0.45; (0.4, 0.5]: 0.45 wrong, gap 0.45; (0.3, 0.4]: 0.35 right,
    // gap 0.65
    assertEquals(1, r.bins().get(5).count());
    assertEquals(1.0, r.bins().get(5).accuracy());
    assertEquals(0.0, r.bins().get(4).accuracy());
    assertEquals(0.35, r.bins().get(3).meanConfidence(), 1e-6);
    assertEquals(0, r.bins().get(0).count());
    assertTrue(Double.isNaN(r.bins().get(0).accuracy()));
    // ECE = (3 · 0.27333 + 0.45 + 0.45 + 0.65) / 6 = (0.82 + 1.55) / 6 = 0.395
    assertEquals(0.395, r.ece(), 1e-6);
    assertEquals(0.395, Metric.ECE.of(p), 1e-6);
  }

  @Test
  void binsAreClosedOnTheRight() {
    // 0.5 (exact in float) belongs to (0.4, 0.5], 1.0 to (0.9, 1.0].
    Predictions p = items(new float[][] {{0.5f, 0.3f, 0.2f}, {1f, 0f, 0f}}, new int[] {0, 1});
    Reliability r = Reliability.of(p, 10);
    assertEquals(1, r.bins().get(4).count());
    assertEquals(1, r.bins().get(9).count());
    assertEquals(0.4, r.bins().get(4).lower(), 1e-12);
    assertEquals(0.5, r.bins().get(4).upper(), 1e-12);
    // ECE = (|1 − 0.5| + |0 − 1|) / 2 = 0.75
    assertEquals(0.75, r.ece(), 1e-12);
  }

  @Test
  void noItemsIsUndefined() {
    Predictions p = items(new float[0][], new int[0]);
    assertTrue(Double.isNaN(Reliability.ece(p)));
    assertEquals(10, Reliability.of(p, 10).bins().size());
  }
}
