package org.pathlens.index.opensearch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.index.BaseTileIndexTestCase;
import org.pathlens.index.FacetValue;
import org.pathlens.index.IndexLocation;
import org.pathlens.index.IndexProvenance;
import org.pathlens.index.IndexSettings;
import org.pathlens.index.IndexUnavailableException;
import org.pathlens.index.PartialReads;
import org.pathlens.index.RebuildingIndex;
import org.pathlens.index.SearchHit;
import org.pathlens.index.TestTiles;
import org.pathlens.index.TileFilter;
import org.pathlens.index.TileIndex;
import org.pathlens.index.TileRecord;
import org.pathlens.index.cluster.LocalCluster;

/**
 * The index contract on a real two-node OpenSearch cluster (k-NN plugin, two shards with a replica
 * each), and what only a cluster does: survive a node's death, rebuild through an alias.
 */
class OpenSearchTileIndexTest extends BaseTileIndexTestCase {

  @TempDir static Path tmp;

  private static LocalCluster cluster;
  private static final AtomicInteger NAMES = new AtomicInteger();

  @BeforeAll
  static void startCluster() throws IOException {
    cluster = LocalCluster.start(tmp.resolve("cluster"), 2, 0, "512m", Duration.ofMinutes(3));
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Override
  protected IndexLocation newLocation(String name) {
    return IndexLocation.parse(
        cluster.endpoint() + "/" + name.toLowerCase() + "-" + NAMES.incrementAndGet());
  }

  private static ClusterClient client() {
    return new ClusterClient(cluster.endpoint(), ClusterCredentials.none());
  }

  @Test
  void anHttpUrlIsTheClusterBackend() {
    IndexLocation location = IndexLocation.parse("http://127.0.0.1:9200/tiles");
    assertTrue(location.backend() instanceof OpenSearchBackend);
    assertEquals("http://127.0.0.1:9200/tiles", location.toString());
    assertEquals(
        "http://127.0.0.1:80/tiles", IndexLocation.parse("http://127.0.0.1/tiles/").toString());
    for (String bad :
        List.of("http://127.0.0.1:9200/Tiles", "http://u:p@127.0.0.1:9200/t", "http://h:1/a/b")) {
      assertThrows(IllegalArgumentException.class, () -> IndexLocation.parse(bad), bad);
    }
  }

  @Test
  void anIndexNotOfPathLensIsRefused() throws IOException {
    client().send("PUT", "/foreign", null);
    IllegalStateException foreign =
        assertThrows(
            IllegalStateException.class,
            () ->
                IndexLocation.parse(cluster.endpoint() + "/foreign")
                    .open(TestTiles.PROVENANCE, IndexSettings.defaults()));
    assertTrue(foreign.getMessage().contains("not a PathLens tile index"), foreign.getMessage());
  }

  /**
   * SIGKILL of the data-only node while tiles are being added and searched: the ingest goes on (the
   * surviving node promotes its replicas; refused items are sent again), searches keep answering,
   * and every acknowledged tile is there once the node is back.
   */
  @Test
  void killingANodeMidIngestAndMidSearchLosesNothingAcknowledged() throws Exception {
    int n = 1500;
    TileIndex index =
        newLocation("crash")
            .open(TestTiles.PROVENANCE, IndexSettings.defaults().withCommitSize(100));
    TestTiles more = new TestTiles(n, 64, 11);
    AtomicInteger acknowledged = new AtomicInteger();
    ExecutorService ingest = Executors.newSingleThreadExecutor();
    Future<?> writing =
        ingest.submit(
            () -> {
              for (int start = 0; start < n; start += 100) {
                index.add(
                    more.tiles.subList(start, start + 100),
                    more.embeddings.subList(start, start + 100));
                acknowledged.addAndGet(100);
              }
              return null;
            });
    try {
      while (acknowledged.get() < 300) {
        Thread.sleep(50);
      }
      cluster.kill(1);
      assertTrue(acknowledged.get() < n, "the node died before the ingest was done");
      for (int q = 0; q < 20; q++) {
        List<SearchHit> hits = index.search(more.embeddings.get(q * 7), 10, TileFilter.ALL);
        assertTrue(hits.size() <= 10);
      }
      writing.get();
    } finally {
      ingest.shutdown();
      if (!cluster.isAlive(1)) {
        cluster.restart(1);
      }
      cluster.awaitGreen(Duration.ofMinutes(3));
    }
    assertEquals(n, acknowledged.get());
    assertEquals(n, index.size());
    assertEquals(n, index.records(more.tiles.stream().map(TileRecord::id).toList()).size());
    index.close();
  }

  /**
   * A full rebuild behind the alias: readers keep the old index until the rebuild is finished, a
   * rebuild cut short is resumed rather than started again, the swap is one step, and a reader
   * never follows a swap to an index of another bundle.
   */
  @Test
  void aRebuildIsResumedAndSwappedInThroughTheAlias() throws IOException {
    IndexLocation alias = newLocation("rebuilt");
    String name = alias.toString().substring(alias.toString().lastIndexOf('/') + 1);
    try (TileIndex old = alias.open(TestTiles.PROVENANCE, EXACT_ENOUGH)) {
      old.add(data.tiles, data.embeddings);
    }
    RebuildingIndex rebuild = alias.openRebuild(TestTiles.PROVENANCE, EXACT_ENOUGH);
    rebuild.add(data.tiles.subList(0, 100), data.embeddings.subList(0, 100));
    assertEquals(100, rebuild.size());
    rebuild.close(); // cut short: a resumed rebuild picks it up (a crashed one's lease expires)
    TileIndex reader = alias.openForSearch(TestTiles.PROVENANCE, IndexSettings.defaults());
    assertEquals(300, reader.size()); // readers of the alias still see the old index

    RebuildingIndex resumed = alias.openRebuild(TestTiles.PROVENANCE, EXACT_ENOUGH);
    assertEquals(100, resumed.size()); // the same new index, not a third one
    resumed.add(data.tiles.subList(100, 200), data.embeddings.subList(100, 200));
    assertEquals(cluster.endpoint() + "/" + name + "-000001", resumed.finish().orElseThrow());
    resumed.close();
    assertEquals(300, reader.size()); // a reader keeps the index it opened...
    reader.refresh();
    assertEquals(200, reader.size()); // ...and follows the swap to an index of its bundle
    assertTrue(client().getIfExists("/" + name + "-000001").isPresent(), "the old index is kept");
    assertTrue(client().getIfExists("/_alias/" + name).orElseThrow().has(name + "-000002"));

    IndexProvenance other = new IndexProvenance("other-model", "fedcba9876543210fedc", 64);
    RebuildingIndex foreign = alias.openRebuild(other, EXACT_ENOUGH);
    foreign.add(data.tiles.subList(0, 10), data.embeddings.subList(0, 10));
    assertEquals(cluster.endpoint() + "/" + name + "-000002", foreign.finish().orElseThrow());
    foreign.close();
    IllegalStateException refused = assertThrows(IllegalStateException.class, reader::refresh);
    assertTrue(refused.getMessage().contains("other-model"), refused.getMessage());
    assertEquals(200, reader.size()); // still the index of its own bundle
  }

  /**
   * Without replicas, a node's death leaves shards with no copy: every read is refused as
   * unavailable (never a 200 from the shards left); a read that allows a partial answer gets the
   * living shard's answer, noted as 1 of 2 shards, whose counts are that shard's; and once the node
   * is back the same index answers whole again, without being reopened.
   */
  @Test
  void aReadWithAShardMissingIsRefusedNeverServedPartial() throws Exception {
    ClusterLocation location = (ClusterLocation) newLocation("partial");
    OpenSearchTileIndex index =
        OpenSearchTileIndex.open(
            location,
            client(),
            TestTiles.PROVENANCE,
            EXACT_ENOUGH,
            true,
            new OpenSearchTileIndex.ClusterLayout(2, 0));
    index.add(data.tiles, data.embeddings);
    List<SearchHit> whole = index.search(data.embeddings.get(5), 10, TileFilter.ALL);
    String shards = client().send("GET", "/_cat/shards?format=json", null).toString();
    int onLivingNode = docsOnNode(location.name(), "node-0");
    assertTrue(onLivingNode > 0 && onLivingNode < 300, shards);
    cluster.kill(1);
    try {
      // Until the manager notices, reads may also fail while reaching the dead node: the same
      // refusal.
      List<ThrowingRead> reads =
          List.<ThrowingRead>of(
              () -> index.search(data.embeddings.get(5), 10, TileFilter.ALL),
              () -> index.count(TileFilter.ALL),
              () -> index.facet("site", 10),
              () -> index.searchCaptions("tumor", 10, TileFilter.ALL),
              () -> index.forEachTile(TileFilter.ALL, t -> {}),
              () -> index.similarSlides("S-1", 3));
      for (int i = 0; i < reads.size(); i++) {
        IndexUnavailableException refused =
            assertThrows(
                IndexUnavailableException.class, reads.get(i)::run, "read " + i + " " + shards);
        assertTrue(
            refused.getMessage().contains("partial answer is not served")
                || refused.getMessage().contains("cannot answer"),
            refused.getMessage());
      }

      // Asked for, the partial answer is the living shard's, and says so.
      PartialReads counted = new PartialReads();
      int partialCount =
          awaitPartialRead(() -> index.allowingPartial(counted).count(TileFilter.ALL));
      assertEquals(onLivingNode, partialCount, shards);
      assertEquals(Optional.of(new PartialReads.Shards(1, 2, false)), counted.partial());
      PartialReads faceted = new PartialReads();
      int facetTotal =
          index.allowingPartial(faceted).facet("site", 10).stream()
              .mapToInt(FacetValue::tiles)
              .sum();
      assertEquals(onLivingNode, facetTotal);
      assertEquals(Optional.of(new PartialReads.Shards(1, 2, false)), faceted.partial());
      PartialReads searched = new PartialReads();
      TileIndex partialReader = index.allowingPartial(searched);
      List<SearchHit> some = partialReader.search(data.embeddings.get(5), 10, TileFilter.ALL);
      Set<String> living = new HashSet<>();
      partialReader.forEachTile(TileFilter.ALL, t -> living.add(t.record().id()));
      assertEquals(onLivingNode, living.size());
      assertEquals(10, some.size());
      assertTrue(living.containsAll(ids(some)), "hits come from the shard that answered");
      assertEquals(Optional.of(new PartialReads.Shards(1, 2, false)), searched.partial());
      PartialReads similar = new PartialReads();
      index.allowingPartial(similar).similarSlides(List.of(data.embeddings.get(5)), null, 3);
      assertEquals(Optional.of(new PartialReads.Shards(1, 2, false)), similar.partial());
      // The index itself still refuses: accepting a partial answer is per reader, never global.
      assertThrows(IndexUnavailableException.class, () -> index.count(TileFilter.ALL));
    } finally {
      cluster.restart(1);
      cluster.awaitGreen(Duration.ofMinutes(3));
    }
    assertEquals(300, index.size());
    assertEquals(ids(whole), ids(index.search(data.embeddings.get(5), 10, TileFilter.ALL)));
    PartialReads after = new PartialReads();
    assertEquals(300, index.allowingPartial(after).count(TileFilter.ALL));
    assertEquals(Optional.empty(), after.partial(), "a whole answer is not marked partial");
  }

  /**
   * With a replica of each shard, a node's death costs no answer: every read, refusing or allowing
   * partial answers, equals the healthy cluster's, and none is noted partial.
   */
  @Test
  void withReplicasANodeDownChangesNoAnswer() throws Exception {
    ClusterLocation location = (ClusterLocation) newLocation("replicated");
    OpenSearchTileIndex index =
        OpenSearchTileIndex.open(
            location,
            client(),
            TestTiles.PROVENANCE,
            EXACT_ENOUGH,
            true,
            new OpenSearchTileIndex.ClusterLayout(2, 1));
    index.add(data.tiles, data.embeddings);
    cluster.awaitGreen(Duration.ofMinutes(1));
    List<String> healthy = answers(index);
    cluster.kill(1);
    try {
      assertEquals(healthy, answers(index));
      PartialReads partial = new PartialReads();
      assertEquals(healthy, answers(index.allowingPartial(partial)));
      assertEquals(Optional.empty(), partial.partial());
    } finally {
      cluster.restart(1);
      cluster.awaitGreen(Duration.ofMinutes(3));
    }
    assertEquals(healthy, answers(index));
  }

  /** What the reads of an index answer, as text to compare. */
  private List<String> answers(TileIndex index) throws IOException {
    List<String> answers = new ArrayList<>();
    answers.add(String.valueOf(index.count(TileFilter.ALL)));
    answers.add(index.facet("site", 10).toString());
    answers.add(hitsText(index.search(data.embeddings.get(5), 10, TileFilter.ALL)));
    answers.add(hitsText(index.searchCaptions("tumor", 10, TileFilter.ALL)));
    answers.add(index.similarSlides("S-1", 3).toString());
    Set<String> all = new TreeSet<>();
    index.forEachTile(TileFilter.ALL, t -> all.add(t.record().id()));
    answers.add(String.valueOf(all.size()) + " " + all.hashCode());
    return answers;
  }

  private static String hitsText(List<SearchHit> hits) {
    return hits.stream().map(h -> h.id() + ":" + h.score()).toList().toString();
  }

  /** Documents of {@code index}'s shards on {@code node}, from {@code _cat/shards}. */
  private static int docsOnNode(String index, String node) throws IOException {
    int docs = 0;
    for (JsonNode shard : client().get("/_cat/shards/" + index + "*?format=json&h=node,docs")) {
      if (node.equals(shard.path("node").asText())) {
        docs += shard.path("docs").asInt();
      }
    }
    return docs;
  }

  /**
   * The read's answer once it is a partial one: right after a node dies, a read reaching it may be
   * refused outright (connection refused) until the cluster manager notices.
   */
  private static int awaitPartialRead(ThrowingCount read) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (true) {
      try {
        return read.run();
      } catch (IndexUnavailableException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(500);
      }
    }
  }

