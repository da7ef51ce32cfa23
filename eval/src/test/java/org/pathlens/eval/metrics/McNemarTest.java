package org.pathlens.eval.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class McNemarTest {

  /**
   * {b, c, p} from fixtures/scripts/mcnemar_reference.py (exact rationals, rounded to a double
   * once).
   */
  private static final double[][] REFERENCE = {
    {0, 0, 1.0},
    {9, 1, 0.021484375},
    {1, 9, 0.021484375},
    {0, 12, 0.00048828125},
    {5, 5, 1.0},
    {6, 4, 0.75390625},
    {20, 40, 0.01348929373119186},
    {300, 350, 0.0545299417589238},
    {
      3000, 3200, 0.011488253770871206
    }, // 1/2^6200 underflows a double: the tail must be summed exactly
  };

  @Test
  void exactPValuesMatchThePythonReference() {
    for (double[] row : REFERENCE) {
      double p = McNemar.exactPValue((int) row[0], (int) row[1]);
      assertEquals(row[2], p, row[2] * 1e-13, "b = " + row[0] + ", c = " + row[1]);
    }
  }

  @Test
  void countsOnlyTheDiscordantItems() {
    // Items: both right, both wrong, A only (x2), B only.
    boolean[] a = {true, false, true, true, false};
    boolean[] b = {true, false, false, false, true};
    McNemar test = McNemar.of(a, b);
    assertEquals(2, test.b());
    assertEquals(1, test.c());
    // 2 · P(X <= 1), X ~ Binomial(3, 1/2) = 2 · 4/8 = 1.
    assertEquals(1.0, test.pValue());
  }

  @Test
  void correctReadsTruthAgainstPrediction() {
    Predictions p = BootstrapTest.items(4, 3, 0);
    assertEquals(
        List.of(true, true, true, false),
        IntStream.range(0, 4).mapToObj(i -> McNemar.correct(p)[i]).toList());
  }

  @Test
  void refusesNegativeCountsAndUnpairedItems() {
    assertThrows(IllegalArgumentException.class, () -> McNemar.exactPValue(-1, 3));
    assertThrows(IllegalArgumentException.class, () -> McNemar.of(new boolean[2], new boolean[3]));
  }
}
