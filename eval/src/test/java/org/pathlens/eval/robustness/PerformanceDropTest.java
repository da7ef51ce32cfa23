package org.pathlens.eval.robustness;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.pathlens.eval.metrics.Bootstrap;

/** The split construction by hand, and APD on 2-D embeddings with and without a center shortcut. */
class PerformanceDropTest {

  @Test
  void splitCountsFollowTheDocumentedConstruction() {
    assertArrayEquals(new int[] {2, 2, 2, 2, 2}, PerformanceDrop.counts(10, 5, 2, 0));
    assertArrayEquals(new int[] {0, 0, 10, 0, 0}, PerformanceDrop.counts(10, 5, 2, 1));
    // own = round(10 * (0.2 + 0.5 * 0.8)) = 6; the other 4 one each.
    assertArrayEquals(new int[] {6, 1, 1, 1, 1}, PerformanceDrop.counts(10, 5, 0, 0.5));
    // own = round(10 * (0.2 + 0.25 * 0.8)) = 4; 6 over four centers: the first two take 2.
    assertArrayEquals(new int[] {2, 2, 1, 4, 1}, PerformanceDrop.counts(10, 5, 3, 0.25));
  }

  /**
   * Two classes at two centers, 20 tiles per cell; dimension 0 carries the class, dimension 1 the
   * center.
   */
  private record Data(
      List<float[]> embeddings, String[] classes, String[] centers, String[] slides) {}

  private static Data data(double classSignal, double centerSignal) {
    SplittableRandom random = new SplittableRandom(42);
    List<float[]> embeddings = new ArrayList<>();
    List<String> classes = new ArrayList<>();
    List<String> centers = new ArrayList<>();
    List<String> slides = new ArrayList<>();
    for (String cls : List.of("A", "B")) {
      for (String center : List.of("x", "y")) {
        for (int i = 0; i < 20; i++) {
          double c = cls.equals("A") ? 1 : -1;
          double m = center.equals("x") ? 1 : -1;
          embeddings.add(
              new float[] {
                (float) (classSignal * c + 0.5 * random.nextGaussian()),
                (float) (centerSignal * m + 0.1 * random.nextGaussian())
              });
          classes.add(cls);
          centers.add(center);
          slides.add(center + "-" + (i % 5));
        }
      }
    }
    return new Data(
        embeddings,
        classes.toArray(String[]::new),
        centers.toArray(String[]::new),
        slides.toArray(String[]::new));
  }

  private static PerformanceDrop.Result run(Data d, long seed) {
    return PerformanceDrop.run(
        d.embeddings(),
        d.classes(),
        d.centers(),
        d.slides(),
        new PerformanceDrop.Options(List.of(0.5, 1.0), 0.5, seed));
  }

  @Test
  void embeddingsWithoutACenterSignalLoseNothing() {
    PerformanceDrop.Result r = run(data(1.0, 0.0), 1);
    assertEquals(List.of(0.0, 0.5, 1.0), r.levels());
    assertEquals(10, r.trainPerClass());
    assertEquals(40, r.testSlides().length);
    // The center dimension is noise alone, so every probe draws about the same boundary: no drop
    // beyond a test tile or two.
    assertTrue(Math.abs(r.apd()) < 0.05, "APD " + r.apd());
    assertTrue(r.accuracy(0) > 0.85, "balanced accuracy " + r.accuracy(0));
  }

  @Test
  void aCenterShortcutIsTakenWhenTrainingConfoundsItWithTheClass() {
    PerformanceDrop.Result r = run(data(0.6, 2.0), 1);
    // At s = 1 class A was only ever seen at center x: the probe leans on the clean center
    // dimension
    // and misses the test tiles of A at y and B at x.
    assertTrue(
        r.accuracy(2) < r.accuracy(0) - 0.2,
        "accuracies " + r.accuracy(0) + " -> " + r.accuracy(2));
    assertTrue(r.apd() < -0.1, "APD " + r.apd());
    double expected = ((r.accuracy(1) + r.accuracy(2)) / 2) / r.accuracy(0) - 1;
    assertEquals(expected, r.apd(), 1e-12);
    Bootstrap.Interval interval = r.interval(new Bootstrap(200, 3, 0.95));
    assertEquals(r.apd(), interval.estimate(), 1e-12);
    assertTrue(interval.lower() <= r.apd() && r.apd() <= interval.upper(), interval.toString());
  }

  @Test
  void theSameSeedGivesTheSameSplitsAndAnotherSeedOthers() {
    Data d = data(0.6, 2.0);
    PerformanceDrop.Result a = run(d, 1);
    PerformanceDrop.Result b = run(d, 1);
    assertEquals(a.apd(), b.apd());
    assertArrayEquals(a.testSlides(), b.testSlides());
    assertTrue(
        !Arrays.equals(a.testSlides(), run(d, 2).testSlides()) || a.apd() != run(d, 2).apd());
  }

  @Test
  void tooFewTilesPerCellIsNamed() {
    // The first 62 tiles: 20 in each cell but B at y, which keeps 2.
    Data d = data(1, 0);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                PerformanceDrop.run(
                    d.embeddings().subList(0, 62),
                    Arrays.copyOf(d.classes(), 62),
                    Arrays.copyOf(d.centers(), 62),
                    Arrays.copyOf(d.slides(), 62),
                    PerformanceDrop.Options.defaults(1)));
    assertTrue(e.getMessage().contains("B at y has 2"), e.getMessage());
  }
}
