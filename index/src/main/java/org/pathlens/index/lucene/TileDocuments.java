package org.pathlens.index.lucene;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.TreeMap;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.DoublePoint;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.IntPoint;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.IndexableField;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.util.BytesRef;
import org.pathlens.index.TileFields;
import org.pathlens.index.TileRecord;

/**
 * A tile as a Lucene document and back: ids and metadata as exact-match string fields, the caption
 * as analysed full text, coordinates as points (range filters) plus stored values, the embedding as
 * an HNSW-indexed vector (in an index with a batch correction the corrected one, the raw embedding
 * stored beside it).
 */
final class TileDocuments {

  /**
   * Embeddings are unit norm, so the dot product is the cosine and skips the norms; Lucene scores
   * it as {@code (1 + cos) / 2}, see {@link #cosine}.
   */
  static final VectorSimilarityFunction SIMILARITY = VectorSimilarityFunction.DOT_PRODUCT;

  private TileDocuments() {}

  static Document toDocument(TileRecord tile, float[] embedding) {
    return toDocument(tile, embedding, null, null, null);
  }

  /**
   * A tile of an index with a batch correction: {@code vector} is what searches see, {@code raw}
   * (null when the vector is the raw embedding) the embedding as encoded, {@code corrected} whether
   * the vector is corrected (null in an index without a correction), {@code feature} the feature
   * the tile was imported as where that is not its embedding (null: none).
   */
  static Document toDocument(
      TileRecord tile, float[] vector, float[] raw, Boolean corrected, float[] feature) {
    Document doc = new Document();
    // Doc values of the id too: ranking candidates by (score, id) then reads ids without
    // decompressing documents.
    doc.add(new SortedDocValuesField(TileFields.ID, new BytesRef(tile.id())));
    for (TileFields.Field field : TileFields.SCHEMA) {
      Object value = field.value().apply(tile);
      if (value == null) {
        continue;
      }
      String name = field.name();
      switch (field.kind()) {
        case KEYWORD -> keyword(doc, name, (String) value);
        case TEXT -> doc.add(new TextField(name, (String) value, Field.Store.YES));
        case INT -> {
          doc.add(new IntPoint(name, (Integer) value));
          doc.add(new StoredField(name, (Integer) value));
        }
        case DOUBLE -> {
          doc.add(new DoublePoint(name, (Double) value));
          doc.add(new StoredField(name, (Double) value));
        }
      }
    }
    for (Map.Entry<String, String> entry : new TreeMap<>(tile.extra()).entrySet()) {
      keyword(doc, entry.getKey(), entry.getValue());
    }
    doc.add(new KnnFloatVectorField(TileFields.EMBEDDING, vector, SIMILARITY));
    if (raw != null) {
      doc.add(new StoredField(TileFields.EMBEDDING_RAW, toBytes(raw)));
    }
    if (feature != null) {
      doc.add(new StoredField(TileFields.FEATURE, toBytes(feature)));
    }
    if (corrected != null) {
      doc.add(new StringField(TileFields.BATCH_CORRECTED, corrected.toString(), Field.Store.NO));
    }
    return doc;
  }

  /**
   * The raw embedding stored in {@code doc}, or null when it has none (its vector is then the raw
   * one).
   */
  static float[] rawEmbedding(Document doc) {
    return floats(doc, TileFields.EMBEDDING_RAW);
  }

  /** The feature stored in {@code doc} ({@link TileFields#FEATURE}), or null when it has none. */
  static float[] feature(Document doc) {
    return floats(doc, TileFields.FEATURE);
  }

  private static float[] floats(Document doc, String field) {
    BytesRef bytes = doc.getBinaryValue(field);
    if (bytes == null) {
      return null;
    }
    FloatBuffer floats =
        ByteBuffer.wrap(bytes.bytes, bytes.offset, bytes.length)
            .order(ByteOrder.LITTLE_ENDIAN)
            .asFloatBuffer();
    float[] out = new float[floats.remaining()];
    floats.get(out);
    return out;
  }

  private static byte[] toBytes(float[] values) {
    ByteBuffer out =
        ByteBuffer.allocate(Float.BYTES * values.length).order(ByteOrder.LITTLE_ENDIAN);
    out.asFloatBuffer().put(values);
    return out.array();
  }

  private static void keyword(Document doc, String field, String value) {
    if (value != null) {
      doc.add(new StringField(field, value, Field.Store.YES));
    }
  }

  /** The record stored in {@code doc} (all stored fields loaded). */
  static TileRecord toRecord(Document doc) {
    Map<String, String> extra = new TreeMap<>();
    for (IndexableField field : doc.getFields()) {
      if (!TileFields.RESERVED.contains(field.name())) {
        extra.put(field.name(), field.stringValue());
      }
    }
    return TileFields.record(
        name -> {
          IndexableField stored = doc.getField(name);
          if (stored == null) {
            return null;
          }
          return stored.numericValue() != null ? stored.numericValue() : stored.stringValue();
        },
        extra);
  }

  /** The cosine behind a Lucene {@link #SIMILARITY} score. */
  static float cosine(float luceneScore) {
    return 2 * luceneScore - 1;
  }
}
