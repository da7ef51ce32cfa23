package org.pathlens.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SlideSimilarityTest {

  @TempDir Path dir;

  /**
   * Query slide Q has tiles of two kinds (east and north). A has both kinds, a little off; B has
   * a perfect copy of one east tile and otherwise south tiles; C is all south. The best slide is A
   * (several close matches), B next (one exact match does not win), C last.
   */
  @Test
  void slidesRankByTheMeanOfTheirBestTileMatches() throws IOException {
    List<TileRecord> tiles = new ArrayList<>();
    List<float[]> vectors = new ArrayList<>();
    add(tiles, vectors, "Q", deg(0), deg(5), deg(90), deg(95));
    add(tiles, vectors, "A", deg(10), deg(15), deg(80), deg(85));
    add(tiles, vectors, "B", deg(0), deg(-90), deg(-95), deg(-100));
    add(tiles, vectors, "C", deg(-80), deg(-90), deg(-100), deg(-110));
    try (TileIndex index = TileIndex.open(dir, new IndexProvenance("m", "h", 2), IndexSettings.defaults())) {
      index.add(tiles, vectors);
      List<SlideHit> similar = index.similarSlides("Q", 5);
      assertEquals(List.of("A", "B", "C"), similar.stream().map(SlideHit::slideId).toList());
      // A: Q's four tiles find cos(10°), cos(5°), cos(5°), cos(10°); mean of the best 4 (topTiles 8, capped at 4).
      double expectedA = (2 * Math.cos(Math.toRadians(10)) + 2 * Math.cos(Math.toRadians(5))) / 4;
      assertEquals(expectedA, similar.getFirst().score(), 1e-5);
      assertEquals(4, similar.getFirst().matchedTiles());
      // One query image: the slide with the best single tile wins.
      assertEquals("B", index.similarSlides(List.of(deg(0)), "Q", 1).getFirst().slideId());
      assertThrows(IllegalArgumentException.class, () -> index.similarSlides("nope", 5));
    }
  }

  @Test
  void largeQuerySlidesAreSubsampledEvenly() throws IOException {
    SlideSimilarity similarity = new SlideSimilarity(2, 10, 1);
    List<float[]> seen = new ArrayList<>();
    List<float[]> query = List.of(deg(0), deg(1), deg(2), deg(3));
    similarity.rank(query, 5, (vector, n) -> {
      seen.add(vector);
      return List.of();
    });
    assertEquals(List.of(query.get(0), query.get(2)), seen);
  }

  private static void add(List<TileRecord> tiles, List<float[]> vectors, String slide, float[]... embeddings) {
    for (int i = 0; i < embeddings.length; i++) {
      tiles.add(new TileRecord(TileIds.ofPosition(slide, i * 224, 0), slide, null, null, null, null, null, null,
          i * 224, 0, 0.5, null, Map.of()));
      vectors.add(embeddings[i]);
    }
  }

  private static float[] deg(double degrees) {
    double r = Math.toRadians(degrees);
    return new float[] {(float) Math.cos(r), (float) Math.sin(r)};
  }
}
