package org.pathlens.prompts.slides;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.pathlens.prompts.ClassProbabilities;

/** Slide pooling against hand-computed values. */
class SlidePoolingTest {

  /** 5 tiles × 3 classes. */
  private static final float[][] TILES = {
    {0.10f, 0.30f, 0.20f},
    {0.50f, 0.10f, 0.20f},
    {0.20f, 0.40f, 0.20f},
    {0.90f, 0.00f, 0.20f},
    {0.30f, 0.20f, 0.60f},
  };

  @Test
  void topKAveragesEachClassOwnBestTiles() {
    // class 0 sorted: .9 .5 .3 .2 .1; class 1: .4 .3 .2 .1 0; class 2: .6 .2 .2 .2 .2
    assertArrayEquals(new float[] {0.9f, 0.4f, 0.6f}, new SlidePooling.TopK(1).pool(TILES), 1e-6f);
    assertArrayEquals(new float[] {0.7f, 0.35f, 0.4f}, new SlidePooling.TopK(2).pool(TILES), 1e-6f);
    assertArrayEquals(
        new float[] {1.7f / 3, 0.9f / 3, 1.0f / 3}, new SlidePooling.TopK(3).pool(TILES), 1e-6f);
  }

  @Test
  void tiedScoresGiveTheSameMeanWhicheverTileIsTaken() {
    // Class 2 has four tiles at 0.2: top-2 is (0.6 + 0.2) / 2 whichever 0.2 is taken; reordering
    // tiles changes nothing.
    float[][] reversed = {TILES[4], TILES[3], TILES[2], TILES[1], TILES[0]};
    assertArrayEquals(
        new SlidePooling.TopK(2).pool(TILES), new SlidePooling.TopK(2).pool(reversed), 0f);
    assertEquals(0.4f, new SlidePooling.TopK(2).pool(reversed)[2], 1e-6f);
  }

  @Test
  void kLargerThanTheTileCountTakesEveryTile() {
    float[] mean = {2.0f / 5, 1.0f / 5, 1.4f / 5};
    assertArrayEquals(mean, new SlidePooling.TopK(50).pool(TILES), 1e-6f);
    assertArrayEquals(mean, new SlidePooling.Mean().pool(TILES), 1e-6f);
    assertEquals("topk:5", new SlidePooling.TopK(50).label(5));
    assertEquals("mean", new SlidePooling.Mean().label(5));
  }

  @Test
  void autoKIsFivePercentOfTheTilesBetweenFiveAndOneHundred() {
    SlidePooling auto = SlidePooling.DEFAULT;
    assertEquals(3, auto.kFor(3)); // fewer tiles than the minimum: all of them
    assertEquals(5, auto.kFor(40)); // 2 → at least 5
    assertEquals(5, auto.kFor(100));
    assertEquals(6, auto.kFor(101)); // 5.05 rounds up
    assertEquals(50, auto.kFor(1000));
    assertEquals(100, auto.kFor(20_000)); // 1000 → at most 100
    assertEquals("topk:50", auto.label(1000));
  }

  @Test
  void slideProbabilitiesAreTheSoftmaxOfTheScaledPooledCosines() {
    double scale = 13.906; // the demo bundle's logit_scale
    ClassProbabilities slide =
        new SlidePooling.TopK(2).classify(TILES, List.of("A", "B", "C"), scale);
    // pooled (0.7, 0.35, 0.4): exp(13.906 × (x - 0.7)) = 1, exp(-4.8671) = 0.0076990, exp(-4.1718)
    // = 0.015428
    double sum = 1 + Math.exp(-4.8671) + Math.exp(-4.1718);
    assertArrayEquals(new float[] {0.7f, 0.35f, 0.4f}, slide.scores(), 1e-6f);
    assertEquals(1 / sum, slide.probabilities()[0], 1e-5);
    assertEquals(Math.exp(-4.8671) / sum, slide.probabilities()[1], 1e-5);
    assertEquals(Math.exp(-4.1718) / sum, slide.probabilities()[2], 1e-5);
    assertEquals("A", slide.prediction());
    // top-1 also predicts A (0.9 > 0.6 > 0.4); pooling by mean too (0.4 > 0.28 > 0.2)
    assertEquals(
        "A", new SlidePooling.Mean().classify(TILES, List.of("A", "B", "C"), scale).prediction());
  }

  @Test
  void poolingChoiceCanChangeThePrediction() {
    // Class B has one strong tile; class A is moderately high everywhere: top-1 says B, mean says
    // A.
    float[][] tiles = {{0.5f, 0.1f}, {0.5f, 0.1f}, {0.5f, 0.9f}, {0.5f, 0.1f}};
    List<String> ids = List.of("A", "B");
    assertEquals("B", new SlidePooling.TopK(1).classify(tiles, ids, 10).prediction());
    assertEquals("A", new SlidePooling.Mean().classify(tiles, ids, 10).prediction());
  }

  @Test
  void badInputIsNamed() {
    assertThrows(IllegalArgumentException.class, () -> new SlidePooling.TopK(0));
    IllegalArgumentException empty =
        assertThrows(
            IllegalArgumentException.class, () -> SlidePooling.DEFAULT.pool(new float[0][]));
    assertEquals("a slide with no tiles cannot be pooled", empty.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> SlidePooling.DEFAULT.pool(new float[][] {{1, 2}, {1}}));
  }

  @Test
  void parsesWhatItPrints() {
    assertEquals(new SlidePooling.TopK(10), SlidePooling.parse("topk:10"));
    assertEquals(new SlidePooling.Mean(), SlidePooling.parse("mean"));
    assertEquals(SlidePooling.DEFAULT, SlidePooling.parse("auto"));
    IllegalArgumentException bad =
        assertThrows(IllegalArgumentException.class, () -> SlidePooling.parse("max"));
    assertEquals("bad pooling 'max': use auto, mean or topk:K", bad.getMessage());
  }
}
