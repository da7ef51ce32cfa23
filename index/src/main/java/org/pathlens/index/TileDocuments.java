package org.pathlens.index;

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
    return toDocument(tile, embedding, null, null);
  }

  /**
   * A tile of an index with a batch correction: {@code vector} is what searches see, {@code raw}
   * (null when the vector is the raw embedding) the embedding as encoded, {@code corrected} whether
   * the vector is corrected (null in an index without a correction).
   */
  static Document toDocument(TileRecord tile, float[] vector, float[] raw, Boolean corrected) {
    Document doc = new Document();
    doc.add(new StringField(TileFields.ID, tile.id(), Field.Store.YES));
    // Doc values too: ranking candidates by (score, id) then reads ids without decompressing
    // documents.
    doc.add(new SortedDocValuesField(TileFields.ID, new BytesRef(tile.id())));
    TileFields.keywords(tile).forEach((field, value) -> keyword(doc, field, value));
    if (tile.caption() != null) {
      doc.add(new TextField(TileFields.CAPTION, tile.caption(), Field.Store.YES));
    }
    if (tile.x() != null) {
      doc.add(new IntPoint(TileFields.X, tile.x()));
      doc.add(new StoredField(TileFields.X, tile.x()));
    }
    if (tile.y() != null) {
      doc.add(new IntPoint(TileFields.Y, tile.y()));
      doc.add(new StoredField(TileFields.Y, tile.y()));
    }
    if (tile.mpp() != null) {
      doc.add(new DoublePoint(TileFields.MPP, tile.mpp()));
      doc.add(new StoredField(TileFields.MPP, tile.mpp()));
    }
    for (Map.Entry<String, String> entry : new TreeMap<>(tile.extra()).entrySet()) {
      keyword(doc, entry.getKey(), entry.getValue());
    }
    doc.add(new KnnFloatVectorField(TileFields.EMBEDDING, vector, SIMILARITY));
    if (raw != null) {
      doc.add(new StoredField(TileFields.EMBEDDING_RAW, toBytes(raw)));
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
    BytesRef bytes = doc.getBinaryValue(TileFields.EMBEDDING_RAW);
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
    return new TileRecord(
        doc.get(TileFields.ID),
        doc.get(TileFields.SLIDE_ID),
        doc.get(TileFields.PATIENT_ID),
        doc.get(TileFields.SITE),
        doc.get(TileFields.STAIN),
        doc.get(TileFields.SCANNER),
        doc.get(TileFields.LABEL),
        doc.get(TileFields.CAPTION),
        intValue(doc, TileFields.X),
        intValue(doc, TileFields.Y),
        doc.getField(TileFields.MPP) == null
            ? null
            : doc.getField(TileFields.MPP).numericValue().doubleValue(),
        doc.get(TileFields.SOURCE),
        extra);
  }

  private static Integer intValue(Document doc, String field) {
    IndexableField stored = doc.getField(field);
    return stored == null ? null : stored.numericValue().intValue();
  }

  /** The cosine behind a Lucene {@link #SIMILARITY} score. */
  static float cosine(float luceneScore) {
    return 2 * luceneScore - 1;
  }
}
