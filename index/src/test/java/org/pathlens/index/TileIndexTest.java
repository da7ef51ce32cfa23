package org.pathlens.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TileIndexTest {

  @TempDir Path dir;

  private final TestTiles data = new TestTiles(300, 64, 7);

  private LuceneTileIndex open() throws IOException {
    return TileIndex.open(dir, TestTiles.PROVENANCE, IndexSettings.defaults().withCommitSize(100));
  }

  /** Facets count live tiles per value, most first, and refuse what a filter may not name. */
  @Test
  void facetsCountLiveTilesPerValue() throws IOException {
    try (LuceneTileIndex index = open()) {
      index.add(data.tiles, data.embeddings);
      assertEquals(
          List.of(new FacetValue("NORM", 150), new FacetValue("TUM", 150)),
          index.facet("label", 10));
      List<FacetValue> sites = index.facet("site", 3);
      assertEquals(3, sites.size());
      assertEquals(new FacetValue("site-0", 30), sites.getFirst());
      index.deleteSlide("S-0"); // tiles 0..49: five of each site gone
      assertEquals(new FacetValue("site-0", 25), index.facet("site", 1).getFirst());
      // A manifest column: b50..b99 keep their 3 tiles, b0..b49 lost one; ties by value.
      List<FacetValue> buckets = index.facet("bucket", 100);
      assertEquals(new FacetValue("b50", 3), buckets.getFirst());
      assertEquals(new FacetValue("b0", 2), buckets.get(50));
      for (String field : List.of("source", "caption", "embedding", "_id", "id")) {
        assertThrows(IllegalArgumentException.class, () -> index.facet(field, 10), field);
      }
    }
  }

  @Test
  void anotherBundleIsRefusedNamingBoth() throws IOException {
    try (LuceneTileIndex index = open()) {
      index.add(data.tiles.subList(0, 5), data.embeddings.subList(0, 5));
    }
    IndexProvenance other = new IndexProvenance("other-model", "fedcba9876543210", 64);
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> TileIndex.open(dir, other, IndexSettings.defaults()));
    assertTrue(e.getMessage().contains("test-model (0123456789ab, D=64)"), e.getMessage());
    assertTrue(e.getMessage().contains("other-model (fedcba987654, D=64)"), e.getMessage());
    assertThrows(
        IllegalStateException.class,
        () -> TileIndex.openForSearch(dir, other, IndexSettings.defaults()));
    assertEquals(TestTiles.PROVENANCE, TileIndex.readProvenance(dir).orElseThrow());
  }

  @Test
  void aNewIndexRecordsItsBundleBeforeItsFirstTile() throws IOException {
    open().close();
    assertEquals(TestTiles.PROVENANCE, TileIndex.readProvenance(dir).orElseThrow());
  }

  @Test
  void embeddingsOfTheWrongShapeAreRefused() throws IOException {
    try (LuceneTileIndex index = open()) {
      TileRecord tile = data.tiles.getFirst();
      var e =
          assertThrows(
              IllegalArgumentException.class,
              () -> index.add(List.of(tile), List.of(new float[32])));
      assertTrue(
          e.getMessage().contains(tile.id()) && e.getMessage().contains("D=64"), e.getMessage());
      float[] notUnit = data.embeddings.getFirst().clone();
      notUnit[0] += 1;
      assertThrows(
          IllegalArgumentException.class, () -> index.add(List.of(tile), List.of(notUnit)));
      assertEquals(0, index.size());
    }
  }

  @Test
  void reAddingUpdatesInsteadOfDuplicating() throws IOException {
    try (LuceneTileIndex index = open()) {
      index.add(data.tiles, data.embeddings);
      index.add(data.tiles, data.embeddings);
      assertEquals(300, index.size());
      TileRecord first = data.tiles.getFirst();
      TileRecord relabelled =
          new TileRecord(
              first.id(),
              first.slideId(),
              first.patientId(),
              first.site(),
              first.stain(),
              first.scanner(),
              "STR",
              "relabelled by a pathologist",
              first.x(),
              first.y(),
              first.mpp(),
              first.source(),
              first.extra());
      index.add(List.of(relabelled), List.of(data.embeddings.getFirst()));
      assertEquals(300, index.size());
      assertEquals(relabelled, index.get(first.id()).orElseThrow());
      assertEquals(
          first.id(), index.search(data.embeddings.getFirst(), 1, TileFilter.ALL).getFirst().id());
    }
  }

  @Test
  void deletingASlideRemovesItsTilesFromMetadataAndVectors() throws IOException {
    try (LuceneTileIndex index = open()) {
      index.add(data.tiles, data.embeddings);
      assertEquals(50, index.deleteSlide("S-2"));
      assertEquals(250, index.size());
      assertEquals(0, index.count(TileFilter.slide("S-2")));
      assertTrue(index.slideEmbeddings("S-2").isEmpty());
      float[] tileOfS2 = data.embeddings.get(100);
      for (SearchHit hit : index.search(tileOfS2, 50, TileFilter.ALL)) {
        assertFalse(hit.tile().slideId().equals("S-2"), hit.id());
      }
      index.expungeDeletes();
      assertEquals(250, index.size());
      assertEquals(50, index.slideEmbeddings("S-3").size());
    }
  }

  @Test
  void forEachTileVisitsEveryLiveTileWithItsRecordAndEmbedding() throws IOException {
    try (LuceneTileIndex index = open()) {
      index.add(data.tiles, data.embeddings);
      index.deleteSlide("S-1");
      Map<String, StoredTile> seen = new TreeMap<>();
      index.forEachTile(
          TileFilter.parse("site:site-3"), tile -> seen.put(tile.record().id(), tile));
      assertEquals(25, seen.size()); // 30 at site-3, 5 of them on the deleted slide
      for (int i = 0; i < data.tiles.size(); i++) {
        TileRecord tile = data.tiles.get(i);
        if (tile.site().equals("site-3") && !tile.slideId().equals("S-1")) {
          assertEquals(tile, seen.get(tile.id()).record());
          Assertions.assertArrayEquals(data.embeddings.get(i), seen.get(tile.id()).embedding());
        }
      }
      int[] all = {0};
      index.forEachTile(TileFilter.ALL, tile -> all[0]++);
      assertEquals(250, all[0]);
    }
  }

  @Test
  void filtersUseLuceneSyntaxOverWholeValues() throws IOException {
    try (LuceneTileIndex index = open()) {
      index.add(data.tiles, data.embeddings);
      assertEquals(30, index.count(TileFilter.parse("site:site-3")));
      assertEquals(30, index.count(TileFilter.parse("site:(site-3 OR site-4) AND label:TUM")));
      assertEquals(30, index.count(TileFilter.parse("site:site-3 AND label:(TUM OR NORM)")));
      assertEquals(25, index.count(TileFilter.parse("site:site-3 AND NOT slide_id:S-0")));
      assertEquals(270, index.count(TileFilter.parse("-site:site-3")));
      assertEquals(270, index.count(TileFilter.parse("NOT site:site-3")));
      assertEquals(6 * 6, index.count(TileFilter.parse("x:[0 TO 1120]")));
      assertEquals(300, index.count(TileFilter.parse("mpp:[0.4 TO 0.6]")));
      assertEquals(0, index.count(TileFilter.parse("site:site")));
      assertEquals(3, index.count(TileFilter.parse("bucket:b7")));
      var bad = assertThrows(IllegalArgumentException.class, () -> TileFilter.parse("site:(A OR"));
      assertTrue(bad.getMessage().contains("site:(A OR"), bad.getMessage());
      var unknown =
          assertThrows(
              IllegalArgumentException.class, () -> index.count(TileFilter.parse("lable:TUM")));
      assertTrue(
          unknown.getMessage().contains("'lable'") && unknown.getMessage().contains("label"),
          unknown.getMessage());
    }
  }

  @Test
  void captionSearchRanksByBm25AndHybridFusesBothRankings() throws IOException {
    List<TileRecord> tiles =
        List.of(
            captioned("a", "crowded atypical glands of adenocarcinoma"),
            captioned("b", "adipose tissue with large empty cells"),
            captioned("c", "smooth muscle bundles"),
            captioned("d", "glands glands and more glands of normal mucosa"));
    float[] east = unit(1, 0);
    float[] north = unit(0, 1);
    List<float[]> vectors = List.of(unit(0.6f, 0.8f), east, unit(0.8f, 0.6f), north);
    try (LuceneTileIndex index =
        TileIndex.open(dir, new IndexProvenance("m", "h", 2), IndexSettings.defaults())) {
      index.add(tiles, vectors);
      assertEquals(List.of("d", "a"), ids(index.searchCaptions("glands", 10, TileFilter.ALL)));
      assertEquals(
          List.of("a"), ids(index.searchCaptions("glands", 10, TileFilter.parse("-id:d"))));
      assertEquals(List.of("b"), ids(index.searchCaptions("\"empty cells\"", 10, TileFilter.ALL)));
      assertEquals(List.of("b"), ids(index.searchCaptions("empty cells:(", 10, TileFilter.ALL)));
      // Vector ranking for east: b, c, a, d; caption ranking for "glands": d, a. Fused:
      // d 1/64 + 1/61 = 0.03202 > a 1/63 + 1/62 = 0.03200 > b 1/61 > c 1/62.
      List<SearchHit> hybrid = index.searchHybrid(east, "glands", 4, TileFilter.ALL);
      assertEquals(List.of("d", "a", "b", "c"), ids(hybrid));
      assertEquals(1f / 64 + 1f / 61, hybrid.getFirst().score(), 1e-6f);
      assertEquals("crowded atypical glands of adenocarcinoma", hybrid.get(1).tile().caption());
    }
  }

  private static TileRecord captioned(String id, String caption) {
    return new TileRecord(
        id, "S", null, null, null, null, null, caption, null, null, null, null, Map.of());
  }

  private static float[] unit(float x, float y) {
    float norm = (float) Math.hypot(x, y);
    return new float[] {x / norm, y / norm};
  }

  private static List<String> ids(List<SearchHit> hits) {
    return hits.stream().map(SearchHit::id).toList();
  }

  @Test
  void searchesDuringAnIngestSeeWholeBatches() throws Exception {
    try (LuceneTileIndex index = open()) {
      Thread writer =
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      index.add(data.tiles, data.embeddings);
                    } catch (IOException e) {
                      throw new UncheckedIOException(e);
                    }
                  });
      while (writer.isAlive()) {
        int size = index.size();
        assertEquals(0, size % 100, "a search saw " + size + " tiles, not whole batches of 100");
        int hits = index.search(data.embeddings.get(7), 10, TileFilter.ALL).size();
        assertTrue(hits == Math.min(10, hits) && hits <= 300);
      }
      writer.join();
      assertEquals(300, index.size());
    }
  }

  @Test
  void aSearchOnlyIndexSeesNewCommitsAfterRefresh() throws IOException {
    try (LuceneTileIndex writer = open()) {
      writer.add(data.tiles.subList(0, 100), data.embeddings.subList(0, 100));
      try (LuceneTileIndex reader =
          TileIndex.openForSearch(dir, TestTiles.PROVENANCE, IndexSettings.defaults())) {
        assertEquals(100, reader.size());
        writer.add(data.tiles.subList(100, 200), data.embeddings.subList(100, 200));
        assertEquals(100, reader.size());
        reader.refresh();
        assertEquals(200, reader.size());
        assertThrows(IllegalStateException.class, () -> reader.deleteSlide("S-0"));
      }
    }
    assertThrows(
        IllegalArgumentException.class,
        () ->
            TileIndex.openForSearch(
                dir.resolve("none"), TestTiles.PROVENANCE, IndexSettings.defaults()));
  }
}