  @FunctionalInterface
  private interface ThrowingCount {
    int run() throws Exception;
  }

  @FunctionalInterface
  private interface ThrowingRead {
    void run() throws Exception;
  }

  /**
   * A writer that died leaves its lease behind: it blocks the index until it expires, and is then
   * taken over.
   */
  @Test
  void anExpiredLeaseOfAWriterThatDiedIsTakenOver() throws IOException {
    IndexLocation location = newLocation("stale");
    String name = location.toString().substring(location.toString().lastIndexOf('/') + 1);
    long now = System.currentTimeMillis();
    client()
        .send(
            "PUT",
            "/" + name + "-writer/_create/lease?refresh=true",
            JsonNodeFactory.instance
                .objectNode()
                .put("owner", "pid 1 on a crashed host")
                .put("renewed", now)
                .put("expires", now + 60_000));
    IllegalStateException refused =
        assertThrows(
            IllegalStateException.class, () -> location.open(TestTiles.PROVENANCE, EXACT_ENOUGH));
    assertTrue(refused.getMessage().contains("pid 1 on a crashed host"), refused.getMessage());
    client()
        .send(
            "PUT",
            "/" + name + "-writer/_doc/lease?refresh=true",
            JsonNodeFactory.instance
                .objectNode()
                .put("owner", "pid 1 on a crashed host")
                .put("renewed", now - 120_000)
                .put("expires", now - 60_000));
    try (TileIndex taken = location.open(TestTiles.PROVENANCE, EXACT_ENOUGH)) {
      taken.add(data.tiles.subList(0, 5), data.embeddings.subList(0, 5));
      assertEquals(5, taken.size());
    }
  }

  @Test
  void aFirstRebuildThroughANewAliasReplacesNothing() throws IOException {
    RebuildingIndex first = newLocation("fresh").openRebuild(TestTiles.PROVENANCE, EXACT_ENOUGH);
    first.add(data.tiles.subList(0, 10), data.embeddings.subList(0, 10));
    assertTrue(first.finish().isEmpty());
    assertEquals(10, first.size());
    first.close();
  }
}
