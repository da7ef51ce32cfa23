package org.pathlens.index.opensearch;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.pathlens.encoders.Embeddings;
import org.pathlens.index.SlideHit;
import org.pathlens.index.SlideVector;
import org.pathlens.index.SlideVectors;

/**
 * Slide vectors on a cluster: the companion index {@code NAME-slide-vectors}, one document per
 * slide and method (its vector as a {@code knn_vector} and as exact float32 bytes, its tile count,
 * its metadata as keywords under {@code meta}). A search is exact: OpenSearch's k-NN scoring script
 * ranks every vector that passes the filter, and the scores PathLens returns are the cosines of the
 * stored float32 vectors, as on the embedded index.
 */
final class ClusterSlideVectors implements SlideVectors {
  /** The companion index holding the slide vectors: the tile index's name and this. */
  static final String SUFFIX = "-slide-vectors";

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int PAGE = 1000;

  /** Candidates beyond k fetched, so that ties at the k-th score are broken by slide id here. */
  private static final int TIE_MARGIN = 16;

  private final ClusterClient client;
  private final String path;

  ClusterSlideVectors(OpenSearchTileIndex index) {
    this.client = index.client();
    this.path = "/" + index.cluster().name() + SUFFIX;
  }

  @Override
  public void write(List<SlideVector> slides) throws IOException {
    if (slides.isEmpty()) {
      return;
    }
    ensureIndex();
    for (int dimension :
        slides.stream().map(s -> s.embedding().length).collect(Collectors.toSet())) {
      ensureVectorField(dimension);
    }
    StringBuilder ndjson = new StringBuilder();
    for (SlideVector slide : slides) {
      ObjectNode action = NODES.objectNode();
      action.putObject("index").put("_id", key(slide.method(), slide.slideId()));
      ObjectNode doc = NODES.objectNode();
      doc.put("slide_id", slide.slideId());
      doc.put("method", slide.method());
      doc.put("tiles", slide.tiles());
      doc.put("metadata", JSON.writeValueAsString(slide.metadata()));
      ObjectNode meta = doc.putObject("meta");
      slide.metadata().forEach(meta::put);
      ArrayNode vector = doc.putArray(vectorField(slide.embedding().length));
      for (float v : slide.embedding()) {
        vector.add(v);
      }
      doc.put("vector_f32", OpenSearchDocuments.encode(slide.embedding()));
      ndjson.append(action).append('\n').append(doc).append('\n');
    }
    // Written as slide records are, without waiting for every copy: slide vectors are made from the
    // tiles (index slide-vectors makes them again), and an ingest the cluster lets write fewer tile
    // copies (PATHLENS_OPENSEARCH_ACTIVE_SHARDS) must not stall on them.
    JsonNode answer = client.bulk(path + "/_bulk?refresh=wait_for", ndjson.toString());
    if (answer.path("errors").asBoolean(false)) {
      for (JsonNode item : answer.path("items")) {
        JsonNode error = item.path("index").path("error");
        if (!error.isMissingNode()) {
          throw new IOException(
              client.endpoint()
                  + path
                  + ": slide vector "
                  + item.path("index").path("_id").asText()
                  + " not written: "
                  + error.path("reason").asText(error.toString()));
        }
      }
    }
  }

  /**
   * Vectors of D values live in {@code vector_D}: a {@code knn_vector} has one dimension, and an
   * imported slide encoder's vectors sit beside the mean of tiles.
   */
  private static String vectorField(int dimension) {
    return "vector_" + dimension;
  }

  /** Maps {@code vector_D} once (adding a field to a live index's mapping is allowed). */
  private void ensureVectorField(int dimension) throws IOException {
    String field = vectorField(dimension);
    JsonNode mapping = client.get(path + "/_mapping");
    boolean mapped =
        mapping.elements().hasNext()
            && mapping.elements().next().path("mappings").path("properties").has(field);
    if (mapped) {
      return;
    }
    ObjectNode body = NODES.objectNode();
    ObjectNode vector = body.putObject("properties").putObject(field);
    vector.put("type", "knn_vector").put("dimension", dimension);
    vector
        .putObject("method")
        .put("name", "hnsw")
        .put("engine", "lucene")
        .put("space_type", "innerproduct");
    client.send("PUT", path + "/_mapping", body);
  }

  private void ensureIndex() throws IOException {
    if (client.getIfExists(path).isPresent()) {
      return;
    }
    ObjectNode body = NODES.objectNode();
    body.putObject("settings").putObject("index").put("knn", true);
    ObjectNode mappings = body.putObject("mappings");
    mappings.putObject("_source").putArray("excludes").add("vector_*").add("vector_f32");
    mappings
        .putArray("dynamic_templates")
        .addObject()
        .putObject("metadata_keywords")
        .put("path_match", "meta.*")
        .putObject("mapping")
        .put("type", "keyword");
    ObjectNode properties = mappings.putObject("properties");
    properties.putObject("slide_id").put("type", "keyword");
    properties.putObject("method").put("type", "keyword");
    properties.putObject("tiles").put("type", "integer");
    properties
        .putObject("metadata")
        .put("type", "keyword")
        .put("index", false)
        .put("doc_values", false);
    properties.putObject("meta").put("type", "object");
    properties.putObject("vector_f32").put("type", "binary").put("store", true);
    try {
      client.send("PUT", path + "?wait_for_active_shards=all", body);
    } catch (IOException e) {
      if (client.getIfExists(path).isEmpty()) { // another writer may have created it meanwhile
        throw e;
      }
    }
  }

