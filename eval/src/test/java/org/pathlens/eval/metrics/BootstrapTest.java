package org.pathlens.eval.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class BootstrapTest {

  /**
   * n items, the first {@code right} classified correctly; groups of {@code groupSize} consecutive
   * items.
   */
  static Predictions items(int n, int right, int groupSize) {
    int[] truth = new int[n];
    int[] predicted = new int[n];
    float[][] scores = new float[n][2];
    String[] groups = groupSize > 0 ? new String[n] : null;
    for (int i = 0; i < n; i++) {
      truth[i] = i % 2;
      predicted[i] = i < right ? truth[i] : 1 - truth[i];
      scores[i][predicted[i]] = 1;
      if (groups != null) {
        groups[i] = "slide-" + (i / groupSize);
      }
    }
    return new Predictions(List.of("a", "b"), truth, predicted, scores, groups);
  }

  @Test
  void accuracyIntervalMatchesTheBinomialApproximation() {
    // p = 0.8, n = 1000: standard error √(0.8·0.2/1000) = 0.01265, 95 % half-width ≈ 0.0248.
    Bootstrap.Interval ci = Bootstrap.defaults().interval(items(1000, 800, 0), Metric::accuracy);
    assertEquals(0.8, ci.estimate(), 1e-12);
    assertEquals(0.0248, 0.8 - ci.lower(), 0.004);
    assertEquals(0.0248, ci.upper() - 0.8, 0.004);
  }

  @Test
  void sameSeedSameInterval() {
    Predictions p = items(200, 150, 0);
    assertEquals(
        Bootstrap.defaults().interval(p, Metric::accuracy),
        Bootstrap.defaults().interval(p, Metric::accuracy));
    Bootstrap other = new Bootstrap(1000, 7, 0.95);
    assertTrue(
        !other
            .interval(p, Metric::accuracy)
            .equals(Bootstrap.defaults().interval(p, Metric::accuracy)));
  }

  @Test
  void resamplingCorrelatedGroupsWidensTheInterval() {
    // Errors clustered in whole slides of 20 tiles: 40 slides, the first 30 all right, the rest all
    // wrong.
    Predictions byTile = items(800, 600, 0);
    Predictions bySlide = items(800, 600, 20);
    Bootstrap.Interval tiles = Bootstrap.defaults().interval(byTile, Metric::accuracy);
    Bootstrap.Interval slides = Bootstrap.defaults().interval(bySlide, Metric::accuracy);
    double tileWidth = tiles.upper() - tiles.lower();
    double slideWidth = slides.upper() - slides.lower();
    // Slide-level: a proportion over 40 units, half-width ≈ 1.96·√(0.75·0.25/40) = 0.134 vs 0.030
    // per tile.
    assertEquals(0.268, slideWidth, 0.05);
    assertEquals(0.060, tileWidth, 0.012);
  }

  @Test
  void undefinedResamplesAreLeftOut() {
    // One positive among 30: many resamples miss it and AUROC is undefined there, not 0 or 1.
    Predictions p = items(30, 30, 0);
    Bootstrap.Interval ci = Bootstrap.defaults().interval(p, Metric::macroAuroc);
    assertEquals(1.0, ci.lower(), 1e-12);
  }

  @Test
  void quantileInterpolatesLikeNumpy() {
    double[] sorted = {1, 2, 3, 4};
    assertEquals(
        1.075, Bootstrap.quantile(sorted, 0.025), 1e-12); // numpy.quantile([1,2,3,4], 0.025)
    assertEquals(3.925, Bootstrap.quantile(sorted, 0.975), 1e-12);
  }
}
