package org.pathlens.index.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.pathlens.index.IndexCheckReport;
import org.pathlens.index.IndexProvenance;
import org.pathlens.index.IndexWriteException;
import org.pathlens.index.SlideRecord;
import org.pathlens.index.SlideRecordCheck;
import org.pathlens.index.TileFields;
import org.pathlens.index.TileIds;

/**
 * {@code index check} on a cluster: the cluster's health for the index, the bundle and graph its
 * mapping records, every id with more than one document, and the slide records against the tiles.
 * Every scan is whole (a page some shard did not answer refuses the check, as any read does), and
 * exact: the ids are visited with a {@code composite} aggregation, page by page, since a {@code
 * terms} aggregation with {@code min_doc_count 2} misses an id whose two copies sit on two shards
 * once each shard has more ids than it reports. With {@code repair}, the stale copies of doubled
 * ids are deleted ({@link #newest}), under the index's writer lease.
 */
final class ClusterIndexCheck {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** Buckets per page of a composite aggregation. */
  static final int PAGE = 10_000;

  /** Doubled ids named one line each; past that, one line counts the rest. */
  static final int LISTED = 20;

  private final ClusterLocation location;
  private final ClusterClient client;
  private final List<String> facts = new ArrayList<>();
  private final List<String> problems = new ArrayList<>();

  /** The ids found with more than one document, and their copies ({@code _id}-sorted). */
  private final Map<String, List<JsonNode>> doubled = new LinkedHashMap<>();

  private String concrete;

  private ClusterIndexCheck(ClusterLocation location, ClusterClient client) {
    this.location = location;
    this.client = client;
  }

  /**
   * Checks the index or alias at {@code location}; changes nothing.
   *
   * @throws IllegalArgumentException when there is no index there
   */
  static IndexCheckReport check(ClusterLocation location, ClusterClient client) throws IOException {
    ClusterIndexCheck check = new ClusterIndexCheck(location, client);
    check.run();
    return check.report();
  }

  /**
   * Checks, then deletes every copy but the newest of each doubled id, and checks again: the report
   * is the second check's, after a line saying what was deleted. Holds the index's writer lease
   * meanwhile, so no ingest writes while copies are chosen and deleted.
   *
   * @throws IllegalStateException when another writer holds the lease
   */
  static IndexCheckReport repair(ClusterLocation location, ClusterClient client)
      throws IOException {
    try (ClusterWriterLease lease = ClusterWriterLease.take(client, location)) {
      ClusterIndexCheck before = new ClusterIndexCheck(location, client);
      before.run();
      List<String> said = new ArrayList<>(before.deleteStaleCopies(lease));
      lease.requireHeld();
      IndexCheckReport after = check(location, client);
      said.addAll(after.facts());
      return new IndexCheckReport(List.copyOf(said), after.problems());
    }
  }

  private IndexCheckReport report() {
    return new IndexCheckReport(List.copyOf(facts), List.copyOf(problems));
  }

  private void run() throws IOException {
    Optional<JsonNode> mappings = client.getIfExists("/" + location.name() + "/_mapping");
    if (mappings.isEmpty()) {
      throw new IllegalArgumentException("no tile index at " + location);
    }
    if (mappings.get().size() != 1) {
      problems.add(
          "alias "
              + location.name()
              + " points at "
              + mappings.get().size()
              + " indexes: PathLens reads one (point the alias at one)");
      return;
    }
    Map.Entry<String, JsonNode> only = mappings.get().properties().iterator().next();
    concrete = only.getKey();
    if (!health()) {
      return; // a primary without a copy: no scan could be whole
    }
    if (!provenance(only.getValue())) {
      return;
    }
    writer();
    ids();
    slides();
  }

  /**
   * The cluster's health for the index: red (a primary shard without a copy) and yellow (a replica
   * unassigned: tiles have fewer copies than the index promises) are problems.
   *
   * @return false when red
   */
  private boolean health() throws IOException {
    JsonNode settings =
        client.get("/" + concrete + "/_settings").path(concrete).path("settings").path("index");
    int shards = settings.path("number_of_shards").asInt();
    int replicas = settings.path("number_of_replicas").asInt();
    facts.add(
        "index: "
            + (concrete.equals(location.name()) ? concrete : location.name() + " -> " + concrete)
            + ", "
            + shards
            + " shards × "
            + replicas
            + " replicas");
    JsonNode health = client.get("/_cluster/health/" + concrete);
    String status = health.path("status").asText();
    int active = health.path("active_shards").asInt();
    int unassigned = health.path("unassigned_shards").asInt();
    facts.add(
        String.format(
            Locale.ROOT,
            "cluster: %s, %d nodes; %d of %d shard copies of the index active, %d unassigned",
            status,
            health.path("number_of_nodes").asInt(),
            active,
            shards * (replicas + 1),
            unassigned));
    switch (status) {
      case "red" -> {
        problems.add(
            "cluster health red for "
                + concrete
                + ": a primary shard has no copy, so its tiles can be neither read nor checked;"
                + " bring its node back (GET "
                + location.endpoint()
                + "/_cluster/allocation/explain says why) and check again");
        return false;
      }
      case "yellow" ->
          problems.add(
              "cluster health yellow for "
                  + concrete
                  + ": "
                  + unassigned
                  + " replica copies are unassigned, so tiles have fewer copies than the index's "
                  + replicas
                  + " replicas promise (GET "
                  + location.endpoint()
                  + "/_cluster/allocation/explain says why)");
      default -> {}
    }
    return true;
  }

