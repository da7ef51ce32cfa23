package org.pathlens.index.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.pathlens.index.IndexSettings;
import org.pathlens.index.TileFields;
import org.pathlens.index.TileRecord;

/**
 * A tile as an OpenSearch document, and the index's mapping. The fields and their names are the
 * Lucene backend's ({@link TileFields}), so filters read the same on both.
 *
 * <p>The vector is indexed twice: in {@code embedding}, the {@code knn_vector} HNSW searches (int8
 * under {@code encoder: sq}), and as {@code embedding_f32}, a stored binary field with the exact
 * float32 bytes. Both are left out of {@code _source}, which at 10^9 tiles would otherwise hold a
 * third copy as JSON text. Classification, similar slides and exact rescoring read the stored field
 * back ({@code stored_fields}), so the scores PathLens serves are the cosine of the embeddings as
 * encoded, bit for bit the Lucene backend's.
 */
final class OpenSearchDocuments {

  /** The stored float32 copy of the embedding (little-endian, base64 in JSON). */
  static final String EMBEDDING_F32 = "embedding_f32";

  /**
   * The feature a tile was imported as where that is not its embedding ({@link
   * org.pathlens.index.TileFields#FEATURE}), stored as {@link #EMBEDDING_F32} is and, like it, left
   * out of {@code _source}.
   */
  static final String FEATURE_F32 = "feature_f32";

  /**
   * When the document was written (the writer's clock, epoch milliseconds): what tells the newest
   * of two copies of one id apart ({@code index check --repair}), since OpenSearch's sequence
   * numbers count per shard and two copies of an id sit on different shards.
   */
  static final String WRITTEN_AT = "written_at";

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private OpenSearchDocuments() {}

  /**
   * The index's settings and mapping.
   *
   * @param meta what the index records about its vectors (bundle, engine, graph), in {@code _meta}
   */
  static ObjectNode createBody(
      int dimension, IndexSettings settings, int shards, int replicas, Map<String, String> meta) {
    ObjectNode body = NODES.objectNode();
    ObjectNode index = body.putObject("settings").putObject("index");
    index.put("knn", true);
    index.put("number_of_shards", shards);
    index.put("number_of_replicas", replicas);
    ObjectNode mappings = body.putObject("mappings");
    mappings
        .putObject("_source")
        .putArray("excludes")
        .add(TileFields.EMBEDDING)
        .add(EMBEDDING_F32)
        .add(FEATURE_F32);
    // Manifest columns beyond the built-in ones are whole-value metadata, as in the Lucene index.
    mappings
        .putArray("dynamic_templates")
        .addObject()
        .putObject("extra_metadata")
        .put("match_mapping_type", "string")
        .putObject("mapping")
        .put("type", "keyword");
    ObjectNode pathlens = mappings.putObject("_meta").putObject("pathlens");
    meta.forEach(pathlens::put);
    ObjectNode properties = mappings.putObject("properties");
    for (TileFields.Field field : TileFields.SCHEMA) {
      ObjectNode property = properties.putObject(field.name());
      switch (field.kind()) {
        case KEYWORD -> property.put("type", "keyword");
        case TEXT -> property.put("type", "text").put("analyzer", "standard");
        case INT -> property.put("type", "integer");
        case DOUBLE -> property.put("type", "double");
      }
    }
    ObjectNode vector = properties.putObject(TileFields.EMBEDDING);
    vector.put("type", "knn_vector").put("dimension", dimension);
    ObjectNode method = vector.putObject("method");
    // Inner product on unit vectors is the cosine, without the norms OpenSearch's cosinesimil
    // takes.
    method.put("name", "hnsw").put("engine", "lucene").put("space_type", "innerproduct");
    ObjectNode parameters = method.putObject("parameters");
    parameters.put("m", settings.m()).put("ef_construction", settings.beamWidth());
    switch (settings.quantization()) {
      case NONE -> {}
      case INT8 -> parameters.putObject("encoder").put("name", "sq");
      case INT4 ->
          throw new IllegalArgumentException(
              "--quantization int4 has no OpenSearch form (the Lucene engine's scalar quantizer is"
                  + " int8): use int8 or none");
      // OpenSearch 2.19's 1-bit (binary) quantization is the faiss engine's, whose filters and
      // rescoring differ from the Lucene engine's; its Lucene engine has only sq.
      case BBQ ->
          throw new IllegalArgumentException(
              "--quantization bbq has no OpenSearch form (OpenSearch 2.19's k-NN Lucene engine"
                  + " quantizes to int8 only): use int8 or none");
    }
    properties.putObject(EMBEDDING_F32).put("type", "binary").put("store", true);
    properties.set(FEATURE_F32, featureMapping());
    properties.putObject(WRITTEN_AT).put("type", "long");
    return body;
  }

