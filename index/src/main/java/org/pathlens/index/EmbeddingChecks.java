package org.pathlens.index;

import java.util.List;
import java.util.function.IntFunction;
import org.pathlens.encoders.Embeddings;
import org.pathlens.encoders.NonFiniteEmbeddingException;

/** What every backend checks of a vector before it is indexed or searched with. */
public final class EmbeddingChecks {
  private EmbeddingChecks() {}

  /**
   * Refuses a vector that is not finite, not of the index's dimension or not of unit norm.
   *
   * @param location the index, for the message
   */
  public static void check(
      IndexProvenance provenance, Object location, String id, float[] embedding) {
    if (!NonFiniteEmbeddingException.isFinite(embedding)) {
      throw new IllegalArgumentException(
          "embedding of tile " + id + " is not finite (NaN or infinity): never indexed");
    }
    if (embedding.length != provenance.embeddingDim()) {
      throw new IllegalArgumentException(
          "embedding of tile "
              + id
              + " has dimension "
              + embedding.length
              + ", index "
              + location
              + " holds D="
              + provenance.embeddingDim()
              + " (bundle "
              + provenance.bundleName()
              + ")");
    }
    float norm = (float) Math.sqrt(Embeddings.dot(embedding, embedding));
    if (Math.abs(norm - 1) > 1e-3f) {
      throw new IllegalArgumentException(
          "embedding of tile " + id + " has norm " + norm + ", must be a unit vector");
    }
  }

  /**
   * Refuses {@code features} that are not one per tile, or a feature that is empty or not finite.
   *
   * @param features one per tile (null entries: none), or null for none at all
   */
  public static void checkFeatures(int tiles, List<float[]> features, IntFunction<String> id) {
    if (features == null) {
      return;
    }
    if (features.size() != tiles) {
      throw new IllegalArgumentException(tiles + " tiles but " + features.size() + " features");
    }
    for (int i = 0; i < tiles; i++) {
      float[] feature = features.get(i);
      if (feature != null
          && (feature.length == 0 || !NonFiniteEmbeddingException.isFinite(feature))) {
        throw new IllegalArgumentException(
            "feature of tile " + id.apply(i) + " is empty or not finite: never indexed");
      }
    }
  }

  /** Refuses a field that has no facet: caption text, server paths, vectors, internal fields. */
  public static void requireFacetField(String field) {
    if (TileFilter.HIDDEN.contains(field)
        || field.startsWith("_")
        || field.equals(TileFields.CAPTION)
        || field.equals(TileFields.ID)) {
      throw new IllegalArgumentException("field '" + field + "' has no facet");
    }
  }
}
