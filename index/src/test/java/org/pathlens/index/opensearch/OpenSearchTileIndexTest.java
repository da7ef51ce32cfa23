package org.pathlens.index.opensearch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
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
import org.pathlens.index.IndexCheckReport;
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
   * SIGKILL of the data-only node while tiles are being added and searched: searches keep answering
   * (the surviving node promotes its replicas); the ingest acknowledges nothing while every tile
   * could have only one of its two copies, waits, and goes on once the node is back; every
   * acknowledged tile is there.
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
      Thread.sleep(1000); // a batch whose answer was on its way when the node died
      int beforeTheNodeIsBack = acknowledged.get();
      assertTrue(beforeTheNodeIsBack < n, "the node died before the ingest was done");
      for (int q = 0; q < 20; q++) {
        List<SearchHit> hits = index.search(more.embeddings.get(q * 7), 10, TileFilter.ALL);
        assertTrue(hits.size() <= 10);
      }
      Thread.sleep(5000);
      assertEquals(beforeTheNodeIsBack, acknowledged.get(), "acknowledged with one copy");
      cluster.restart(1);
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
      // Moving a tile needs its old copies found on every shard: with one missing, refused.
      index.writePatience(Duration.ofSeconds(10));
      TileRecord tile = data.tiles.get(7);
      IndexUnavailableException move =
          assertThrows(
              IndexUnavailableException.class,
              () -> index.add(List.of(onSlide(tile, "M-moved")), List.of(data.embeddings.get(7))));
      assertTrue(
          move.getMessage().contains("nothing of them is written")
              || move.getMessage().contains("cannot answer"),
          move.getMessage());
    } finally {
      cluster.restart(1);
      cluster.awaitGreen(Duration.ofMinutes(3));
    }
    assertEquals(300, index.size());
    assertEquals(
        data.tiles.get(7).slideId(), index.get(data.tiles.get(7).id()).orElseThrow().slideId());
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

  /**
   * With replicas 1 and one of the two nodes stopped, no tile can have its two copies: an ingest
   * write is not reported as written; it waits, then is refused naming the cluster's state, and
   * {@code index check} reports the cluster yellow. Once the node is back the same writer goes on.
   */
  @Test
  void aWriteThatTooFewCopiesTookIsRefusedNotReportedWritten() throws Exception {
    ClusterLocation location = (ClusterLocation) newLocation("copies");
    OpenSearchTileIndex index =
        OpenSearchTileIndex.open(
            location,
            client(),
            TestTiles.PROVENANCE,
            EXACT_ENOUGH,
            true,
            new OpenSearchTileIndex.ClusterLayout(2, 1));
    index.add(data.tiles.subList(0, 20), data.embeddings.subList(0, 20));
    index.writePatience(Duration.ofSeconds(15));
    cluster.kill(1);
    try {
      IndexUnavailableException refused =
          assertThrows(
              IndexUnavailableException.class,
              () -> index.add(data.tiles.subList(20, 40), data.embeddings.subList(20, 40)));
      assertTrue(
          refused.getMessage().contains("did not write 20 tiles to every copy the index keeps"),
          refused.getMessage());
      assertTrue(refused.getMessage().contains("cluster health yellow"), refused.getMessage());
      assertFalse(refused.getMessage().contains("\n"), refused.getMessage());
      IndexCheckReport yellow = location.check();
      assertTrue(
          yellow.problems().stream().anyMatch(p -> p.startsWith("cluster health yellow for ")),
          yellow.problems().toString());

      // An operator who accepts one copy says so (PATHLENS_OPENSEARCH_ACTIVE_SHARDS=1): written.
      // (The refused tiles may be there too: a write that reached the primary is not undone.)
      index.writeCopies(WriteCopies.parse("1"));
      index.add(data.tiles.subList(20, 30), data.embeddings.subList(20, 30));
      assertEquals(10, index.records(tileIds(data.tiles.subList(20, 30))).size());
      index.writeCopies(WriteCopies.ALL);
    } finally {
      cluster.restart(1);
      cluster.awaitGreen(Duration.ofMinutes(3));
    }
    index.add(data.tiles.subList(30, 40), data.embeddings.subList(30, 40));
    assertEquals(40, index.size());
    recordSlides(index, "S-0");
    IndexCheckReport green = location.check();
    assertTrue(green.ok(), green.problems().toString());
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

  /**
   * Tiles moving to other slides (so to other routings, mostly other shards) leave one document per
   * id, and so do ids an earlier fault had doubled: copies filed by hand under another routing, one
   * of them under the new slide's own name in {@code slide_id}, so that only the document's routing
   * tells it apart.
   */
  @Test
  void movingTilesBetweenSlidesLeavesOneDocumentPerId() throws IOException {
    IndexLocation location = newLocation("moves");
    String name = name(location);
    List<TileRecord> tiles = data.tiles.subList(0, 100);
    List<float[]> embeddings = data.embeddings.subList(0, 100);
    try (TileIndex index = location.open(TestTiles.PROVENANCE, EXACT_ENOUGH)) {
      index.add(tiles, embeddings);
      List<TileRecord> moved = tiles.stream().map(t -> onSlide(t, "M-" + t.slideId())).toList();
      writeByHand(name, tiles.get(3), "S-stale", "S-stale");
      writeByHand(name, tiles.get(4), "elsewhere", moved.get(4).slideId());
      assertEquals(102, documents(name));
      index.add(moved, embeddings);
      assertEquals(100, documents(name));
      assertEquals(Map.of(), doubledIds(name));
      assertEquals(100, index.size());
      for (TileRecord tile : index.records(moved.stream().map(TileRecord::id).toList()).values()) {
        assertTrue(tile.slideId().startsWith("M-"), tile.toString());
      }
      assertEquals(0, index.count(TileFilter.slide("S-0")));
      assertEquals(50, index.count(TileFilter.slide("M-S-0")));
    }
  }

  private static List<String> tileIds(List<TileRecord> tiles) {
    return tiles.stream().map(TileRecord::id).toList();
  }

  private static String name(IndexLocation location) {
    return location.toString().substring(location.toString().lastIndexOf('/') + 1);
  }

  private static TileRecord onSlide(TileRecord t, String slide) {
    return new TileRecord(
        t.id(),
        slide,
        t.patientId(),
        t.site(),
        t.stain(),
        t.scanner(),
        t.label(),
        t.caption(),
        t.x(),
        t.y(),
        t.mpp(),
        t.source(),
        t.extra());
  }

  /**
   * Writes a copy of {@code tile} straight through the cluster's HTTP API, filed under the first of
   * {@code routing}, {@code routing-1}, ... that puts it on another shard than PathLens's own copy
   * (on the same shard it would overwrite it): what a fault or another writer could leave.
   *
   * @return the routing it was filed under
   */
  private String writeByHand(String index, TileRecord tile, String routing, String slide)
      throws IOException {
    return writeByHand(index, tile, routing, slide, System.currentTimeMillis());
  }

  /** As above, recorded as written at {@code writtenAt} (epoch milliseconds). */
  private String writeByHand(
      String index, TileRecord tile, String routing, String slide, long writtenAt)
      throws IOException {
    int own = shard(index, tile.slideId());
    String other = routing;
    for (int i = 1; shard(index, other) == own; i++) {
      other = routing + "-" + i;
    }
    client()
        .send(
            "PUT",
            "/" + index + "/_doc/" + tile.id() + "?routing=" + other + "&refresh=true",
            OpenSearchDocuments.toDocument(
                onSlide(tile, slide),
                data.embeddings.get(data.tiles.indexOf(tile)),
                null,
                writtenAt));
    return other;
  }

  /** The shard a document routed by {@code routing} goes to. */
  private static int shard(String index, String routing) throws IOException {
    return client()
        .get("/" + index + "/_search_shards?routing=" + routing)
        .path("shards")
        .path(0)
        .path(0)
        .path("shard")
        .asInt();
  }

  /**
   * Ids doubled on purpose, one copy newer than PathLens's and one older: {@code index check} names
   * both; {@code --repair} is refused while a writer holds the lease, then leaves one document per
   * id, the newest.
   */
  @Test
  void checkNamesDoubledIdsAndRepairKeepsTheNewestCopy() throws IOException {
    IndexLocation location = newLocation("doubled");
    String name = name(location);
    try (TileIndex index = location.open(TestTiles.PROVENANCE, EXACT_ENOUGH)) {
      index.add(data.tiles.subList(0, 60), data.embeddings.subList(0, 60));
      recordSlides(index, "S-0", "S-1");
    }
    IndexCheckReport whole = location.check();
    assertTrue(whole.ok(), whole.problems().toString());
    assertTrue(
        whole
            .facts()
            .contains("tiles: 60 documents, 60 ids, 0 of them with more than one document"),
        whole.facts().toString());
    assertTrue(whole.facts().contains("writer: none"), whole.facts().toString());

    TileRecord newer = data.tiles.get(1);
    TileRecord older = data.tiles.get(52);
    writeByHand(name, newer, "S-newer", "S-newer", System.currentTimeMillis() + 60_000);
    writeByHand(name, older, "S-older", "S-older", 1);
    IndexCheckReport doubled = location.check();
    assertTrue(
        doubled
            .facts()
            .contains("tiles: 62 documents, 60 ids, 2 of them with more than one document"),
        doubled.facts().toString());
    assertEquals(2, doubled.problems().size(), doubled.problems().toString());
    for (TileRecord tile : List.of(newer, older)) {
      assertTrue(
          doubled.problems().stream()
              .anyMatch(p -> p.startsWith("tile " + tile.id() + " has 2 documents (filed under")),
          doubled.problems().toString());
    }

    try (TileIndex writer = location.open(TestTiles.PROVENANCE, EXACT_ENOUGH)) {
      IllegalStateException busy = assertThrows(IllegalStateException.class, location::repair);
      assertTrue(busy.getMessage().contains("is being written by"), busy.getMessage());
    }
    assertEquals(62, documents(name));

    IndexCheckReport repaired = location.repair();
    // The newest copy of tile 1 is S-newer's: S-0 keeps 49 of the 50 tiles its record counts.
    assertEquals(
        List.of(
            "slide S-0: its record says 50 tiles, the index holds 49: tiles of another ingest under"
                + " this id; ingest its file again with --replace"),
        repaired.problems());
    assertEquals(
        "repair: deleted 2 stale copies of 2 ids, keeping each id's newest copy (the last"
            + " written)",
        repaired.facts().getFirst());
    assertEquals(60, documents(name));
    assertEquals(Map.of(), doubledIds(name));
    try (TileIndex reader = location.openForSearch(TestTiles.PROVENANCE, EXACT_ENOUGH)) {
      assertEquals("S-newer", reader.get(newer.id()).orElseThrow().slideId());
      assertEquals(older.slideId(), reader.get(older.id()).orElseThrow().slideId());
      assertEquals(60, reader.size());
    }

    // Slide records against the tiles: S-0 and S-1 have theirs (written above), S-9 has no tile (a
    // problem, as on Lucene); S-newer holds a copy of another slide's tile, not a tile cut from it.
    try (TileIndex writer = location.open(TestTiles.PROVENANCE, EXACT_ENOUGH)) {
      writer.slideRecords().write(slideRecord("S-0", Map.of(), 49), null);
      writer.slideRecords().write(slideRecord("S-9", Map.of()), null);
    }
    IndexCheckReport slides = location.check();
    assertEquals(
        List.of("slide S-9: a record (50 tiles ingested) but no tile in the index"),
        slides.problems());
    assertTrue(
        slides
            .facts()
            .contains(
                "slides: 3 records, 2 with tiles; tiles name 1 slides without a record"
                    + " (tile-folder tiles keep none)"),
        slides.facts().toString());
  }

  /** Documents in the index, counted by OpenSearch (not by distinct id). */
  private static long documents(String index) throws IOException {
    return client().get("/" + index + "/_count").path("count").asLong();
  }

  /** Ids with more than one document, and how many each has. */
  private static Map<String, Long> doubledIds(String index) throws IOException {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("size", 0);
    body.putObject("aggs")
        .putObject("ids")
        .putObject("terms")
        .put("field", "id")
        .put("size", 10_000)
        .put("min_doc_count", 2);
    Map<String, Long> doubled = new TreeMap<>();
    for (JsonNode bucket :
        client()
            .send("POST", "/" + index + "/_search", body)
            .path("aggregations")
            .path("ids")
            .path("buckets")) {
      doubled.put(bucket.path("key").asText(), bucket.path("doc_count").asLong());
    }
    return doubled;
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