  /** The mapping of {@link #FEATURE_F32}: stored bytes, never searched. */
  static ObjectNode featureMapping() {
    return NODES.objectNode().put("type", "binary").put("store", true);
  }

  /**
   * The document of a tile: its metadata, vector and stored float copy, its imported feature (null:
   * none), and when it was written ({@link #WRITTEN_AT}).
   */
  static ObjectNode toDocument(
      TileRecord tile, float[] embedding, float[] feature, long writtenAt) {
    ObjectNode doc = NODES.objectNode();
    for (TileFields.Field field : TileFields.SCHEMA) {
      Object value = field.value().apply(tile);
      if (value != null) {
        switch (value) {
          case Integer i -> doc.put(field.name(), i);
          case Double d -> doc.put(field.name(), d);
          default -> doc.put(field.name(), value.toString());
        }
      }
    }
    for (Map.Entry<String, String> extra : tile.extra().entrySet()) {
      String key = extra.getKey();
      if (key.startsWith("_")
          || key.equals(EMBEDDING_F32)
          || key.equals(FEATURE_F32)
          || key.equals(WRITTEN_AT)
          || key.isBlank()) {
        throw new IllegalArgumentException(
            "metadata column '" + key + "' of tile " + tile.id() + " is not a valid field name");
      }
      doc.put(key, extra.getValue());
    }
    ArrayNode vector = doc.putArray(TileFields.EMBEDDING);
    for (float v : embedding) {
      vector.add(v);
    }
    doc.put(EMBEDDING_F32, encode(embedding));
    if (feature != null) {
      doc.put(FEATURE_F32, encode(feature));
    }
    doc.put(WRITTEN_AT, writtenAt);
    return doc;
  }

  /** The record held in a hit's {@code _source}. */
  static TileRecord toRecord(JsonNode source) {
    Map<String, String> extra = new HashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = source.properties().iterator();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      if (!TileFields.RESERVED.contains(field.getKey()) && field.getValue().isTextual()) {
        extra.put(field.getKey(), field.getValue().asText());
      }
    }
    return TileFields.record(
        name -> {
          JsonNode value = source.get(name);
          if (value == null || value.isNull()) {
            return null;
          }
          return value.isNumber() ? value.numberValue() : value.asText();
        },
        extra);
  }

  /** The stored float copy of a hit's embedding ({@code fields.embedding_f32}). */
  static float[] embedding(JsonNode hit) {
    JsonNode stored = hit.path("fields").path(EMBEDDING_F32).path(0);
    if (!stored.isTextual()) {
      throw new IllegalStateException(
          "tile " + hit.path("_id").asText() + " has no stored embedding: not a PathLens document");
    }
    return decode(stored.asText());
  }

  /** The stored feature of a hit ({@code fields.feature_f32}), or null when it has none. */
  static float[] feature(JsonNode hit) {
    JsonNode stored = hit.path("fields").path(FEATURE_F32).path(0);
    return stored.isTextual() ? decode(stored.asText()) : null;
  }

  static String encode(float[] embedding) {
    ByteBuffer bytes = ByteBuffer.allocate(embedding.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    bytes.asFloatBuffer().put(embedding);
    return Base64.getEncoder().encodeToString(bytes.array());
  }

  static float[] decode(String base64) {
    ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(base64));
    float[] embedding = new float[bytes.remaining() / 4];
    bytes.order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(embedding);
    return embedding;
  }
}
