package org.pathlens.index;

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
 * as analysed full text, coordinates as points (range filters) plus stored values, the embedding
 * as an HNSW-indexed vector.
 */
final class TileDocuments {

  /**
   * Embeddings are unit norm, so the dot product is the cosine and skips the norms; Lucene scores it
   * as {@code (1 + cos) / 2}, see {@link #cosine}.
   */
  static final VectorSimilarityFunction SIMILARITY = VectorSimilarityFunction.DOT_PRODUCT;

  private TileDocuments() {}

  static Document toDocument(TileRecord tile, float[] embedding) {
    Document doc = new Document();
    doc.add(new StringField(TileFields.ID, tile.id(), Field.Store.YES));
    // Doc values too: ranking candidates by (score, id) then reads ids without decompressing documents.
    doc.add(new SortedDocValuesField(TileFields.ID, new BytesRef(tile.id())));
    keyword(doc, TileFields.SLIDE_ID, tile.slideId());
    keyword(doc, TileFields.PATIENT_ID, tile.patientId());
    keyword(doc, TileFields.SITE, tile.site());
    keyword(doc, TileFields.STAIN, tile.stain());
    keyword(doc, TileFields.SCANNER, tile.scanner());
    keyword(doc, TileFields.LABEL, tile.label());
    keyword(doc, TileFields.SOURCE, tile.source());
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
    doc.add(new KnnFloatVectorField(TileFields.EMBEDDING, embedding, SIMILARITY));
    return doc;
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
        doc.getField(TileFields.MPP) == null ? null : doc.getField(TileFields.MPP).numericValue().doubleValue(),
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
