package org.pathlens.encoders.preprocess.stain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Selection gives the percentiles a full sort gives (numpy's linear method), ties and all. */
class PercentilesTest {

  @Test
  void matchesSortingOnRandomAndTiedValues() {
    SplittableRandom random = new SplittableRandom(5);
    for (int trial = 0; trial < 200; trial++) {
      int n = 1 + random.nextInt(300);
      double[] values = new double[n];
      for (int i = 0; i < n; i++) {
        values[i] =
            trial % 2 == 0
                ? random.nextGaussian()
                : random.nextInt(5); // every other trial: many ties
      }
      double[] sorted = values.clone();
      Arrays.sort(sorted);
      for (double q : new double[] {0, 1, 37.5, 50, 99, 100}) {
        double rank = (n - 1) * q / 100;
        int below = (int) Math.floor(rank);
        double expected =
            sorted[below] + (sorted[Math.min(n - 1, below + 1)] - sorted[below]) * (rank - below);
        assertEquals(expected, Percentiles.of(values.clone(), n, q), 1e-12, "n " + n + " q " + q);
      }
    }
  }

  @Test
  void numpysExamples() {
    // numpy.percentile([10, 7, 4, 3, 2, 1], [1, 50, 99]) = [1.05, 3.5, 9.85]
    assertEquals(1.05, Percentiles.of(new double[] {10, 7, 4, 3, 2, 1}, 6, 1), 1e-12);
    assertEquals(3.5, Percentiles.of(new double[] {10, 7, 4, 3, 2, 1}, 6, 50), 1e-12);
    assertEquals(9.85, Percentiles.of(new double[] {10, 7, 4, 3, 2, 1}, 6, 99), 1e-12);
  }
}
