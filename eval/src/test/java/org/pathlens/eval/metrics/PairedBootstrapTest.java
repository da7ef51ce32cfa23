package org.pathlens.eval.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Hand-computed cases of the paired bootstrap: what B − A, its interval and p must be. */
class PairedBootstrapTest {

  private static final Bootstrap BOOTSTRAP = new Bootstrap(1000, Bootstrap.DEFAULT_SEED, 0.95);

  /**
   * n two-class items, those whose index is in [0, right) classified correctly; groups of {@code
   * groupSize} consecutive items.
   */
  static Predictions rightOnFirst(int n, int right, int groupSize) {
    return BootstrapTest.items(n, right, groupSize);
  }

  private static PairedBootstrap.Difference accuracy(Predictions a, Predictions b) {
    return PairedBootstrap.differences(
            BOOTSTRAP, a.size(), a.groups(), List.of(PairedBootstrap.of(Metric.ACCURACY, a, b)))
        .getFirst();
  }

  @Test
  void identicalPredictionsDifferByExactlyNothing() {
    Predictions a = rightOnFirst(100, 70, 0);
    PairedBootstrap.Difference d = accuracy(a, rightOnFirst(100, 70, 0));
    assertEquals(new Bootstrap.Interval(0, 0, 0), d.difference());
    assertEquals(1.0, d.pValue());
    assertEquals(1000, d.resamples());
    // Each side's interval is the one a single-system bootstrap with the same seed gives (eval
    // run's).
    assertEquals(BOOTSTRAP.interval(a, Metric::accuracy), d.a());
    assertEquals(d.a(), d.b());
  }

  @Test
  void bRightWhereverAIsAndOn20MoreTilesIsBetterWithAnIntervalAbove0() {
    // A right on 60 of 100 tiles, B on those 60 and 20 more: B − A = 0.20. A resample's difference
    // is
    // (discordant tiles drawn) / 100 with the count ~ Binomial(100, 0.2): 95 % of it within
    // 0.20 ± 1.96 · √(0.2 · 0.8 / 100) = [0.122, 0.278]. No resample can have B − A < 0, and one
    // with B − A = 0 (none of the 20 drawn) has probability 0.8^100 ≈ 2e-10: p = 2 · 1 / 1001.
    PairedBootstrap.Difference d = accuracy(rightOnFirst(100, 60, 0), rightOnFirst(100, 80, 0));
    assertEquals(0.20, d.difference().estimate(), 1e-12);
    assertTrue(d.difference().lower() > 0, d.toString());
    assertEquals(0.122, d.difference().lower(), 0.02);
    assertEquals(0.278, d.difference().upper(), 0.02);
    assertEquals(2.0 / 1001, d.pValue(), 1e-15);
  }

  @Test
  void oneTileMoreIsNotEnough() {
    // B right on A's 60 tiles and 1 more: B − A = 0.01, and a resample misses the one tile with
    // probability 0.99^100 = 0.366, giving B − A = 0 there: p ≈ 2 · 0.366, the interval starts at
    // 0.
    PairedBootstrap.Difference d = accuracy(rightOnFirst(100, 60, 0), rightOnFirst(100, 61, 0));
    assertEquals(0.01, d.difference().estimate(), 1e-12);
    assertEquals(0.0, d.difference().lower());
    assertEquals(0.732, d.pValue(), 0.06);
  }

  @Test
  void aGainConfinedToOneSlideIsNotSignificantWhenSlidesAreResampled() {
    // 10 slides of 10 tiles; A is wrong on all of slide 0 and B right there; elsewhere both are
    // right.
    // By tile: B − A = k / 100, k ~ Binomial(100, 0.1): 0 with probability 0.9^100 = 3e-5, p =
    // 2/1001 or
    // near it. By slide: B − A = j / 10, j ~ Binomial(10, 0.1) copies of slide 0: 0 with
    // probability
    // 0.9^10 = 0.349, so p ≈ 0.70 and the interval starts at 0.
    int n = 100;
    int[] truth = new int[n];
    int[] wrongOnSlide0 = new int[n];
    float[][] scores = new float[n][2];
    String[] slides = new String[n];
    for (int i = 0; i < n; i++) {
      wrongOnSlide0[i] = i < 10 ? 1 : 0;
      scores[i][wrongOnSlide0[i]] = 1;
      slides[i] = "slide-" + (i / 10);
    }
    Predictions a = new Predictions(List.of("x", "y"), truth, wrongOnSlide0, scores, slides);
    Predictions b = new Predictions(List.of("x", "y"), truth, new int[n], scores, slides);
    Predictions aByTile = new Predictions(List.of("x", "y"), truth, wrongOnSlide0, scores, null);
    Predictions bByTile = new Predictions(List.of("x", "y"), truth, new int[n], scores, null);

    PairedBootstrap.Difference bySlide = accuracy(a, b);
    PairedBootstrap.Difference byTile = accuracy(aByTile, bByTile);
    assertEquals(0.10, bySlide.difference().estimate(), 1e-12);
    assertEquals(0.0, bySlide.difference().lower());
    assertEquals(0.697, bySlide.pValue(), 0.07);
    assertTrue(byTile.difference().lower() > 0.04, byTile.toString());
    assertTrue(byTile.pValue() < 0.005, byTile.toString());
  }

