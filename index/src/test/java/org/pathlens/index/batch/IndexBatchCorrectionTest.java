package org.pathlens.index.batch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.encoders.Embeddings;
import org.pathlens.index.IndexCheckReport;
import org.pathlens.index.IndexLocation;
import org.pathlens.index.IndexProvenance;
import org.pathlens.index.IndexSettings;
import org.pathlens.index.SearchHit;
import org.pathlens.index.StoredTile;
import org.pathlens.index.TileFilter;
import org.pathlens.index.TileIndex;
import org.pathlens.index.TileRecord;

/**
 * A batch correction fitted on a real Lucene index: stored with it (file + commit data), applied to
 * its vectors and to tiles added later whose site it knows, never to tiles of an unknown site, and
 * removable back to the raw embeddings.
 */
class IndexBatchCorrectionTest {

  private static final int DIM = 16;
  private static final IndexProvenance PROVENANCE =
      new IndexProvenance("test-model", "0123456789abcdef0123", DIM);

  @TempDir Path dir;

  private final SplittableRandom random = new SplittableRandom(11);
  private final Map<String, float[]> raw = new HashMap<>();

  private TileIndex open() throws IOException {
    return TileIndex.open(dir, PROVENANCE, IndexSettings.defaults().withCommitSize(50));
  }

  /** Unit vectors around a class direction, shifted by a per-site offset (the batch effect). */
  private void add(TileIndex index, String site, int n, String prefix) throws IOException {
    List<TileRecord> tiles = new ArrayList<>();
    List<float[]> embeddings = new ArrayList<>();
    double siteShift = site == null ? 0 : 0.4 * (site.hashCode() % 5);
    for (int i = 0; i < n; i++) {
      float[] v = new float[DIM];
      for (int g = 0; g < DIM; g++) {
        v[g] =
            (float) (random.nextGaussian() * 0.3 + (g == i % 4 ? 1 : 0) + (g == 7 ? siteShift : 0));
      }
      Embeddings.l2Normalize(v);
      String id = prefix + "-" + i;
      tiles.add(
          new TileRecord(
              id,
              "slide-" + prefix,
              null,
              site,
              "HE",
              null,
              "C" + i % 4,
              null,
              null,
              null,
              null,
              "/tiles/" + id + ".png",
              Map.of()));
      embeddings.add(v);
      raw.put(id, v);
    }
    index.add(tiles, embeddings);
  }

  private Map<String, float[]> vectors(TileIndex index) throws IOException {
    Map<String, float[]> out = new HashMap<>();
    index.forEachTile(TileFilter.ALL, t -> out.put(t.record().id(), t.embedding()));
    return out;
  }