  @Override
  public Optional<SlideVector> find(String slideId, String method) throws IOException {
    List<SlideVector> found = new ArrayList<>();
    visit(query(List.of(term("_id", key(method, slideId))), List.of()), found::add);
    return found.stream().findFirst();
  }

  @Override
  public void forEach(String method, Consumer<SlideVector> action) throws IOException {
    visit(query(List.of(term("method", method)), List.of()), action);
  }

  @Override
  public List<String> methods() throws IOException {
    if (client.getIfExists(path).isEmpty()) {
      return List.of();
    }
    ObjectNode body = NODES.objectNode();
    body.put("size", 0);
    body.putObject("aggs")
        .putObject("methods")
        .putObject("terms")
        .put("field", "method")
        .put("size", 1000);
    List<String> methods = new ArrayList<>();
    for (JsonNode bucket :
        client.read(path + "/_search", body).path("aggregations").path("methods").path("buckets")) {
      methods.add(bucket.path("key").asText());
    }
    methods.sort(null);
    return methods;
  }

  @Override
  public List<SlideHit> search(
      float[] query,
      String method,
      int k,
      Map<String, String> where,
      String excludeSlideId,
      String excludePatientId)
      throws IOException {
    if (client.getIfExists(path).isEmpty() || k <= 0) {
      return List.of();
    }
    List<ObjectNode> filters = new ArrayList<>(List.of(term("method", method)));
    where.forEach((field, value) -> filters.add(term("meta." + field, value)));
    List<ObjectNode> excluded = new ArrayList<>();
    if (excludeSlideId != null) {
      excluded.add(term("slide_id", excludeSlideId));
    }
    if (excludePatientId != null) {
      excluded.add(term("meta.patient_id", excludePatientId));
    }
    ObjectNode body = NODES.objectNode();
    body.put("size", k + TIE_MARGIN);
    body.putArray("_source").add("slide_id").add("tiles");
    body.putArray("stored_fields").add("vector_f32");
    ObjectNode scriptScore = body.putObject("query").putObject("script_score");
    scriptScore.set("query", query(filters, excluded));
    ObjectNode script = scriptScore.putObject("script");
    script.put("source", "knn_score").put("lang", "knn");
    ObjectNode params = script.putObject("params");
    params.put("field", vectorField(query.length)).put("space_type", "innerproduct");
    ArrayNode value = params.putArray("query_value");
    for (float v : query) {
      value.add(v);
    }
    List<SlideHit> hits = new ArrayList<>();
    for (JsonNode hit : client.read(path + "/_search", body).path("hits").path("hits")) {
      float[] vector =
          OpenSearchDocuments.decode(hit.path("fields").path("vector_f32").path(0).asText());
      hits.add(
          new SlideHit(
              hit.path("_source").path("slide_id").asText(),
              Embeddings.dot(query, vector),
              hit.path("_source").path("tiles").asInt()));
    }
    hits.sort(
        Comparator.comparingDouble((SlideHit h) -> -h.score()).thenComparing(SlideHit::slideId));
    return new ArrayList<>(hits.subList(0, Math.min(k, hits.size())));
  }

  @Override
  public int delete(String slideId) throws IOException {
    if (client.getIfExists(path).isEmpty()) {
      return 0;
    }
    ObjectNode body = NODES.objectNode();
    body.set("query", term("slide_id", slideId));
    return client
        .send("POST", path + "/_delete_by_query?refresh=true", body)
        .path("deleted")
        .asInt();
  }

  private void visit(ObjectNode query, Consumer<SlideVector> action) throws IOException {
    if (client.getIfExists(path).isEmpty()) {
      return;
    }
    ObjectNode body = NODES.objectNode();
    body.set("query", query);
    body.put("_source", true);
    body.putArray("stored_fields").add("vector_f32");
    client.forEachHit(
        path,
        body,
        "slide_id",
        PAGE,
        hit -> {
          JsonNode source = hit.path("_source");
          action.accept(
              new SlideVector(
                  source.path("slide_id").asText(),
                  source.path("method").asText(),
                  OpenSearchDocuments.decode(
                      hit.path("fields").path("vector_f32").path(0).asText()),
                  source.path("tiles").asInt(),
                  JSON.readValue(
                      source.path("metadata").asText(),
                      new TypeReference<Map<String, String>>() {})));
        });
  }

  private static ObjectNode query(List<ObjectNode> filters, List<ObjectNode> excluded) {
    ObjectNode bool = NODES.objectNode();
    ObjectNode clauses = bool.putObject("bool");
    ArrayNode filter = clauses.putArray("filter");
    filters.forEach(filter::add);
    ArrayNode mustNot = clauses.putArray("must_not");
    excluded.forEach(mustNot::add);
    return bool;
  }

  private static ObjectNode term(String field, String value) {
    ObjectNode term = NODES.objectNode();
    term.putObject("term").put(field, value);
    return term;
  }

  private static String key(String method, String slideId) {
    return method + "/" + slideId;
  }
}
