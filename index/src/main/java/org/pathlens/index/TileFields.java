package org.pathlens.index;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Names of the Lucene fields of a tile document; filters use these names. */
final class TileFields {

  static final String ID = "id";
  static final String SLIDE_ID = "slide_id";
  static final String PATIENT_ID = "patient_id";
  static final String SITE = "site";
  static final String STAIN = "stain";
  static final String SCANNER = "scanner";
  static final String LABEL = "label";
  static final String CAPTION = "caption";
  static final String X = "x";
  static final String Y = "y";
  static final String MPP = "mpp";
  static final String SOURCE = "source";
  static final String EMBEDDING = "embedding";

  /**
   * The embedding as encoded, stored beside a batch-corrected one so that a new fit starts from it.
   */
  static final String EMBEDDING_RAW = "embedding_raw";

  /**
   * {@code true}/{@code false} in an index with a batch correction: whether the tile's vector is
   * corrected.
   */
  static final String BATCH_CORRECTED = "batch_corrected";

  /**
   * The record's whole-value (keyword) fields besides the id, in the order documents add them: a
   * keyword in the Lucene index, a {@code keyword} in the OpenSearch mapping.
   */
  static final List<String> KEYWORDS =
      List.of(SLIDE_ID, PATIENT_ID, SITE, STAIN, SCANNER, LABEL, SOURCE);

  /** The values {@code tile} has for {@link #KEYWORDS}, in that order; absent ones left out. */
  static Map<String, String> keywords(TileRecord tile) {
    Map<String, String> values = new LinkedHashMap<>();
    String[] byField = {
      tile.slideId(),
      tile.patientId(),
      tile.site(),
      tile.stain(),
      tile.scanner(),
      tile.label(),
      tile.source()
    };
    for (int i = 0; i < KEYWORDS.size(); i++) {
      if (byField[i] != null) {
        values.put(KEYWORDS.get(i), byField[i]);
      }
    }
    return values;
  }

  /** Fields an extra metadata key may not take. */
  static final Set<String> RESERVED =
      Set.of(
          ID,
          SLIDE_ID,
          PATIENT_ID,
          SITE,
          STAIN,
          SCANNER,
          LABEL,
          CAPTION,
          X,
          Y,
          MPP,
          SOURCE,
          EMBEDDING,
          EMBEDDING_RAW,
          BATCH_CORRECTED);

  private TileFields() {}
}
