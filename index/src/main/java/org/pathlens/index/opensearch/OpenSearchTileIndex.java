package org.pathlens.index.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.pathlens.encoders.Embeddings;
import org.pathlens.index.EmbeddingChecks;
import org.pathlens.index.FacetValue;
import org.pathlens.index.IndexCommitData;
import org.pathlens.index.IndexLocation;
import org.pathlens.index.IndexProvenance;
import org.pathlens.index.IndexSettings;
import org.pathlens.index.IndexUnavailableException;
import org.pathlens.index.IndexWriteException;
import org.pathlens.index.PartialReads;
import org.pathlens.index.Quantization;
import org.pathlens.index.RebuildingIndex;
import org.pathlens.index.SavedClassifiers;
import org.pathlens.index.SearchHit;
import org.pathlens.index.SlideRecords;
import org.pathlens.index.SlideVectors;
import org.pathlens.index.StoredTile;
import org.pathlens.index.TileFields;
import org.pathlens.index.TileFilter;
import org.pathlens.index.TileIndex;
import org.pathlens.index.TileRecord;
import org.pathlens.index.batch.BatchCorrection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A tile index on an OpenSearch cluster (k-NN plugin, Lucene engine): the same documents, filters
 * and rankings as {@link LuceneTileIndex}, for collections past one machine.
 *
 * <ul>
 *   <li><b>Ids and routing.</b> A tile's document id is its PathLens id ({@link TileIds}:
 *       deterministic), routed by slide so that a slide's tiles share a shard. Re-adding a tile
 *       overwrites it: a second identical ingest adds nothing, and an ingest cut short resumes
 *       where it stopped (it skips the tiles the index already holds, as on Lucene).
 *   <li><b>Durability.</b> {@link #add} returns once every tile is in the translog of every copy
 *       the index is configured for ({@code wait_for_active_shards=all}, and each item's {@code
 *       _shards} checked: OpenSearch acknowledges a write whose replica failed) and refreshed into
 *       searches ({@code refresh=wait_for}). Tiles that reached too few copies are sent again for
 *       {@link #WRITE_PATIENCE}, then refused naming the cluster's health; tiles refused with 429
 *       or a 5xx (a node gone, a shard relocating) are sent again with backoff; a tile refused for
 *       good fails the call naming the tile. {@link WriteCopies} says what an operator may lower.
 *   <li><b>Scores.</b> The kNN query collects {@link IndexSettings#candidates} per query under the
 *       filter (a true pre-filter: Lucene's filtered HNSW search on each shard); the candidates are
 *       then scored exactly, as the dot product of the query with each tile's stored float32
 *       embedding, and ranked by {@link SearchHit#RANKING}. An int8 ({@code sq}) index is so
 *       rescored at full precision, like the Lucene backend's.
 *   <li><b>Provenance.</b> The bundle, engine check and graph shape are recorded in the mapping's
 *       {@code _meta.pathlens}, and checked on open as Lucene's commit data is: an index another
 *       bundle, another engine or no PathLens made is refused.
 *   <li><b>Alias.</b> A new index {@code NAME} is created as {@code NAME-000001} behind an alias
 *       {@code NAME}, so a full rebuild can be written beside it and swapped in atomically.
 * </ul>
 */
final class OpenSearchTileIndex implements RebuildingIndex {

  private static final Logger LOG = LoggerFactory.getLogger(OpenSearchTileIndex.class);
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /**
   * OpenSearch scores BM25 with Lucene's {@code LegacyBM25Similarity}, which keeps the constant
   * factor {@code k1 + 1} (k1 = 1.2) that Lucene 8 dropped: dividing by it gives Lucene's scores,
   * so caption and hybrid scores read the same on both backends. The ranking is unchanged either
   * way.
   */
  static final double LEGACY_BM25_SCALE = 1.2 + 1;

  /** Tiles read per page when visiting an index ({@link #forEachTile}). */
  static final int PAGE = 1000;

  /** Ids looked up per request ({@link #records}). */
  static final int IDS_PER_REQUEST = 1000;

  private final ClusterLocation location;
  private final ClusterClient client;

  /**
   * Where requests go: the alias for writers; for readers, the index behind it when opened, so that
   * an alias swapped to another bundle's index is never searched ({@link #refresh}).
   */
  private volatile String path;

  /** For a rebuild: the index the alias points at until {@link #finishRebuild}; else null. */
  private final String replaces;

  private final IndexProvenance provenance;
  private final IndexSettings settings;
  private final boolean writable;

  private OpenSearchTileIndex(
      ClusterLocation location,
      ClusterClient client,
      IndexProvenance provenance,
      IndexSettings settings,
      boolean writable) {
    this(location, location.name(), null, client, provenance, settings, writable);
  }

  /**
   * @param target the index or alias requests go to
   * @param replaces for a rebuild, the index the alias points at until it is finished
   */
  private OpenSearchTileIndex(
      ClusterLocation location,
      String target,
      String replaces,
      ClusterClient client,
      IndexProvenance provenance,
      IndexSettings settings,
      boolean writable) {
    this.location = location;
    this.client = client;
    this.path = "/" + target;
    this.replaces = replaces;
    this.provenance = provenance;
    this.settings = settings;
    this.writable = writable;
  }

  /**
   * Opens (for writing: creating if absent) the index at {@code location}, with credentials from
   * the environment ({@link ClusterCredentials}).
   */
  static OpenSearchTileIndex open(
      ClusterLocation location,
      IndexProvenance provenance,
      IndexSettings settings,
      boolean forWriting)
      throws IOException {
    return open(
        location,
        new ClusterClient(location.endpoint(), ClusterCredentials.fromEnvironment()),
        provenance,
        settings,
        forWriting,
        ClusterLayout.DEFAULT);
  }

  /**
   * Shards and replicas of a new index; {@code 0} shards means one per data node, and {@code -1}
   * replicas means one where there is a second node, else none.
   */
  public record ClusterLayout(int shards, int replicas) {
    public static final ClusterLayout DEFAULT = new ClusterLayout(0, -1);
  }

  /** As above, with the client and the layout of a new index given. */
  public static OpenSearchTileIndex open(
      ClusterLocation location,
      ClusterClient client,
      IndexProvenance provenance,
      IndexSettings settings,
      boolean forWriting,
      ClusterLayout layout)
      throws IOException {
    Optional<JsonNode> mappings = client.getIfExists("/" + location.name() + "/_mapping");
    if (mappings.isEmpty()) {
      if (!forWriting) {
        throw new IllegalArgumentException("no tile index at " + location);
      }
      create(location, client, provenance, settings, layout);
      return new OpenSearchTileIndex(location, client, provenance, settings, true);
    }
    if (mappings.get().size() != 1) {
      throw new IllegalStateException(
          "alias "
              + location
              + " points at "
              + mappings.get().size()
              + " indexes: PathLens reads one index (point the alias at one)");
    }
    Map<String, String> recorded = recorded(mappings.get().elements().next());
    if (recorded.isEmpty()) {
      throw new IllegalStateException(
          "index "
              + location
              + " is not a PathLens tile index (its mapping records no bundle in"
              + " _meta.pathlens): ingest into a new index name");
    }
    IndexCommitData.checkProvenance(location, recorded, provenance, forWriting);
    IndexSettings effective = IndexCommitData.graph(recorded, settings);
    if (forWriting) {
      Map<String, String> updated = IndexCommitData.forWriting(recorded, provenance, effective);
      if (!updated.equals(recorded)) {
        ObjectNode body = NODES.objectNode();
        ObjectNode pathlens = body.putObject("_meta").putObject("pathlens");
        updated.forEach(pathlens::put);
        client.send("PUT", "/" + location.name() + "/_mapping", body);
      }
      return new OpenSearchTileIndex(location, client, provenance, effective, true);
    }
    IndexProvenance actual = IndexProvenance.fromUserData(recorded, location);
    String concrete = mappings.get().properties().iterator().next().getKey();
    return new OpenSearchTileIndex(location, concrete, null, client, actual, effective, false);
  }

  /** The bundle recorded in the index or alias at {@code location}, if there is one. */
  static Optional<IndexProvenance> readProvenance(ClusterLocation location) throws IOException {
    ClusterClient client =
        new ClusterClient(location.endpoint(), ClusterCredentials.fromEnvironment());
    Optional<JsonNode> mappings = client.getIfExists("/" + location.name() + "/_mapping");
    if (mappings.isEmpty() || mappings.get().size() != 1) {
      return Optional.empty();
    }
    return Optional.ofNullable(
        IndexProvenance.fromUserData(recorded(mappings.get().elements().next()), location));
  }

  /**
   * What an index records in {@code _meta.pathlens}, from its entry in a {@code _mapping} answer.
   */
  private static Map<String, String> recorded(JsonNode indexMapping) {
    Map<String, String> recorded = new HashMap<>();
    indexMapping
        .path("mappings")
        .path("_meta")
        .path("pathlens")
        .properties()
        .forEach(e -> recorded.put(e.getKey(), e.getValue().asText()));
    return recorded;
  }

  private static void create(
      ClusterLocation location,
      ClusterClient client,
      IndexProvenance provenance,
      IndexSettings settings,
      ClusterLayout layout)
      throws IOException {
    createConcrete(
        location.name() + "-000001", location.name(), client, provenance, settings, layout);
  }

  /** Creates index {@code concrete}, behind {@code alias} (null: behind none, for a rebuild). */
  private static void createConcrete(
      String concrete,
      String alias,
      ClusterClient client,
      IndexProvenance provenance,
      IndexSettings settings,
      ClusterLayout layout)
      throws IOException {
    int dataNodes = client.get("/_cluster/health").path("number_of_data_nodes").asInt(1);
    int shards = layout.shards() > 0 ? layout.shards() : Math.max(1, dataNodes);
    int replicas = layout.replicas() >= 0 ? layout.replicas() : Math.min(1, dataNodes - 1);
    Map<String, String> meta = IndexCommitData.forWriting(Map.of(), provenance, settings);
    ObjectNode body =
        OpenSearchDocuments.createBody(provenance.embeddingDim(), settings, shards, replicas, meta);
    if (alias != null) {
      body.putObject("aliases").putObject(alias);
    }
    client.send("PUT", "/" + concrete + "?wait_for_active_shards=all", body);
  }

  private static final Pattern GENERATION = Pattern.compile("(.+)-(\\d{6})");

  /**
   * {@link #openRebuild(ClusterLocation, ClusterClient, IndexProvenance, IndexSettings,
   * ClusterLayout)} with credentials from the environment and the default layout.
   */
  public static OpenSearchTileIndex openRebuild(
      ClusterLocation location, IndexProvenance provenance, IndexSettings settings)
      throws IOException {
    return openRebuild(
        location,
        new ClusterClient(location.endpoint(), ClusterCredentials.fromEnvironment()),
        provenance,
        settings,
        ClusterLayout.DEFAULT);
  }

  /**
   * Opens a full rebuild of the alias at {@code location} ({@code ingest --rebuild}): a new index
   * {@code NAME-00000N+1} beside the one the alias points at. This object writes and reads the new
   * index while every reader of {@code NAME} keeps the old one, until {@link #finishRebuild} points
   * the alias at the new index in one atomic request. A rebuild cut short is resumed, not started
   * again: a {@code NAME-*} index newer than the alias's, and not behind it, is that rebuild.
   */
  public static OpenSearchTileIndex openRebuild(
      ClusterLocation location,
      ClusterClient client,
      IndexProvenance provenance,
      IndexSettings settings,
      ClusterLayout layout)
      throws IOException {
    String alias = location.name();
    Optional<JsonNode> behind = client.getIfExists("/_alias/" + alias);
    if (behind.isEmpty()) {
      if (client.getIfExists("/" + alias).isPresent()) {
        throw new IllegalArgumentException(
            "--rebuild needs "
                + location
                + " to be an alias (as every index PathLens creates is): it is an index");
      }
      return open(location, client, provenance, settings, true, layout); // nothing to replace yet
    }
    if (behind.get().size() != 1) {
      throw new IllegalStateException(
          "alias " + location + " points at " + behind.get().size() + " indexes: point it at one");
    }
    String current = behind.get().properties().iterator().next().getKey();
    Matcher generation = GENERATION.matcher(current);
    int number = generation.matches() ? Integer.parseInt(generation.group(2)) : 0;
    String next = null;
    for (JsonNode index : client.get("/_cat/indices/" + alias + "-*?format=json&h=index")) {
      Matcher other = GENERATION.matcher(index.path("index").asText());
      if (other.matches()
          && other.group(1).equals(alias)
          && Integer.parseInt(other.group(2)) > number) {
        next = other.group(0); // an unfinished rebuild: resume it
        number = Integer.parseInt(other.group(2));
      }
    }
    if (next == null) {
      // A new index: this run's bundle and graph settings, whatever the old one was built with.
      next = String.format(Locale.ROOT, "%s-%06d", alias, number + 1);
      createConcrete(next, null, client, provenance, settings, layout);
    }
    OpenSearchTileIndex target =
        open(location.withName(next), client, provenance, settings, true, layout);
    return new OpenSearchTileIndex(
        location, next, current, client, provenance, target.settings(), true);
  }

  /**
   * Points the alias at the rebuilt index, in one request (readers see the old index or the new,
   * never a mix), and returns the index it replaced, which is kept: delete it once the new one is
   * trusted ({@code DELETE /NAME-00000N}). A first build through the alias replaces nothing.
   */
  @Override
  public Optional<String> finish() throws IOException {
    if (replaces == null) {
      return Optional.empty();
    }
    ObjectNode body = NODES.objectNode();
    ArrayNode actions = body.putArray("actions");
    actions.addObject().putObject("remove").put("index", replaces).put("alias", location.name());
    actions
        .addObject()
        .putObject("add")
        .put("index", path.substring(1))
        .put("alias", location.name());
    client.send("POST", "/_aliases", body);
    return Optional.of(location.withName(replaces).toString());
  }

  @Override
  public IndexLocation location() {
    return location;
  }

  /**
   * A reader of the same index (the one behind the alias now) whose reads accept a partial answer
   * and note it in {@code partial}: for one request, so the notes are that request's alone.
   */
  @Override
  public TileIndex allowingPartial(PartialReads partial) {
    OpenSearchTileIndex view =
        new OpenSearchTileIndex(
            location,
            path.substring(1),
            null,
            client.allowingPartial(partial),
            provenance,
            settings,
            false);
    view.mappedFields = mappedFields;
    return view;
  }

  /** The cluster and index name. */
  ClusterLocation cluster() {
    return location;
  }

  @Override
  public SlideRecords slideRecords() {
    return new ClusterSlideRecords(this);
  }

  @Override
  public SavedClassifiers classifiers() {
    return new ClusterClassifiers(this);
  }

  @Override
  public SlideVectors slideVectors() {
    return new ClusterSlideVectors(this);
  }

  /** The client this index talks to the cluster with. */
  ClusterClient client() {
    return client;
  }

  @Override
  public IndexProvenance provenance() {
    return provenance;
  }

  @Override
  public IndexSettings settings() {
    return settings;
  }

  @Override
  public void add(List<TileRecord> tiles, List<float[]> embeddings, List<float[]> features)
      throws IOException {
    requireLease();
    requireWritable("add tiles");
    if (tiles.size() != embeddings.size()) {
      throw new IllegalArgumentException(
          tiles.size() + " tiles but " + embeddings.size() + " embeddings");
    }
    for (int i = 0; i < tiles.size(); i++) {
      EmbeddingChecks.check(provenance, location, tiles.get(i).id(), embeddings.get(i));
    }
    EmbeddingChecks.checkFeatures(tiles.size(), features, i -> tiles.get(i).id());
    if (features != null && features.stream().anyMatch(f -> f != null)) {
      requireFeatureMapping();
    }
    for (int start = 0; start < tiles.size(); start += settings.commitSize()) {
      int end = Math.min(tiles.size(), start + settings.commitSize());
      bulk(
          tiles.subList(start, end),
          embeddings.subList(start, end),
          features == null ? null : features.subList(start, end));
    }
  }

  /**
   * Maps the stored feature field in an index made before it existed: unmapped, the dynamic
   * template would take its bytes for a keyword. Adding a field to a mapping is allowed on a live
   * index and a no-op when it is there.
   */
  private void requireFeatureMapping() throws IOException {
    if (featureMapped) {
      return;
    }
    ObjectNode body = NODES.objectNode();
    body.putObject("properties")
        .set(OpenSearchDocuments.FEATURE_F32, OpenSearchDocuments.featureMapping());
    client.send("PUT", path + "/_mapping", body);
    featureMapped = true;
  }

  /**
   * Writes one batch. A tile already in the index under another slide lives on that slide's shard:
   * every such copy is deleted first, by id across all shards ({@link #deleteCopiesElsewhere}), so
   * an id never has two documents.
   */
  private void bulk(List<TileRecord> tiles, List<float[]> embeddings, List<float[]> features)
      throws IOException {
    deleteCopiesElsewhere(tiles);
    long writtenAt = System.currentTimeMillis();
    Map<String, String> actions = new LinkedHashMap<>(); // key: what the answer's item refers to
    for (int i = 0; i < tiles.size(); i++) {
      TileRecord tile = tiles.get(i);
      actions.put(
          "index " + tile.id(),
          action("index", tile.id(), tile.slideId())
              + "\n"
              + OpenSearchDocuments.toDocument(
                      tile, embeddings.get(i), features == null ? null : features.get(i), writtenAt)
                  .toString()
              + "\n");
    }
    int copies = configuredCopies(false);
    long deadline = System.nanoTime() + writePatience.toNanos();
    boolean waited = false;
    for (int attempt = 0; ; attempt++) {
      JsonNode answer =
          client.bulk(
              path
                  + "/_bulk?refresh=wait_for&wait_for_active_shards="
                  + writeCopies.parameter(copies)
                  + "&timeout="
                  + COPY_TIMEOUT_SECONDS
                  + "s",
              String.join("", actions.values()));
      Map<String, String> retry = new LinkedHashMap<>();
      String shortfall = null; // the first tile written to fewer copies than required, in words
      for (JsonNode item : answer.path("items")) {
        Map.Entry<String, JsonNode> only = item.properties().iterator().next();
        JsonNode result = only.getValue();
        int status = result.path("status").asInt();
        String key = only.getKey() + " " + result.path("_id").asText();
        if (status < 300) {
          JsonNode shards = result.path("_shards");
          int reached = shards.path("successful").asInt(copies);
          if (shards.path("failed").asInt(0) > 0 || reached < writeCopies.required(copies)) {
            // Acknowledged by OpenSearch, but a copy failed or was missing: sent again, since
            // re-indexing an id is idempotent, until every required copy has it.
            retry.put(key, actions.get(key));
            shortfall =
                shortfall != null
                    ? shortfall
                    : "tile "
                        + result.path("_id").asText()
                        + " reached "
                        + reached
                        + " of "
                        + copies
                        + " copies";
          } else if (reached < copies) {
            warnFewerCopies(reached, copies);
          }
          continue;
        }
        if (status == 503) { // unavailable_shards_exception: too few copies active in time
          retry.put(key, actions.get(key));
          shortfall =
              shortfall != null
                  ? shortfall
                  : "tile "
                      + result.path("_id").asText()
                      + ": "
                      + result.path("error").path("reason").asText();
          continue;
        }
        if ((status == 429 || status >= 500) && attempt < ClusterClient.MAX_RETRIES) {
          retry.put(key, actions.get(key));
          continue;
        }
        throw new IndexWriteException(
            "cannot write tile "
                + result.path("_id").asText()
                + " to "
                + location
                + " (HTTP "
                + status
                + "): "
                + result.path("error").path("type").asText()
                + ": "
                + result.path("error").path("reason").asText()
                + "; the tiles acknowledged so far are kept, and running the command again goes on"
                + " from them",
            null);
      }
      if (retry.isEmpty()) {
        return;
      }
      if (shortfall != null) {
        if (System.nanoTime() > deadline) {
          throw tooFewCopies(retry.size(), shortfall);
        }
        if (!waited) {
          waited = true;
          LOG.warn(
              "pathlens: {}: {} ({}); waiting up to {} s for every copy before going on",
              location,
              shortfall,
              clusterState(),
              writePatience.toSeconds());
        }
        copies = configuredCopies(true); // the replicas may have been changed meanwhile
      }
      ClusterClient.backOff(attempt);
      actions = retry;
    }
  }

  /** Seconds a bulk request waits for the copies it needs before its items fail with 503. */
  static final int COPY_TIMEOUT_SECONDS = 10;

  /**
   * How long a batch is sent again while too few copies of a shard are active (a node down or
   * restarting) before the write is refused: a restarted node rejoins in well under this.
   */
  static final Duration WRITE_PATIENCE = Duration.ofMinutes(2);

  private volatile Duration writePatience = WRITE_PATIENCE;

  /** For tests: how long a write waits for missing copies before it is refused. */
  void writePatience(Duration patience) {
    this.writePatience = patience;
  }

  private volatile WriteCopies writeCopies = WriteCopies.fromEnvironment();

  /** For tests: the copies a write must reach, as {@link WriteCopies#VARIABLE} sets them. */
  void writeCopies(WriteCopies copies) {
    this.writeCopies = copies;
  }

  /** Copies of each shard the index is configured for (1 + replicas); 0 until first read. */
  private volatile int configuredCopies;

  private int configuredCopies(boolean again) throws IOException {
    if (configuredCopies == 0 || again) {
      JsonNode index = client.get(path + "/_settings").elements().next();
      configuredCopies =
          1 + index.path("settings").path("index").path("number_of_replicas").asInt(0);
    }
    return configuredCopies;
  }

  private volatile boolean warnedFewerCopies;

  /** Whether {@link OpenSearchDocuments#FEATURE_F32} is known to be mapped. */
  private volatile boolean featureMapped;

  /** Once per writer: tiles written with fewer copies than configured, as the operator allowed. */
  private void warnFewerCopies(int reached, int copies) {
    if (!warnedFewerCopies) {
      warnedFewerCopies = true;
      LOG.warn(
          "pathlens: {}: tiles are written to {} of the {} copies the index keeps, as {}={}"
              + " allows: the cluster is yellow ({}); they get their other copies once the"
              + " missing ones are assigned",
          location,
          reached,
          copies,
          WriteCopies.VARIABLE,
          writeCopies,
          clusterState());
    }
  }

  /** The refusal of a batch that too few copies took for {@link #writePatience}. */
  private IndexUnavailableException tooFewCopies(int tiles, String first) {
    return new IndexUnavailableException(
        "OpenSearch at "
            + location
            + " did not write "
            + tiles
            + " tiles to every copy the index keeps within "
            + writePatience.toSeconds()
            + " s ("
            + first
            + "; "
            + clusterState()
            + "): they are not reported as written; bring the missing node back (GET "
            + location.endpoint()
            + "/_cluster/allocation/explain says why a copy is unassigned) and run the command"
            + " again, it goes on from the tiles written so far (or set "
            + WriteCopies.VARIABLE
            + " to the copies you accept)");
  }

  /** The cluster's health for this index, in words, for warnings and refusals. */
  private String clusterState() {
    try {
      JsonNode health = client.get("/_cluster/health/" + path.substring(1));
      return "cluster health "
          + health.path("status").asText()
          + ", "
          + health.path("number_of_nodes").asInt()
          + " nodes, "
          + health.path("unassigned_shards").asInt()
          + " shard copies unassigned";
    } catch (IOException | RuntimeException e) {
      return "cluster health unknown: " + e.getMessage();
    }
  }

  private static String action(String type, String id, String routing) {
    ObjectNode meta = NODES.objectNode();
    ObjectNode of = meta.putObject(type);
    of.put("_id", id);
    if (routing != null) {
      of.put("routing", routing);
    }
    return meta.toString();
  }

  /**
   * Deletes every document of the batch's ids that is not where the batch writes it: routed by
   * another slide (the tile moved, or an earlier fault doubled it), or routed at all for a tile
   * without a slide. One {@code _delete_by_query} on {@code _id}, without routing, so every shard
   * is searched, whatever slide the old copy was filed under; the records' own slide fields are not
   * trusted to find it. A delete that could not search every shard refuses the write: a copy on the
   * shard it missed would stay beside the new one. Run before the bulk write, a crash in between
   * leaves a moved tile absent (the resumed ingest writes it), never doubled.
   *
   * @throws IndexUnavailableException when a shard could not be searched
   */
  private void deleteCopiesElsewhere(List<TileRecord> tiles) throws IOException {
    Map<String, List<String>> idsBySlide = new LinkedHashMap<>();
    List<String> unrouted = new ArrayList<>();
    for (TileRecord tile : tiles) {
      if (tile.slideId() == null) {
        unrouted.add(tile.id());
      } else {
        idsBySlide.computeIfAbsent(tile.slideId(), s -> new ArrayList<>()).add(tile.id());
      }
    }
    ObjectNode body = NODES.objectNode();
    ObjectNode bool = body.putObject("query").putObject("bool");
    bool.put("minimum_should_match", 1);
    ArrayNode should = bool.putArray("should");
    idsBySlide.forEach(
        (slide, ids) -> {
          ObjectNode elsewhere = should.addObject().putObject("bool");
          ArrayNode values =
              elsewhere.putArray("filter").addObject().putObject("terms").putArray("_id");
          ids.forEach(values::add);
          elsewhere.putArray("must_not").addObject().putObject("term").put("_routing", slide);
        });
    if (!unrouted.isEmpty()) {
      // Written without routing: a copy filed under a slide (which PathLens routes by) is stale.
      ObjectNode elsewhere = should.addObject().putObject("bool");
      ArrayNode filter = elsewhere.putArray("filter");
      ArrayNode values = filter.addObject().putObject("terms").putArray("_id");
      unrouted.forEach(values::add);
      filter.addObject().putObject("exists").put("field", TileFields.SLIDE_ID);
    }
    // refresh=true refreshes only when something was deleted: then searches stop seeing it.
    JsonNode answer =
        client.send(
            "POST",
            path
                + "/_delete_by_query?refresh=true&wait_for_active_shards="
                + writeCopies.parameter(configuredCopies(false))
                + "&timeout="
                + COPY_TIMEOUT_SECONDS
                + "s",
            body);
    if (answer.path("timed_out").asBoolean(false) || !answer.path("failures").isEmpty()) {
      throw new IndexUnavailableException(
          "OpenSearch at "
              + location
              + " could not look for other copies of "
              + tiles.size()
              + " tiles on every shard ("
              + failure(answer.path("failures").path(0))
              + "): nothing of them is written, so no id gets two documents; retry once "
              + location.endpoint()
              + "/_cluster/health says green or yellow");
    }
  }

  /** One failure of a {@code _delete_by_query} answer (a shard's, or a document's), in a line. */
  static String failure(JsonNode failure) {
    JsonNode reason = failure.has("reason") ? failure.path("reason") : failure.path("cause");
    if (reason.isTextual()) {
      return reason.asText();
    }
    return reason.path("type").asText("timed out") + ": " + reason.path("reason").asText();
  }

  @Override
  public Optional<BatchCorrection> batchCorrection() {
    return Optional.empty();
  }

  @Override
  public int deleteSlide(String slideId) throws IOException {
    requireLease();
    requireWritable("delete a slide");
    ObjectNode body = NODES.objectNode();
    body.set("query", term(TileFields.SLIDE_ID, slideId));
    JsonNode answer =
        client.send(
            "POST",
            path
                + "/_delete_by_query?refresh=true&conflicts=proceed&routing="
                + URLEncoder.encode(slideId, StandardCharsets.UTF_8),
            body);
    slideVectors().delete(slideId); // a slide vector never outlives its tiles
    return answer.path("deleted").asInt();
  }

  @Override
  public void refresh() throws IOException {
    // Searches see every acknowledged write (add() waits for OpenSearch's refresh). What can change
    // is the index behind the alias (a finished rebuild): a reader follows it only to an index of
    // its own bundle and engine, else it keeps the one it has and says why, once per call.
    if (writable) {
      return;
    }
    JsonNode mappings = client.get("/" + location.name() + "/_mapping");
    if (mappings.size() != 1) {
      throw new IllegalStateException(
          "alias " + location + " points at " + mappings.size() + " indexes: not followed");
    }
    Map.Entry<String, JsonNode> only = mappings.properties().iterator().next();
    if (path.equals("/" + only.getKey())) {
      return;
    }
    Map<String, String> recorded = recorded(only.getValue());
    if (recorded.isEmpty()) {
      throw new IllegalStateException(
          "alias " + location + " now points at " + only.getKey() + ", not a PathLens index");
    }
    IndexCommitData.checkProvenance(
        location + " (now " + only.getKey() + ")", recorded, provenance, true);
    path = "/" + only.getKey();
  }

  /** Fields of the index's mapping, as last read: what a filter may name. */
  private volatile Set<String> mappedFields = Set.of();

  /** This writer's lease on the index ({@link ClusterWriterLease}); null for a reader. */
  private volatile ClusterWriterLease lease;

  /** Makes {@code lease} this writer's: checked before each write, released on close. */
  void holdLease(ClusterWriterLease lease) {
    this.lease = lease;
  }

  private void requireLease() {
    ClusterWriterLease held = lease;
    if (held != null) {
      held.requireHeld();
    }
  }

  /**
   * {@code filter} as an OpenSearch query, refused (as the embedded index refuses it) when it names
   * a field the mapping lacks. The mapping is read again before refusing: another ingest may have
   * added a manifest column since.
   */
  private ObjectNode filterQuery(TileFilter filter) throws IOException {
    if (!mappedFields.containsAll(filter.fields())) {
      mappedFields = readMappedFields();
      filter.requireKnownFields(mappedFields);
    }
    return OpenSearchFilter.toQuery(filter.luceneQuery());
  }

  private Set<String> readMappedFields() throws IOException {
    Set<String> fields = new TreeSet<>();
    for (JsonNode index : client.get(path + "/_mapping")) {
      index.path("mappings").path("properties").fieldNames().forEachRemaining(fields::add);
    }
    return fields;
  }

  @Override
  public List<String> extraFields() throws IOException {
    Set<String> fields = readMappedFields();
    mappedFields = fields;
    return fields.stream()
        .filter(
            f ->
                !TileFields.RESERVED.contains(f)
                    && !f.equals(OpenSearchDocuments.EMBEDDING_F32)
                    && !f.equals(OpenSearchDocuments.FEATURE_F32)
                    && !f.equals(OpenSearchDocuments.WRITTEN_AT))
        .toList();
  }

  @Override
  public List<FacetValue> facet(String field, int limit) throws IOException {
    EmbeddingChecks.requireFacetField(field);
    ObjectNode body = NODES.objectNode();
    body.put("size", 0);
    ObjectNode terms = body.putObject("aggs").putObject("values").putObject("terms");
    terms.put("field", field).put("size", Math.max(1, limit));
    terms.put("shard_size", FacetValue.MAX_VALUES);
    ArrayNode order = terms.putArray("order");
    order.addObject().put("_count", "desc");
    order.addObject().put("_key", "asc");
    JsonNode buckets = search(body).path("aggregations").path("values").path("buckets");
    List<FacetValue> values = new ArrayList<>();
    for (JsonNode bucket : buckets) {
      String value =
          bucket.has("key_as_string")
              ? bucket.get("key_as_string").asText()
              : bucket.get("key").asText();
      values.add(new FacetValue(value, bucket.path("doc_count").asInt()));
    }
    return values.subList(0, Math.min(limit, values.size()));
  }

  @Override
  public int count(TileFilter filter) throws IOException {
    ObjectNode body = NODES.objectNode();
    body.set("query", filterQuery(filter));
    return client.read(path + "/_count", body).path("count").asInt();
  }

  @Override
  public List<SearchHit> search(float[] query, int k, TileFilter filter) throws IOException {
    EmbeddingChecks.check(provenance, location, "(query)", query);
    return vector(query, k, settings.candidates(k), filter, true);
  }

  @Override
  public List<SearchHit> searchIds(float[] query, int k, int candidates, TileFilter filter)
      throws IOException {
    EmbeddingChecks.check(provenance, location, "(query)", query);
    if (candidates < k) {
      throw new IllegalArgumentException(
          "candidates (" + candidates + ") must be at least k (" + k + ")");
    }
    return vector(query, k, candidates, filter, false);
  }

  private List<SearchHit> vector(
      float[] query, int k, int candidates, TileFilter filter, boolean records) throws IOException {
    ObjectNode body =
        knnBody(query, k, candidates, filter, records ? Source.ALL : Source.NONE, true);
    return hits(search(body), query, k, records, true);
  }

  /** What of a hit's {@code _source} a kNN search returns. */
  private enum Source {
    NONE,
    SLIDE_ONLY,
    ALL
  }

  /**
   * A kNN search for {@code query}: {@code candidates} per shard (HNSW's ef) under the filter, a
   * true pre-filter. With {@code exact}, or on an int8 index, the hits carry their stored float32
   * vector to be rescored from; a float index returns only its top {@code k}, whose order the exact
   * scores keep, an int8 index every candidate, since its own scores are estimates.
   */
  private ObjectNode knnBody(
      float[] query, int k, int candidates, TileFilter filter, Source source, boolean exact)
      throws IOException {
    boolean rescore = exact || settings.quantization() != Quantization.NONE;
    ObjectNode body = NODES.objectNode();
    body.put("size", settings.quantization() == Quantization.NONE ? k : candidates);
    switch (source) {
      case NONE -> body.put("_source", false);
      case SLIDE_ONLY -> body.putArray("_source").add(TileFields.ID).add(TileFields.SLIDE_ID);
      case ALL -> body.put("_source", true);
    }
    if (rescore) {
      body.putArray("stored_fields").add(OpenSearchDocuments.EMBEDDING_F32);
    }
    ObjectNode knn = body.putObject("query").putObject("knn").putObject(TileFields.EMBEDDING);
    ArrayNode vector = knn.putArray("vector");
    for (float v : query) {
      vector.add(v);
    }
    knn.put("k", candidates);
    if (!filter.keepsAll()) {
      knn.set("filter", filterQuery(filter));
    }
    return body;
  }

  /**
   * The top {@code k} of a kNN answer by {@link SearchHit#RANKING}: scored from the stored float32
   * vectors where the body asked for them, else from OpenSearch's own score.
   */
  private List<SearchHit> hits(
      JsonNode answer, float[] query, int k, boolean records, boolean exact) {
    boolean rescore = exact || settings.quantization() != Quantization.NONE;
    List<SearchHit> hits = new ArrayList<>();
    for (JsonNode hit : answer.path("hits").path("hits")) {
      float score =
          rescore
              ? Embeddings.dot(query, OpenSearchDocuments.embedding(hit))
              : cosine(hit.path("_score").asDouble());
      TileRecord tile = records ? OpenSearchDocuments.toRecord(hit.path("_source")) : null;
      hits.add(new SearchHit(hit.path("_id").asText(), score, tile));
    }
    hits.sort(SearchHit.RANKING);
    return new ArrayList<>(hits.subList(0, Math.min(k, hits.size())));
  }

  /**
   * The inner product behind the k-NN plugin's Lucene-engine score for {@code innerproduct}: {@code
   * 1 + dot} for {@code dot >= 0}, {@code 1 / (1 - dot)} below (Lucene's maximum-inner-product
   * scaling).
   */
  static float cosine(double score) {
    return (float) (score >= 1 ? score - 1 : 1 - 1 / score);
  }

  /** kNN searches per {@code _msearch} request ({@link #nearestTiles}). */
  static final int QUERIES_PER_REQUEST = 64;

  /**
   * In one {@code _msearch} per {@value #QUERIES_PER_REQUEST} queries, with each hit's slide id
   * only and OpenSearch's own score (rescored on an int8 index): what similar cases need, without a
   * round trip and 100 vectors per query tile.
   */
  @Override
  public List<List<SearchHit>> nearestTiles(List<float[]> queries, int n, TileFilter filter)
      throws IOException {
    List<List<SearchHit>> all = new ArrayList<>();
    for (int from = 0; from < queries.size(); from += QUERIES_PER_REQUEST) {
      List<float[]> some =
          queries.subList(from, Math.min(queries.size(), from + QUERIES_PER_REQUEST));
      StringBuilder ndjson = new StringBuilder();
      for (float[] query : some) {
        ndjson.append("{}\n");
        ndjson.append(
            knnBody(query, n, settings.candidates(n), filter, Source.SLIDE_ONLY, false).toString());
        ndjson.append('\n');
      }
      JsonNode responses = client.bulk(path + "/_msearch", ndjson.toString()).path("responses");
      for (int i = 0; i < some.size(); i++) {
        JsonNode answer = responses.path(i);
        if (answer.path("status").asInt(200) == 503) {
          throw new IndexUnavailableException(
              "OpenSearch at "
                  + location
                  + " cannot answer a similar-cases search now: "
                  + answer.path("error").path("reason").asText()
                  + "; retry once the cluster is green or yellow");
        }
        if (answer.has("error")) {
          throw new ClusterException(
              "OpenSearch at "
                  + location
                  + " refused a similar-cases search: "
                  + answer.path("error").path("type").asText()
                  + ": "
                  + answer.path("error").path("reason").asText(),
              answer.path("status").asInt(-1));
        }
        all.add(
            hits(
                client.requireWhole(answer, "a similar-cases search"),
                some.get(i),
                n,
                true,
                false));
      }
    }
    return all;
  }

  @Override
  public List<SearchHit> searchCaptions(String text, int k, TileFilter filter) throws IOException {
    ObjectNode body = NODES.objectNode();
    body.put("size", settings.candidates(k));
    ObjectNode bool = body.putObject("query").putObject("bool");
    bool.putArray("must").add(OpenSearchFilter.toQuery(TileFilter.captionQuery(text)));
    if (!filter.keepsAll()) {
      bool.putArray("filter").add(filterQuery(filter));
    }
    // BM25 with the whole index's term statistics, not each shard's: the Lucene backend's scores.
    JsonNode answer = client.read(path + "/_search?search_type=dfs_query_then_fetch", body);
    List<SearchHit> hits = new ArrayList<>();
    for (JsonNode hit : answer.path("hits").path("hits")) {
      hits.add(
          new SearchHit(
              hit.path("_id").asText(),
              (float) (hit.path("_score").asDouble() / LEGACY_BM25_SCALE),
              OpenSearchDocuments.toRecord(hit.path("_source"))));
    }
    hits.sort(SearchHit.RANKING);
    return new ArrayList<>(hits.subList(0, Math.min(k, hits.size())));
  }

  /** Pages through the tiles in id order ({@code search_after}), {@value #PAGE} at a time. */
  @Override
  public void forEachTile(TileFilter filter, Consumer<StoredTile> action) throws IOException {
    ObjectNode body = NODES.objectNode();
    body.put("_source", true);
    body.putArray("stored_fields")
        .add(OpenSearchDocuments.EMBEDDING_F32)
        .add(OpenSearchDocuments.FEATURE_F32);
    body.set("query", filterQuery(filter));
    client.forEachHit(
        path,
        body,
        TileFields.ID,
        PAGE,
        hit ->
            action.accept(
                new StoredTile(
                    OpenSearchDocuments.toRecord(hit.path("_source")),
                    OpenSearchDocuments.embedding(hit),
                    OpenSearchDocuments.feature(hit))));
  }

  /** No batch correction on a cluster index: the raw embeddings are the searched ones. */
  @Override
  public void forEachRawTile(TileFilter filter, Consumer<StoredTile> action) throws IOException {
    forEachTile(filter, action);
  }

  @Override
  public Optional<TileRecord> get(String id) throws IOException {
    return Optional.ofNullable(records(List.of(id)).get(id));
  }

  @Override
  public Map<String, TileRecord> records(Collection<String> ids) throws IOException {
    Map<String, TileRecord> found = new HashMap<>();
    List<String> all = new ArrayList<>(ids);
    for (int start = 0; start < all.size(); start += IDS_PER_REQUEST) {
      List<String> some = all.subList(start, Math.min(all.size(), start + IDS_PER_REQUEST));
      ObjectNode body = NODES.objectNode();
      body.put("size", some.size());
      ArrayNode values = body.putObject("query").putObject("terms").putArray(TileFields.ID);
      some.forEach(values::add);
      for (JsonNode hit : search(body).path("hits").path("hits")) {
        TileRecord record = OpenSearchDocuments.toRecord(hit.path("_source"));
        found.put(record.id(), record);
      }
    }
    return found;
  }

  /**
   * Merges each shard to one segment (one HNSW graph each: the fastest searches); what {@code bench
   * index} does before measuring, as it does for the Lucene index.
   */
  @Override
  public void forceMerge() throws IOException {
    requireLease();
    requireWritable("merge");
    client.send("POST", path + "/_forcemerge?max_num_segments=1", null);
    client.send("POST", path + "/_refresh", null);
  }

  /**
   * Bytes of the primary shards' segments (one copy of the index), read from {@code _segments}:
   * {@code _stats/store} caches each shard's size for {@code index.store.stats_refresh_interval}
   * (10 s), and read right after a merge it gave 208 bytes for a shard of 874 kB.
   */
  @Override
  public long sizeOnDisk() throws IOException {
    long bytes = 0;
    for (JsonNode index : client.get(path + "/_segments").path("indices")) {
      for (JsonNode copies : index.path("shards")) {
        for (JsonNode copy : copies) {
          if (copy.path("routing").path("primary").asBoolean()) {
            for (JsonNode segment : copy.path("segments")) {
              bytes += segment.path("size_in_bytes").asLong();
            }
          }
        }
      }
    }
    return bytes;
  }

  /** Deletes the index behind the name (and so the alias): for benchmarks and tests only. */
  /** The companion indexes beside the tiles: slide records, slide vectors, saved classifiers. */
  private static final List<String> COMPANIONS =
      List.of(ClusterSlideRecords.SUFFIX, ClusterSlideVectors.SUFFIX, ClusterClassifiers.SUFFIX);

  @Override
  public void drop() throws IOException {
    requireWritable("delete the index");
    for (String concrete : concreteIndexes()) {
      client.send("DELETE", "/" + concrete, null);
    }
    // The companions go too: an index made again under this name must not inherit their slides,
    // slide vectors or saved classifiers.
    for (String companion : COMPANIONS) {
      String name = "/" + cluster().name() + companion;
      if (client.getIfExists(name).isPresent()) {
        client.send("DELETE", name, null);
      }
    }
    close();
  }

  private List<String> concreteIndexes() throws IOException {
    List<String> names = new ArrayList<>();
    client.get(path + "/_mapping").properties().forEach(e -> names.add(e.getKey()));
    return names;
  }

  private JsonNode search(ObjectNode body) throws IOException {
    return client.read(path + "/_search", body);
  }

  private static ObjectNode term(String field, String value) {
    ObjectNode term = NODES.objectNode();
    term.putObject("term").put(field, value);
    return term;
  }

  private void requireWritable(String action) {
    if (!writable) {
      throw new IllegalStateException(
          "cannot " + action + ": index " + location + " is open for search only");
    }
  }

  /** Releases a writer's lease; otherwise nothing to release: each call is one HTTP request. */
  @Override
  public void close() throws IOException {
    ClusterWriterLease held = lease;
    lease = null;
    if (held != null) {
      held.close();
    }
  }
}
