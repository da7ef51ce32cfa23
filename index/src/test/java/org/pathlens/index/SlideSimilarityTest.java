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
   * Query slide Q has tiles of two kinds (east and north). A has both kinds, a little off; B has a
   * perfect copy of one east tile and otherwise south tiles; C is all south. The best slide is A
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
    try (TileIndex index =
        TileIndex.open(dir, new IndexProvenance("m", "h", 2), IndexSettings.defaults())) {
      index.add(tiles, vectors);
      List<SlideHit> similar = index.similarSlides("Q", 5);
      assertEquals(List.of("A", "B", "C"), similar.stream().map(SlideHit::slideId).toList());
      // A: Q's four tiles find cos(10°), cos(5°), cos(5°), cos(10°); mean of the best 4 (topTiles
      // 8, capped at 4).
      double expectedA = (2 * Math.cos(Math.toRadians(10)) + 2 * Math.cos(Math.toRadians(5))) / 4;
      assertEquals(expectedA, similar.getFirst().score(), 1e-5);
      assertEquals(4, similar.getFirst().matchedTiles());
      // One query image: the slide with the best single tile wins.
      assertEquals("B", index.similarSlides(List.of(deg(0)), "Q", 1).getFirst().slideId());
      assertThrows(IllegalArgumentException.class, () -> index.similarSlides("nope", 5));
    }
  }

  /**
   * Whole-slide embeddings on the same slides: Q's and A's tiles are both symmetric about 47.5°, so
   * their mean directions coincide (cosine 1); C's mean points to -95° (cosine cos 142.5°).
   */
  @Test
  void slideEmbeddingsRankByTheCosineOfMeanDirections() throws IOException {
    List<TileRecord> tiles = new ArrayList<>();
    List<float[]> vectors = new ArrayList<>();
    add(tiles, vectors, "Q", deg(0), deg(5), deg(90), deg(95));
    add(tiles, vectors, "A", deg(10), deg(15), deg(80), deg(85));
    add(tiles, vectors, "B", deg(0), deg(-90), deg(-95), deg(-100));
    add(tiles, vectors, "C", deg(-80), deg(-90), deg(-100), deg(-110));
    try (TileIndex index =
        TileIndex.open(dir, new IndexProvenance("m", "h", 2), IndexSettings.defaults())) {
      index.add(tiles, vectors);
      SlideEmbeddings slides = SlideEmbeddings.of(index);
      assertEquals(4, slides.size());
      List<SlideHit> similar = slides.rank(slides.get("Q").embedding(), "Q", 5);
      assertEquals(List.of("A", "B", "C"), similar.stream().map(SlideHit::slideId).toList());
      assertEquals(1.0, similar.get(0).score(), 1e-6);
      assertEquals(4, similar.get(0).matchedTiles());
      // B's tiles sum to (1 - sin 5° - sin 10°, -1 - cos 5° - cos 10°): direction atan2 of that.
      double bx = 1 - Math.sin(Math.toRadians(5)) - Math.sin(Math.toRadians(10));
      double by = -1 - Math.cos(Math.toRadians(5)) - Math.cos(Math.toRadians(10));
      assertEquals(
          Math.cos(Math.toRadians(47.5) - Math.atan2(by, bx)), similar.get(1).score(), 1e-5);
      assertEquals(Math.cos(Math.toRadians(142.5)), similar.get(2).score(), 1e-5);
      assertThrows(IllegalArgumentException.class, () -> slides.get("nope"));
    }
  }

  @Test
  void largeQuerySlidesAreSubsampledEvenly() throws IOException {
    SlideSimilarity similarity = new SlideSimilarity(2, 10, 1);
    List<float[]> seen = new ArrayList<>();
    List<float[]> query = List.of(deg(0), deg(1), deg(2), deg(3));
    similarity.rank(
        query,
        5,
        (queries, n) -> {
          seen.addAll(queries);
          return queries.stream().map(q -> List.<SearchHit>of()).toList();
        });
    assertEquals(List.of(query.get(0), query.get(2)), seen);
  }

  private static void add(
      List<TileRecord> tiles, List<float[]> vectors, String slide, float[]... embeddings) {
    for (int i = 0; i < embeddings.length; i++) {
      tiles.add(
          new TileRecord(
              TileIds.ofPosition(slide, i * 224, 0),
              slide,
              null,
              null,
              null,
              null,
              null,
              null,
              i * 224,
              0,
              0.5,
              null,
              Map.of()));
      vectors.add(embeddings[i]);
    }
  }

  private static float[] deg(double degrees) {
    double r = Math.toRadians(degrees);
    return new float[] {(float) Math.cos(r), (float) Math.sin(r)};
  }
}
