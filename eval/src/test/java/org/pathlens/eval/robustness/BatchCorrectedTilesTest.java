package org.pathlens.eval.robustness;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;
import org.pathlens.encoders.Embeddings;
import org.pathlens.eval.classify.EmbeddedTiles;
import org.pathlens.eval.classify.LabelledTiles;
import org.pathlens.index.batch.BatchCorrection;
import org.pathlens.index.batch.ComBat;

/**
 * Which tiles fit the correction each tile gets: all, the other fold of slides, or only the
 * reference centers.
 */
class BatchCorrectedTilesTest {

  private static final ComBat.Options COMBAT = new ComBat.Options(ComBat.Method.EMPIRICAL_BAYES, 3);

  /** Three centers, four slides each (S0..S3), three tiles per slide, shifted by center. */
  private static EmbeddedTiles tiles() {
    SplittableRandom random = new SplittableRandom(5);
    List<LabelledTiles.Tile> tiles = new ArrayList<>();
    List<float[]> embeddings = new ArrayList<>();
    for (String site : List.of("center-a", "center-b", "center-c")) {
      for (int s = 0; s < 4; s++) {
        for (int t = 0; t < 3; t++) {
          float[] v = new float[12];
          for (int g = 0; g < v.length; g++) {
            v[g] = (float) (random.nextGaussian() + (g == site.charAt(7) - 'a' ? 2 : 0));
          }
          tiles.add(
              new LabelledTiles.Tile(
                  Path.of(site + "-" + s + "-" + t + ".png"), "C" + t, site + "-S" + s, site));
          embeddings.add(Embeddings.l2Normalize(v));
        }
      }
    }
    return new EmbeddedTiles(tiles, embeddings);
  }

  private static BatchCorrection fit(EmbeddedTiles tiles, IntPredicate keep) {
    List<float[]> x = new ArrayList<>();
    List<String> b = new ArrayList<>();
    for (int i = 0; i < tiles.size(); i++) {
      if (keep.test(i)) {
        x.add(tiles.embeddings().get(i));
        b.add(tiles.tiles().get(i).site());
      }
    }
    return ComBat.fit("site", x, b, COMBAT).correction();
  }

  @Test
  void evaluatedFitsOnEveryTile() {
    EmbeddedTiles tiles = tiles();
    BatchCorrectedTiles.Result r =
        BatchCorrectedTiles.apply(
            tiles,
            new BatchCorrectedTiles.Options(
                COMBAT, BatchCorrectedTiles.Reference.EVALUATED, List.of()));
    BatchCorrection all = fit(tiles, i -> true);
    assertEquals(36, r.corrected());
    for (int i = 0; i < tiles.size(); i++) {
      assertArrayEquals(
          all.apply(tiles.embeddings().get(i), tiles.tiles().get(i).site()),
          r.tiles().embeddings().get(i),
          0f);
    }
    assertEquals(tiles.tiles(), r.tiles().tiles());
  }

  @Test
  void crossFitCorrectsEachSlideWithTheFitOfTheOtherFold() {
    EmbeddedTiles tiles = tiles();
    BatchCorrectedTiles.Result r =
        BatchCorrectedTiles.apply(
            tiles,
            new BatchCorrectedTiles.Options(
                COMBAT, BatchCorrectedTiles.Reference.CROSS_FIT, List.of()));
    // Sorted slides S0..S3 of each center alternate folds: S0, S2 in fold 0, S1, S3 in fold 1.
    BatchCorrection fromOdd = fit(tiles, i -> isOdd(tiles, i));
    BatchCorrection fromEven = fit(tiles, i -> !isOdd(tiles, i));
    for (int i = 0; i < tiles.size(); i++) {
      BatchCorrection expected = isOdd(tiles, i) ? fromEven : fromOdd;
      assertArrayEquals(
          expected.apply(tiles.embeddings().get(i), tiles.tiles().get(i).site()),
          r.tiles().embeddings().get(i),
          0f,
          tiles.tiles().get(i).file().toString());
    }
    assertEquals(36, r.corrected());
  }

  private static boolean isOdd(EmbeddedTiles tiles, int i) {
    char slide = tiles.tiles().get(i).group().charAt(tiles.tiles().get(i).group().length() - 1);
    return (slide - '0') % 2 == 1;
  }

  @Test
  void centersOutsideTheReferenceStayRaw() {
    EmbeddedTiles tiles = tiles();
    BatchCorrectedTiles.Result r =
        BatchCorrectedTiles.apply(
            tiles,
            new BatchCorrectedTiles.Options(
                COMBAT, BatchCorrectedTiles.Reference.EVALUATED, List.of("center-a", "center-b")));
    BatchCorrection ab = fit(tiles, i -> !tiles.tiles().get(i).site().equals("center-c"));
    assertFalse(ab.covers("center-c"));
    assertEquals(24, r.corrected());
    for (int i = 0; i < tiles.size(); i++) {
      String site = tiles.tiles().get(i).site();
      float[] expected =
          site.equals("center-c")
              ? tiles.embeddings().get(i)
              : ab.apply(tiles.embeddings().get(i), site);
      assertArrayEquals(expected, r.tiles().embeddings().get(i), 0f);
    }
  }

  @Test
  void aTileWithoutASiteIsAnError() {
    EmbeddedTiles tiles = tiles();
    List<LabelledTiles.Tile> withHole = new ArrayList<>(tiles.tiles());
    withHole.set(5, new LabelledTiles.Tile(Path.of("nowhere.png"), "C0", "S9", null));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                BatchCorrectedTiles.apply(
                    new EmbeddedTiles(withHole, tiles.embeddings()),
                    new BatchCorrectedTiles.Options(
                        COMBAT, BatchCorrectedTiles.Reference.EVALUATED, List.of())));
    assertTrue(e.getMessage().contains("nowhere.png has none"), e.getMessage());
  }
}