  /**
   * The bundle, engine and graph the mapping records, as the embedded check reports them.
   *
   * @return false when the index records none (not PathLens's)
   */
  private boolean provenance(JsonNode mapping) {
    Map<String, String> recorded = new HashMap<>();
    mapping
        .path("mappings")
        .path("_meta")
        .path("pathlens")
        .properties()
        .forEach(e -> recorded.put(e.getKey(), e.getValue().asText()));
    IndexProvenance provenance = IndexProvenance.fromUserData(recorded, location);
    if (provenance == null) {
      problems.add(
          "the index records no model bundle in _meta.pathlens: it was not built by PathLens, so no"
              + " search can vouch for its vectors");
      return false;
    }
    IndexCheckReport.provenanceLines(provenance, recorded, facts, problems);
    return true;
  }

  /** Who holds the writer lease ({@link ClusterWriterLease}), if anyone. */
  private void writer() throws IOException {
    Optional<JsonNode> lease = client.getIfExists("/" + location.name() + "-writer/_doc/lease");
    facts.add(
        lease
            .map(
                l ->
                    "writer: "
                        + l.path("_source").path("owner").asText()
                        + " (its lease runs until "
                        + Instant.ofEpochMilli(l.path("_source").path("expires").asLong())
                        + ")")
            .orElse("writer: none"));
  }

  /** Every id's documents counted; those with two or more named, with their copies. */
  private void ids() throws IOException {
    long documents = client.read("/" + concrete + "/_count", null).path("count").asLong();
    long withId = 0;
    long ids = 0;
    Map<String, Long> counts = new LinkedHashMap<>();
    for (JsonNode bucket : composite(TileFields.ID)) {
      long count = bucket.path("doc_count").asLong();
      withId += count;
      ids++;
      if (count > 1) {
        counts.put(bucket.path("key").path("value").asText(), count);
      }
    }
    facts.add(
        "tiles: "
            + documents
            + " documents, "
            + ids
            + " ids, "
            + counts.size()
            + " of them with more than one document");
    if (withId != documents) {
      problems.add(
          (documents - withId)
              + " documents have no "
              + TileFields.ID
              + " field: they were not written by PathLens");
    }
    for (Map.Entry<String, List<JsonNode>> id : copies(counts).entrySet()) {
      doubled.put(id.getKey(), id.getValue());
    }
    int listed = 0;
    for (Map.Entry<String, List<JsonNode>> id : doubled.entrySet()) {
      if (listed++ == LISTED) {
        problems.add(
            (doubled.size() - LISTED)
                + " more ids have more than one document (index check --repair keeps the newest"
                + " of each)");
        break;
      }
      problems.add(
          "tile "
              + id.getKey()
              + " has "
              + id.getValue().size()
              + " documents ("
              + String.join(", ", id.getValue().stream().map(ClusterIndexCheck::describe).toList())
              + "): index check --repair keeps the newest");
    }
  }

  /** A copy of a doubled id: its routing (its shard) and when it was written. */
  private static String describe(JsonNode copy) {
    JsonNode written = copy.path("_source").path(OpenSearchDocuments.WRITTEN_AT);
    return "filed under "
        + (copy.hasNonNull("_routing") ? "slide " + copy.path("_routing").asText() : "no slide")
        + ", written "
        + (written.isNumber()
            ? Instant.ofEpochMilli(written.asLong()).toString()
            : "at an unrecorded time");
  }

