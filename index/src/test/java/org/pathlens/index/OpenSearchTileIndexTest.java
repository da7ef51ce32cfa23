package org.pathlens.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.index.opensearch.ClusterClient;
import org.pathlens.index.opensearch.ClusterCredentials;
import org.pathlens.index.opensearch.LocalCluster;

/**
 * The cluster backend against a real two-node OpenSearch cluster (k-NN plugin, 2 shards × 1
 * replica), side by side with the embedded Lucene index and brute force over the same tiles.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OpenSearchTileIndexTest {

  private static final int N = 1500;
  private static final int DIM = 64;

  @TempDir static Path tmp;

  private static LocalCluster cluster;
  private static TestTiles data;
  private static LuceneTileIndex lucene;
  private static OpenSearchTileIndex cluster1;

  /** Candidate lists deep enough that both HNSW searches are exact on 1,500 tiles. */
  private static final IndexSettings EXACT_ENOUGH =
      IndexSettings.defaults().withOversample(10).withCommitSize(500);

  @BeforeAll
  static void startClusterAndIndexBoth() throws IOException {
    cluster = LocalCluster.start(tmp.resolve("cluster"), 2, 0, "512m", Duration.ofMinutes(3));
    data = new TestTiles(N, DIM, 7);
    withCaptions(data);
    lucene = LuceneTileIndex.open(tmp.resolve("lucene"), TestTiles.PROVENANCE, EXACT_ENOUGH);
    lucene.add(data.tiles, data.embeddings);
    cluster1 = open("tiles", EXACT_ENOUGH);
    cluster1.add(data.tiles, data.embeddings);
  }

  @AfterAll
  static void stop() throws IOException {
    if (lucene != null) {
      lucene.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  /** Every fifth tile gets a caption, so BM25 has something to rank. */
  private static void withCaptions(TestTiles data) {
    String[] words = {"tumor", "stroma", "necrosis", "lymphocytes", "mucosa", "fat"};
    for (int i = 0; i < data.tiles.size(); i += 5) {
      TileRecord t = data.tiles.get(i);
      String caption = words[i % 6] + " with " + words[(i / 5) % 6] + " cells";
      data.tiles.set(
          i,
          new TileRecord(
              t.id(),
              t.slideId(),
              t.patientId(),
              t.site(),
              t.stain(),
              t.scanner(),
              t.label(),
              caption,
              t.x(),
              t.y(),
              t.mpp(),
              t.source(),
              t.extra()));
    }
  }

  private static OpenSearchTileIndex open(String name, IndexSettings settings) throws IOException {
    IndexLocation.Cluster location =
        (IndexLocation.Cluster) IndexLocation.parse(cluster.endpoint() + "/" + name);
    return OpenSearchTileIndex.open(
        location,
        new ClusterClient(location.endpoint(), ClusterCredentials.none()),
        TestTiles.PROVENANCE,
        settings,
        true,
        new OpenSearchTileIndex.ClusterLayout(2, 1));
  }

  private static List<float[]> queries(int n, long seed) {
    Random random = new Random(seed);
    List<float[]> queries = new ArrayList<>();
    for (int q = 0; q < n; q++) {
      float[] base = data.embeddings.get(random.nextInt(N)).clone();
      double norm = 0;
      for (int d = 0; d < DIM; d++) {
        base[d] += (float) (random.nextGaussian() * 0.05);
        norm += base[d] * base[d];
      }
      for (int d = 0; d < DIM; d++) {
        base[d] /= (float) Math.sqrt(norm);
      }
      queries.add(base);
    }
    return queries;
  }

  private static List<String> ids(List<SearchHit> hits) {
    return hits.stream().map(SearchHit::id).toList();
  }

  @Test
  @Order(1)
  void everyQueryGetsBruteForcesTopTenAndLucenesScores() throws IOException {
    ExactSearch exact = data.exact(t -> true);
    for (float[] query : queries(40, 1)) {
      List<SearchHit> truth = exact.search(query, 10);
      List<SearchHit> found = cluster1.search(query, 10, TileFilter.ALL);
      assertEquals(ids(truth), ids(found));
      for (int i = 0; i < 10; i++) {
        // The exact cosine of the stored float32 embedding, as brute force computes it.
        assertEquals(truth.get(i).score(), found.get(i).score(), 0f);
      }
      assertEquals(ids(lucene.search(query, 10, TileFilter.ALL)), ids(found));
    }
    assertEquals(N, cluster1.size());
  }

  @Test
  @Order(2)
  void filteredSearchesReturnOnlyMatchingTilesAndTheFilteredTopTen() throws IOException {
    Map<String, Predicate<TileRecord>> filters = new HashMap<>();
    filters.put("site:site-3", t -> t.site().equals("site-3"));
    filters.put("bucket:b7", t -> t.extra().get("bucket").equals("b7"));
    filters.put(
        "label:TUM AND NOT site:site-1",
        t -> t.label().equals("TUM") && !t.site().equals("site-1"));
    filters.put("x:[0 TO 1000]", t -> t.x() <= 1000);
    filters.put("-label:TUM", t -> !t.label().equals("TUM"));
    filters.put(
        "slide_id:S-3 OR slide_id:S-4",
        t -> t.slideId().equals("S-3") || t.slideId().equals("S-4"));
    filters.put("caption:tumor", t -> t.caption() != null && t.caption().contains("tumor"));
    for (Map.Entry<String, Predicate<TileRecord>> entry : filters.entrySet()) {
      TileFilter filter = TileFilter.parse(entry.getKey());
      ExactSearch exact = data.exact(entry.getValue());
      assertEquals(exact.size(), cluster1.count(filter), entry.getKey());
      assertEquals(lucene.count(filter), cluster1.count(filter), entry.getKey());
      for (float[] query : queries(5, 2)) {
        List<SearchHit> found = cluster1.search(query, 10, filter);
        for (SearchHit hit : found) {
          assertTrue(entry.getValue().test(hit.tile()), entry.getKey() + " let in " + hit.id());
        }
        assertEquals(ids(exact.search(query, 10)), ids(found), entry.getKey());
      }
    }
  }

  @Test
  @Order(3)
  void captionsFacetsStoredEmbeddingsAndSimilarSlidesMatchLucene() throws IOException {
    for (String text : List.of("tumor", "stroma cells", "\"necrosis with\"", "fat OR mucosa")) {
      List<SearchHit> expected = lucene.searchCaptions(text, 10, TileFilter.ALL);
      List<SearchHit> found = cluster1.searchCaptions(text, 10, TileFilter.ALL);
      assertEquals(expected.size(), found.size(), text);
      for (int i = 0; i < expected.size(); i++) {
        assertEquals(expected.get(i).score(), found.get(i).score(), 1e-4f, text);
      }
      // Captions repeat, so scores tie; each engine cuts a tie at the candidate limit its own way.
      // The tiles above the last score are the same.
      float last = expected.getLast().score();
      assertEquals(
          expected.stream().filter(h -> h.score() > last + 1e-4f).map(SearchHit::id).toList(),
          found.stream().filter(h -> h.score() > last + 1e-4f).map(SearchHit::id).toList(),
          text);
    }
    assertEquals(lucene.facet("site", 20), cluster1.facet("site", 20));
    assertEquals(lucene.facet("label", 5), cluster1.facet("label", 5));
    assertThrows(IllegalArgumentException.class, () -> cluster1.facet("source", 5));

    List<float[]> expected = lucene.slideEmbeddings("S-2");
    List<float[]> found = cluster1.slideEmbeddings("S-2");
    assertEquals(expected.size(), found.size());
    for (int i = 0; i < expected.size(); i++) {
      assertArrayEquals(expected.get(i), found.get(i)); // bit for bit: classification is the same
    }
    AtomicInteger visited = new AtomicInteger();
    cluster1.forEachTile(TileFilter.parse("site:site-0"), t -> visited.incrementAndGet());
    assertEquals(N / 10, visited.get());
    List<SlideHit> similarExpected = lucene.similarSlides("S-5", 5);
    List<SlideHit> similarFound = cluster1.similarSlides("S-5", 5);
    assertEquals(
        similarExpected.stream().map(SlideHit::slideId).toList(),
        similarFound.stream().map(SlideHit::slideId).toList());
    for (int i = 0; i < similarExpected.size(); i++) {
      // Lucene's score is (1 + cos) / 2 in float, the cluster's the exact dot product: an ulp
      // apart.
      assertEquals(similarExpected.get(i).score(), similarFound.get(i).score(), 1e-6f);
      assertEquals(similarExpected.get(i).matchedTiles(), similarFound.get(i).matchedTiles());
    }
    assertEquals(lucene.get(data.tiles.get(10).id()), cluster1.get(data.tiles.get(10).id()));
  }

  @Test
  @Order(4)
  void aSecondIdenticalIngestAddsNothingAndAMovedTileKeepsOneDocument() throws IOException {
    cluster1.add(data.tiles, data.embeddings);
    assertEquals(N, cluster1.size());
    TileRecord t = data.tiles.get(3);
    TileRecord moved =
        new TileRecord(
            t.id(), "S-moved", null, t.site(), null, null, t.label(), null, t.x(), t.y(), null,
            null, Map.of());
    cluster1.add(List.of(moved), List.of(data.embeddings.get(3)));
    assertEquals(N, cluster1.size()); // routed to another shard, the old copy deleted
    assertEquals(1, cluster1.count(TileFilter.slide("S-moved")));
    cluster1.add(List.of(t), List.of(data.embeddings.get(3)));
    assertEquals(0, cluster1.count(TileFilter.slide("S-moved")));
  }

  @Test
  @Order(5)
  void anIndexOfAnotherBundleOrNotOfPathLensIsRefused() throws IOException {
    IndexLocation.Cluster location =
        (IndexLocation.Cluster) IndexLocation.parse(cluster.endpoint() + "/tiles");
    IndexProvenance other = new IndexProvenance("other-model", "fedcba9876543210fedc", DIM);
    IllegalStateException wrongBundle =
        assertThrows(
            IllegalStateException.class,
            () ->
                OpenSearchTileIndex.open(
                    location,
                    new ClusterClient(location.endpoint(), ClusterCredentials.none()),
                    other,
                    IndexSettings.defaults(),
                    false,
                    OpenSearchTileIndex.ClusterLayout.DEFAULT));
    assertTrue(wrongBundle.getMessage().contains("other-model"), wrongBundle.getMessage());

    ClusterClient client = new ClusterClient(cluster.endpoint(), ClusterCredentials.none());
    client.send("PUT", "/foreign", null);
    IllegalStateException foreign =
        assertThrows(IllegalStateException.class, () -> open("foreign", IndexSettings.defaults()));
    assertTrue(foreign.getMessage().contains("not a PathLens tile index"), foreign.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () ->
            TileIndex.openForSearch(
                IndexLocation.parse(cluster.endpoint() + "/absent"),
                TestTiles.PROVENANCE,
                IndexSettings.defaults()));
  }

  /**
   * SIGKILL of the data-only node while tiles are being added and searched: the ingest goes on (the
   * surviving node promotes its replicas; refused items are sent again), searches keep answering,
   * and every acknowledged tile is there once the node is back.
   */
  @Test
  @Order(6)
  void killingANodeMidIngestAndMidSearchLosesNothingAcknowledged() throws Exception {
    OpenSearchTileIndex index = open("crash", IndexSettings.defaults().withCommitSize(100));
    TestTiles more = new TestTiles(N, DIM, 11);
    AtomicInteger acknowledged = new AtomicInteger();
    ExecutorService ingest = Executors.newSingleThreadExecutor();
    Future<?> writing =
        ingest.submit(
            () -> {
              for (int start = 0; start < N; start += 100) {
                index.add(
                    more.tiles.subList(start, start + 100),
                    more.embeddings.subList(start, start + 100));
                acknowledged.addAndGet(100);
              }
              return null;
            });
    while (acknowledged.get() < 300) {
      Thread.sleep(50);
    }
    cluster.kill(1);
    assertTrue(acknowledged.get() < N, "the node died before the ingest was done");
    int searched = 0;
    for (float[] query : queries(20, 3)) {
      List<SearchHit> hits = index.search(query, 10, TileFilter.ALL);
      assertTrue(hits.size() <= 10);
      searched++;
    }
    writing.get();
    ingest.shutdown();
    assertEquals(20, searched);
    assertEquals(N, acknowledged.get());
    assertEquals(N, index.size());
    cluster.restart(1);
    cluster.awaitGreen(Duration.ofMinutes(3));
    assertEquals(N, index.size());
    assertEquals(N, index.records(more.tiles.stream().map(TileRecord::id).toList()).size());
  }

  /**
   * A full rebuild behind the alias: readers of {@code tiles} keep the old index until the rebuild
   * is finished, a rebuild cut short is resumed rather than started again, and the swap is one
   * step.
   */
  @Test
  @Order(7)
  void aRebuildIsResumedAndSwappedInThroughTheAlias() throws IOException {
    IndexLocation.Cluster alias =
        (IndexLocation.Cluster) IndexLocation.parse(cluster.endpoint() + "/tiles");
    ClusterClient client = new ClusterClient(alias.endpoint(), ClusterCredentials.none());
    OpenSearchTileIndex.ClusterLayout layout = new OpenSearchTileIndex.ClusterLayout(2, 1);
    OpenSearchTileIndex rebuild =
        OpenSearchTileIndex.openRebuild(alias, client, TestTiles.PROVENANCE, EXACT_ENOUGH, layout);
    rebuild.add(data.tiles.subList(0, 500), data.embeddings.subList(0, 500));
    assertEquals(500, rebuild.size());
    assertEquals(N, cluster1.size()); // readers of the alias still see the old index

    TileIndex reader =
        TileIndex.openForSearch(alias, TestTiles.PROVENANCE, IndexSettings.defaults());
    OpenSearchTileIndex resumed =
        OpenSearchTileIndex.openRebuild(alias, client, TestTiles.PROVENANCE, EXACT_ENOUGH, layout);
    assertEquals(500, resumed.size()); // the same new index, not a third one
    resumed.add(data.tiles.subList(500, 1000), data.embeddings.subList(500, 1000));
    assertEquals("tiles-000001", resumed.finishRebuild());
    assertEquals(1000, cluster1.size()); // the alias now reads tiles-000002
    assertEquals(N, reader.size()); // a reader keeps the index it opened...
    reader.refresh();
    assertEquals(1000, reader.size()); // ...and follows the swap to an index of its bundle
    assertTrue(client.getIfExists("/tiles-000001").isPresent(), "the old index is kept");
    assertTrue(client.getIfExists("/_alias/tiles").orElseThrow().has("tiles-000002"));

    // A rebuild with another bundle: a reader of the old one never follows it.
    IndexProvenance other = new IndexProvenance("other-model", "fedcba9876543210fedc", DIM);
    OpenSearchTileIndex foreign =
        OpenSearchTileIndex.openRebuild(alias, client, other, EXACT_ENOUGH, layout);
    foreign.add(data.tiles.subList(0, 10), data.embeddings.subList(0, 10));
    assertEquals("tiles-000002", foreign.finishRebuild());
    IllegalStateException refused = assertThrows(IllegalStateException.class, reader::refresh);
    assertTrue(refused.getMessage().contains("other-model"), refused.getMessage());
    assertEquals(1000, reader.size()); // still the index of its own bundle
  }
}