  @Test
  void pValueIsTwiceTheSmallerTailWithZerosOnBothSides() {
    // {1, 2, 3}: none <= 0, so (1 + 0) / 4 = 0.25, doubled 0.5.
    assertEquals(0.5, PairedBootstrap.pValue(new double[] {1, 2, 3}), 1e-15);
    // {-0.1, then nine 0.2}: one <= 0: 2 · 2/11.
    assertEquals(
        4.0 / 11,
        PairedBootstrap.pValue(new double[] {-0.1, .2, .2, .2, .2, .2, .2, .2, .2, .2}),
        1e-15);
    // {-1, 0, 1, 2}: <= 0 twice, >= 0 three times: 2 · 3/5 = 1.2, capped at 1.
    assertEquals(1.0, PairedBootstrap.pValue(new double[] {-1, 0, 1, 2}), 1e-15);
    // The sign does not matter: B worse by the same pattern gives the same p.
    assertEquals(0.5, PairedBootstrap.pValue(new double[] {-1, -2, -3}), 1e-15);
    assertTrue(Double.isNaN(PairedBootstrap.pValue(new double[0])));
  }

  @Test
  void meansOfPerQueryScoresArePairedToo() {
    // Retrieval: B finds 3 of 4 queries' targets, A 1 of them (query 0, which B also finds).
    double[] a = {1, 0, 0, 0};
    double[] b = {1, 1, 1, 0};
    PairedBootstrap.Difference d =
        PairedBootstrap.differences(BOOTSTRAP, 4, null, List.of(PairedBootstrap.mean("r@1", a, b)))
            .getFirst();
    assertEquals(0.25, d.a().estimate(), 1e-15);
    assertEquals(0.75, d.b().estimate(), 1e-15);
    assertEquals(0.5, d.difference().estimate(), 1e-15);
    // B − A per resample is (queries 1 and 2 drawn) / 4 >= 0; it is 0 when neither is drawn:
    // (2/4)^4 = 1/16.
    assertEquals(0.0, d.difference().lower());
    assertEquals(2 * 0.0625, d.pValue(), 0.03);
    assertEquals(BOOTSTRAP.meanIntervals(List.of(a), null).getFirst(), d.a());
  }

  @Test
  void resamplesWhereEitherSideIsUndefinedAreLeftOut() {
    // A is undefined on resamples that miss item 0 (as AUROC is on one without a negative).
    int[] withItem0 = {0};
    PairedBootstrap.Statistic sometimesUndefined =
        new PairedBootstrap.Statistic(
            "s",
            i -> Arrays.stream(i).anyMatch(x -> x == 0) ? 1 : Double.NaN,
            i -> {
              if (Arrays.stream(i).anyMatch(x -> x == 0)) {
                withItem0[0]++;
              }
              return 1;
            });
    PairedBootstrap.Difference d =
        PairedBootstrap.differences(
                new Bootstrap(100, 1, 0.95), 5, null, List.of(sometimesUndefined))
            .getFirst();
    // B was also called once on all items (which hold item 0) for its estimate.
    assertEquals(withItem0[0] - 1, d.resamples());
    assertEquals(67, d.resamples(), 15); // 1 − 0.8^5 = 0.67 of 100 resamples draw item 0
    assertEquals(new Bootstrap.Interval(0, 0, 0), d.difference());
  }

  @Test
  void predictionsOfDifferentItemsAreRefused() {
    Predictions a = rightOnFirst(10, 5, 0);
    assertThrows(
        IllegalArgumentException.class,
        () -> PairedBootstrap.of(Metric.ACCURACY, a, rightOnFirst(12, 5, 0)));
    Predictions otherTruth =
        new Predictions(a.classIds(), new int[10], a.predicted(), a.probabilities(), null);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> PairedBootstrap.of(Metric.ACCURACY, a, otherTruth));
    assertTrue(e.getMessage().contains("item 1: A's truth is b, B's a"), e.getMessage());
  }
}
