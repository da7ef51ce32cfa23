package org.pathlens.index.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.index.IndexSettings;
import org.pathlens.index.SearchHit;
import org.pathlens.index.TestTiles;
import org.pathlens.index.TileFilter;
import org.pathlens.index.TileIndex;

/**
 * Rocchio's refined query and ranking on a real Lucene index of 200 clustered tiles, against a
 * recomputation in double: q' summed and normalised by hand, every tile's cosine to it, the tiles
 * marked not relevant left out.
 */
class RelevanceFeedbackTest {

  private static final int K = 10;

  @TempDir Path dir;
  private TestTiles tiles;
  private TileIndex index;

  @BeforeEach
  void build() throws IOException {
    tiles = new TestTiles(200, TestTiles.PROVENANCE.embeddingDim(), 7);
    index = TileIndex.open(dir, TestTiles.PROVENANCE, IndexSettings.defaults());
    index.add(tiles.tiles, tiles.embeddings);
  }

  @AfterEach
  void close() throws IOException {
    index.close();
  }

  @Test
  void theRefinedQueryAndRankingAreRocchiosInDouble() throws IOException {
    float[] query = tiles.embeddings.get(0);
    List<SearchHit> plain = index.search(query, K, TileFilter.ALL);
    // Marks as a user would make them on the plain results, and two tiles of another cluster.
    List<String> relevant = List.of(id(150), id(151), plain.get(3).id());
    List<String> notRelevant = List.of(plain.get(1).id(), plain.get(2).id());

    RelevanceFeedback.Refined refined =
        RelevanceFeedback.ROCCHIO.search(index, query, relevant, notRelevant, K, TileFilter.ALL);

    double[] expected = rocchio(query, relevant, notRelevant);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], refined.query()[i], 1e-6, "component " + i);
    }
    List<String> expectedRanking = exactRanking(expected, Set.copyOf(notRelevant));
    assertEquals(expectedRanking, refined.hits().stream().map(SearchHit::id).toList());
    for (SearchHit hit : refined.hits()) {
      assertEquals(cosine(expected, embedding(hit.id())), hit.score(), 1e-5, hit.id());
    }
    assertTrue(refined.hits().stream().noneMatch(h -> notRelevant.contains(h.id())));
    assertNotEquals(
        plain.stream().map(SearchHit::id).toList(),
        refined.hits().stream().map(SearchHit::id).toList(),
        "marks from another cluster must move the ranking");
    assertTrue(
        refined.hits().stream().anyMatch(h -> h.id().equals(plain.get(3).id())),
        "a tile marked relevant stays in the results");
  }

  @Test
  void withoutAQueryTheRelevantTilesAloneAreTheQuery() throws IOException {
    List<String> relevant = List.of(id(40), id(41));
    List<String> notRelevant = List.of(id(42));
    RelevanceFeedback.Refined refined =
        RelevanceFeedback.ROCCHIO.search(index, null, relevant, notRelevant, K, TileFilter.ALL);
    double[] expected = rocchio(null, relevant, notRelevant);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], refined.query()[i], 1e-6);
    }
    assertEquals(
        exactRanking(expected, Set.copyOf(notRelevant)),
        refined.hits().stream().map(SearchHit::id).toList());
  }

  @Test
  void badMarksAreRefusedNamingTheirField() {
    float[] query = tiles.embeddings.get(0);
    var unknown =
        assertThrows(
            RelevanceFeedback.FeedbackException.class,
            () ->
                RelevanceFeedback.ROCCHIO.search(
                    index, query, List.of("no-such-tile"), List.of(), K, TileFilter.ALL));
    assertEquals("relevant", unknown.field());
    assertTrue(unknown.getMessage().contains("no-such-tile"), unknown.getMessage());
    var both =
        assertThrows(
            RelevanceFeedback.FeedbackException.class,
            () ->
                RelevanceFeedback.ROCCHIO.search(
                    index, query, List.of(id(1)), List.of(id(1)), K, TileFilter.ALL));
    assertEquals("not_relevant", both.field());
    var nothing =
        assertThrows(
            RelevanceFeedback.FeedbackException.class,
            () ->
                RelevanceFeedback.ROCCHIO.search(
                    index, null, List.of(), List.of(id(1)), K, TileFilter.ALL));
    assertEquals("relevant", nothing.field());
    assertFalse(nothing.getMessage().isBlank());
  }

  /** q' by hand: α·q + β·mean(relevant) − γ·mean(not relevant), over its L2 norm. */
  private double[] rocchio(float[] query, List<String> relevant, List<String> notRelevant) {
    int dim = TestTiles.PROVENANCE.embeddingDim();
    double[] q = new double[dim];
    for (int i = 0; i < dim; i++) {
      double r = 0;
      for (String id : relevant) {
        r += embedding(id)[i];
      }
      double n = 0;
      for (String id : notRelevant) {
        n += embedding(id)[i];
      }
      q[i] =
          (query == null ? 0 : 1.0 * query[i])
              + 0.75 * r / relevant.size()
              - (notRelevant.isEmpty() ? 0 : 0.15 * n / notRelevant.size());
    }
    double norm = 0;
    for (double v : q) {
      norm += v * v;
    }
    for (int i = 0; i < dim; i++) {
      q[i] /= Math.sqrt(norm);
    }
    return q;
  }

  /** Every tile but the excluded ones by its cosine to {@code q}, best first, ties by id. */
  private List<String> exactRanking(double[] q, Set<String> excluded) {
    List<SearchHit> all = new ArrayList<>();
    for (int t = 0; t < tiles.tiles.size(); t++) {
      if (!excluded.contains(id(t))) {
        all.add(new SearchHit(id(t), (float) cosine(q, tiles.embeddings.get(t))));
      }
    }
    all.sort(Comparator.comparingDouble((SearchHit h) -> -h.score()).thenComparing(SearchHit::id));
    return all.subList(0, K).stream().map(SearchHit::id).toList();
  }

  private static double cosine(double[] unit, float[] v) {
    double dot = 0;
    double norm = 0;
    for (int i = 0; i < unit.length; i++) {
      dot += unit[i] * v[i];
      norm += (double) v[i] * v[i];
    }
    return dot / Math.sqrt(norm);
  }

  private String id(int t) {
    return tiles.tiles.get(t).id();
  }

  private float[] embedding(String id) {
    for (int t = 0; t < tiles.tiles.size(); t++) {
      if (id(t).equals(id)) {
        return tiles.embeddings.get(t);
      }
    }
    throw new AssertionError(id);
  }
}