  /** The documents of {@code counts}' ids, whole, by id. */
  private Map<String, List<JsonNode>> copies(Map<String, Long> counts) throws IOException {
    Map<String, List<JsonNode>> copies = new LinkedHashMap<>();
    List<String> ids = new ArrayList<>(counts.keySet());
    for (int start = 0; start < ids.size(); start += OpenSearchTileIndex.IDS_PER_REQUEST) {
      List<String> some =
          ids.subList(start, Math.min(ids.size(), start + OpenSearchTileIndex.IDS_PER_REQUEST));
      ObjectNode body = NODES.objectNode();
      body.put("size", some.stream().mapToLong(counts::get).sum());
      body.putArray("_source").add(TileFields.SLIDE_ID).add(OpenSearchDocuments.WRITTEN_AT);
      ArrayNode values = body.putObject("query").putObject("terms").putArray(TileFields.ID);
      some.forEach(values::add);
      for (JsonNode hit :
          client.read("/" + concrete + "/_search", body).path("hits").path("hits")) {
        copies
            .computeIfAbsent(hit.path("_id").asText(), k -> new ArrayList<>())
            .add(hit.deepCopy());
      }
    }
    return copies;
  }

  /** Slide records (in {@code NAME-slides}) against the slides the tiles name. */
  private void slides() throws IOException {
    Set<String> tiled = new TreeSet<>();
    for (JsonNode bucket : composite(TileFields.SLIDE_ID)) {
      tiled.add(bucket.path("key").path("value").asText());
    }
    String records = "/" + location.name() + ClusterSlideRecords.SUFFIX;
    if (client.getIfExists(records).isEmpty()) {
      if (cutFromSlidesWithoutRecord(tiled, records) == 0) {
        facts.add("slides: no slide records (a tile-folder index); tiles name " + tiled.size());
      }
      return;
    }
    List<SlideRecord> recorded = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    ObjectNode body = NODES.objectNode();
    body.putArray("_source").add("record");
    client.forEachHit(
        records,
        body,
        "slide_id",
        PAGE,
        hit -> {
          ids.add(hit.path("_id").asText());
          try {
            recorded.add(SlideRecord.fromJson(hit.path("_source").path("record").asText()));
          } catch (IOException e) {
            problems.add(
                "slide record " + hit.path("_id").asText() + " in " + records + " cannot be read");
          }
        });
    int whole = 0;
    for (SlideRecord record : recorded) {
      List<String> disagreements =
          SlideRecordCheck.problems(
              record,
              tiled.contains(record.slideId()) ? tilesBySource(record.slideId()) : Map.of());
      problems.addAll(disagreements);
      whole += disagreements.isEmpty() ? 1 : 0;
    }
    Set<String> unrecordedSlides = new TreeSet<>(tiled);
    unrecordedSlides.removeAll(ids);
    cutFromSlidesWithoutRecord(unrecordedSlides, records);
    long unrecorded = unrecordedSlides.size();
    facts.add(
        "slides: "
            + ids.size()
            + " records, "
            + whole
            + " with tiles; tiles name "
            + unrecorded
            + " slides without a record (tile-folder tiles keep none)");
  }

  /**
   * Names every slide among {@code slideIds} whose tiles were cut from a slide file (their ids are
   * their positions, {@link TileIds#ofPosition}, and their source is no feature file) although it
   * has no record, as the embedded index's check does: the server cannot show such tiles, and the
   * slide has no page. Tile-folder tiles and tiles ingested from features without their slide keep
   * no record by design. Returns how many there are.
   */
  private int cutFromSlidesWithoutRecord(Set<String> slideIds, String records) throws IOException {
    int found = 0;
    for (String slideId : slideIds) {
      ObjectNode body = NODES.objectNode();
      body.put("size", 100);
      body.putArray("_source")
          .add(TileFields.ID)
          .add(TileFields.X)
          .add(TileFields.Y)
          .add(TileFields.SOURCE);
      body.putObject("query").putObject("term").put(TileFields.SLIDE_ID, slideId);
      boolean cut = false;
      for (JsonNode hit :
          client.read("/" + concrete + "/_search", body).path("hits").path("hits")) {
        JsonNode tile = hit.path("_source");
        cut |=
            tile.has(TileFields.X)
                && tile.has(TileFields.Y)
                && TileIds.ofPosition(
                        slideId, tile.path(TileFields.X).asInt(), tile.path(TileFields.Y).asInt())
                    .equals(tile.path(TileFields.ID).asText())
                && !tile.path(TileFields.SOURCE).asText().endsWith(".h5");
      }
      if (cut) {
        found++;
        problems.add(
            "slide "
                + slideId
                + ": tiles cut from a slide file but no slide record in "
                + records
                + ": its tiles and page cannot be shown; re-ingest the slide");
      }
    }
    return found;
  }