  private List<String> correctionFiles() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith(BatchCorrectionFile.PREFIX))
          .sorted()
          .toList();
    }
  }

  @Test
  void aFitIsStoredWithTheIndexAndAppliedToKnownSitesOnly() throws IOException {
    IndexBatchCorrection.Summary summary;
    try (TileIndex index = open()) {
      add(index, "center-a", 30, "a");
      add(index, "center-b", 25, "b");
      add(index, "center-c", 20, "c");
      add(index, "center-tiny", 3, "t");
      add(index, null, 4, "unknown");
      summary =
          IndexBatchCorrection.fit(
              index, "site", new ComBat.Options(ComBat.Method.EMPIRICAL_BAYES, 10));
    }
    assertEquals(Map.of("center-tiny", 3L), summary.skipped());
    assertEquals(4, summary.withoutBatch());
    assertEquals(75, summary.corrected());
    assertEquals(7, summary.uncorrected());
    assertEquals(
        List.of("center-a", "center-b", "center-c"),
        List.copyOf(summary.correction().batches().keySet()));
    assertEquals(1, correctionFiles().size());

    try (TileIndex index = TileIndex.openForSearch(dir, PROVENANCE, IndexSettings.defaults())) {
      BatchCorrection stored = index.batchCorrection().orElseThrow();
      assertArrayEquals(summary.correction().mean(), stored.mean(), 0);
      assertArrayEquals(
          summary.correction().batches().get("center-b").gamma(),
          stored.batches().get("center-b").gamma(),
          0);
      Map<String, float[]> vectors = vectors(index);
      List<StoredTile> rawTiles = new ArrayList<>();
      index.forEachRawTile(TileFilter.ALL, rawTiles::add);
      assertEquals(82, rawTiles.size());
      for (StoredTile t : rawTiles) {
        String id = t.record().id();
        assertArrayEquals(raw.get(id), t.embedding(), 0f, "raw " + id);
        float[] expected =
            stored.covers(t.record().site())
                ? stored.apply(raw.get(id), t.record().site())
                : raw.get(id);
        assertArrayEquals(expected, vectors.get(id), 0f, "vector " + id);
      }
      assertEquals(7, index.count(TileFilter.parse("batch_corrected:false")));
      assertEquals(3, index.count(TileFilter.parse("batch_corrected:false AND site:center-tiny")));
      // Searches rank the corrected vectors: the best hit's score is its cosine with the query.
      float[] query = raw.get("b-3");
      SearchHit best = index.search(query, 1, TileFilter.ALL).getFirst();
      assertEquals(Embeddings.dot(query, vectors.get(best.id())), best.score(), 1e-5f);
    }
  }

  @Test
  void tilesIngestedLaterAreCorrectedWhenTheirSiteWasFittedAndKeptRawOtherwise()
      throws IOException {
    try (TileIndex index = open()) {
      add(index, "center-a", 20, "a");
      add(index, "center-b", 20, "b");
      IndexBatchCorrection.fit(index, "site", ComBat.Options.defaults());
    }
    try (TileIndex index =
        open()) { // a later ingest opens the index again and finds the stored parameters
      BatchCorrection stored = index.batchCorrection().orElseThrow();
      add(index, "center-b", 2, "b-late");
      add(index, "center-new", 2, "new");
      add(index, null, 1, "nosite");
      Map<String, float[]> vectors = vectors(index);
      assertArrayEquals(stored.apply(raw.get("b-late-1"), "center-b"), vectors.get("b-late-1"), 0f);
      assertArrayEquals(raw.get("new-0"), vectors.get("new-0"), 0f);
      assertArrayEquals(raw.get("nosite-0"), vectors.get("nosite-0"), 0f);
      assertEquals(3, index.count(TileFilter.parse("batch_corrected:false")));

      // Refitting starts from the raw embeddings: the new site gets its parameters, old ones barely
      // move.
      IndexBatchCorrection.Summary refit =
          IndexBatchCorrection.fit(
              index, "site", new ComBat.Options(ComBat.Method.EMPIRICAL_BAYES, 2));
      assertTrue(refit.correction().covers("center-new"));
      assertEquals(1, refit.uncorrected());
      assertArrayEquals(
          refit.correction().apply(raw.get("new-0"), "center-new"),
          vectors(index).get("new-0"),
          0f);
      assertEquals(1, correctionFiles().size(), "the earlier fit's file is deleted");
    }
  }

  @Test
  void refittingTheSameTilesGivesTheSameParametersAndRemovingRestoresTheRawEmbeddings()
      throws IOException {
    try (TileIndex index = open()) {
      add(index, "center-a", 15, "a");
      add(index, "center-b", 15, "b");
      BatchCorrection first =
          IndexBatchCorrection.fit(index, "site", ComBat.Options.defaults()).correction();
      String file = correctionFiles().getFirst();
      BatchCorrection second =
          IndexBatchCorrection.fit(index, "site", ComBat.Options.defaults()).correction();
      assertArrayEquals(
          first.batches().get("center-a").gamma(), second.batches().get("center-a").gamma(), 0);
      assertEquals(List.of(file), correctionFiles());

      IndexBatchCorrection.remove(index);
      assertTrue(index.batchCorrection().isEmpty());
      assertEquals(List.of(), correctionFiles());
      vectors(index).forEach((id, v) -> assertArrayEquals(raw.get(id), v, 0f, id));
      assertEquals(0, index.count(TileFilter.parse("batch_corrected:*")));
    }
    try (TileIndex index = open()) {
      assertFalse(index.batchCorrection().isPresent());
    }
  }

  @Test
  void anAlteredOrMissingParameterFileStopsTheIndexFromOpening() throws IOException {
    try (TileIndex index = open()) {
      add(index, "center-a", 12, "a");
      add(index, "center-b", 12, "b");
      IndexBatchCorrection.fit(index, "site", ComBat.Options.defaults());
    }
    Path file = dir.resolve(correctionFiles().getFirst());
    Files.writeString(file, Files.readString(file).replace("\"site\"", "\"scanner\""));
    IllegalStateException altered = assertThrows(IllegalStateException.class, this::open);
    assertTrue(
        altered.getMessage().contains(file.toString()) && altered.getMessage().contains("altered"),
        altered.getMessage());
    // index check names the file, the only problem of an index otherwise whole.
    IndexCheckReport check = IndexLocation.of(dir).check();
    assertFalse(check.ok());
    assertEquals(1, check.problems().size(), check.problems().toString());
    assertTrue(
        check.problems().getFirst().contains(file.toString())
            && check.problems().getFirst().contains("the file was altered"),
        check.problems().toString());
    Files.delete(file);
    IllegalStateException missing =
        assertThrows(
            IllegalStateException.class,
            () -> TileIndex.openForSearch(dir, PROVENANCE, IndexSettings.defaults()));
    assertTrue(missing.getMessage().contains("the file is missing"), missing.getMessage());
  }

  @Test
  void batchesAreNotNamedByTheClassOrAFieldNoTileHas() throws IOException {
    try (TileIndex index = open()) {
      add(index, "center-a", 12, "a");
      IllegalArgumentException label =
          assertThrows(
              IllegalArgumentException.class,
              () -> IndexBatchCorrection.fit(index, "label", ComBat.Options.defaults()));
      assertTrue(
          label.getMessage().contains("would remove what the embeddings should show"),
          label.getMessage());
      IllegalArgumentException none =
          assertThrows(
              IllegalArgumentException.class,
              () -> IndexBatchCorrection.fit(index, "scanner", ComBat.Options.defaults()));
      assertTrue(none.getMessage().contains("has a value for scanner"), none.getMessage());
      IllegalArgumentException one =
          assertThrows(
              IllegalArgumentException.class,
              () -> IndexBatchCorrection.fit(index, "site", ComBat.Options.defaults()));
      assertTrue(one.getMessage().contains("only center-a has"), one.getMessage());
      assertTrue(index.batchCorrection().isEmpty());
    }
  }
}
