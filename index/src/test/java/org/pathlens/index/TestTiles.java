package org.pathlens.index;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.pathlens.fixtures.synth.ClusteredVectors;

/** Tiles with clustered random embeddings and metadata that make 10 % and 1 % filters. */
public final class TestTiles {

  public static final IndexProvenance PROVENANCE =
      new IndexProvenance("test-model", "0123456789abcdef0123", 64);

  public final List<TileRecord> tiles = new ArrayList<>();
  public final List<float[]> embeddings = new ArrayList<>();

  /**
   * Tile i is on slide {@code S<i/50>}, site {@code site-<i%10>} (10 % each) and has extra key
   * {@code bucket} {@code b<i%100>} (1 % each).
   */
  public TestTiles(int n, int dim, long seed) {
    ClusteredVectors vectors = new ClusteredVectors(Math.max(1, n / 40), dim, 1f, seed);
    for (int i = 0; i < n; i++) {
      String slide = "S-" + (i / 50);
      int x = (i % 50) * 224;
      tiles.add(
          new TileRecord(
              TileIds.ofPosition(slide, x, 0),
              slide,
              "P" + (i / 200),
              "site-" + (i % 10),
              "HE",
              null,
              i % 2 == 0 ? "TUM" : "NORM",
              null,
              x,
              0,
              0.5,
              "/slides/" + slide + ".svs",
              Map.of("bucket", "b" + (i % 100))));
      embeddings.add(vectors.next());
    }
  }

  public ExactSearch exact(Predicate<TileRecord> keep) {
    ExactSearch exact = new ExactSearch();
    for (int i = 0; i < tiles.size(); i++) {
      if (keep.test(tiles.get(i))) {
        exact.add(tiles.get(i).id(), embeddings.get(i));
      }
    }
    return exact;
  }

  public static double recall(List<SearchHit> truth, List<SearchHit> found) {
    var truthIds = truth.stream().map(SearchHit::id).collect(Collectors.toSet());
    return found.stream().filter(h -> truthIds.contains(h.id())).count() / (double) truth.size();
  }
}