  /** The tiles of {@code slideId}, counted by their source (the file they were cut from). */
  private Map<String, Long> tilesBySource(String slideId) throws IOException {
    ObjectNode body = NODES.objectNode();
    body.put("size", 0);
    body.putObject("query").putObject("term").put(TileFields.SLIDE_ID, slideId);
    body.putObject("aggs")
        .putObject("sources")
        .putObject("terms")
        .put("field", TileFields.SOURCE)
        .put("size", PAGE);
    Map<String, Long> counts = new TreeMap<>();
    for (JsonNode bucket :
        client
            .read("/" + concrete + "/_search", body)
            .path("aggregations")
            .path("sources")
            .path("buckets")) {
      counts.merge(bucket.path("key").asText(), bucket.path("doc_count").asLong(), Long::sum);
    }
    return counts;
  }

  /** Every bucket of a composite aggregation on {@code field}, page by page, each page whole. */
  private List<JsonNode> composite(String field) throws IOException {
    List<JsonNode> buckets = new ArrayList<>();
    ObjectNode body = NODES.objectNode();
    body.put("size", 0);
    ObjectNode composite = body.putObject("aggs").putObject("all").putObject("composite");
    composite.put("size", PAGE);
    composite
        .putArray("sources")
        .addObject()
        .putObject("value")
        .putObject("terms")
        .put("field", field);
    while (true) {
      JsonNode all =
          client.read("/" + concrete + "/_search", body).path("aggregations").path("all");
      all.path("buckets").forEach(buckets::add);
      if (all.path("buckets").size() < PAGE || !all.has("after_key")) {
        return buckets;
      }
      composite.set("after", all.path("after_key"));
    }
  }

  /**
   * The copy of a doubled id to keep: the one written last ({@link
   * OpenSearchDocuments#WRITTEN_AT}), since the last write is what the last ingest meant (a moved
   * tile's new slide, a corrected record). A copy without a write time predates PathLens recording
   * them, so it is older than any copy with one. Empty when no single copy is the newest (two
   * without a time, or equal times): such an id is left as it is and named, never guessed at.
   */
  static Optional<JsonNode> newest(List<JsonNode> copies) {
    JsonNode newest = null;
    long latest = Long.MIN_VALUE;
    boolean tied = false;
    for (JsonNode copy : copies) {
      JsonNode written = copy.path("_source").path(OpenSearchDocuments.WRITTEN_AT);
      long at = written.isNumber() ? written.asLong() : -1;
      if (at > latest) {
        newest = copy;
        latest = at;
        tied = false;
      } else if (at == latest) {
        tied = true;
      }
    }
    return tied || newest == null ? Optional.empty() : Optional.of(newest);
  }

  /**
   * Deletes every copy of each doubled id but {@link #newest}, each by its own routing, in one
   * {@code _bulk}; an id whose newest copy cannot be told is left and named.
   *
   * @return what was done, one line each, for the report's facts
   */
  private List<String> deleteStaleCopies(ClusterWriterLease lease) throws IOException {
    List<String> said = new ArrayList<>();
    StringBuilder deletes = new StringBuilder();
    int stale = 0;
    int repaired = 0;
    for (Map.Entry<String, List<JsonNode>> id : doubled.entrySet()) {
      Optional<JsonNode> keep = newest(id.getValue());
      if (keep.isEmpty()) {
        said.add(
            "repair: tile "
                + id.getKey()
                + " left as it is: its copies were written at the same or no recorded time, so"
                + " none is known to be the newest; delete the wrong one by hand (DELETE "
                + location.endpoint()
                + "/"
                + concrete
                + "/_doc/ID?routing=SLIDE)");
        continue;
      }
      repaired++;
      for (JsonNode copy : id.getValue()) {
        if (copy == keep.get()) {
          continue;
        }
        ObjectNode meta = NODES.objectNode();
        ObjectNode delete = meta.putObject("delete").put("_id", id.getKey());
        if (copy.hasNonNull("_routing")) {
          delete.put("routing", copy.path("_routing").asText());
        }
        deletes.append(meta).append('\n');
        stale++;
      }
    }
    if (stale > 0) {
      lease.requireHeld();
      JsonNode answer = client.bulk("/" + concrete + "/_bulk?refresh=true", deletes.toString());
      for (JsonNode item : answer.path("items")) {
        JsonNode result = item.path("delete");
        if (result.path("status").asInt() >= 300) {
          throw new IndexWriteException(
              "index check --repair could not delete a stale copy of tile "
                  + result.path("_id").asText()
                  + " from "
                  + location
                  + " (HTTP "
                  + result.path("status").asInt()
                  + "): "
                  + result.path("error").path("reason").asText()
                  + "; run it again",
              null);
        }
      }
    }
    said.add(
        0,
        "repair: deleted "
            + stale
            + " stale copies of "
            + repaired
            + " ids, keeping each id's newest copy (the last written)");
    return said;
  }
}
