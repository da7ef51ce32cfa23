package org.pathlens.index;

import java.util.HashMap;
import java.util.Map;
import org.pathlens.encoders.bundle.ModelBundle;

/**
 * Which model bundle made an index's embeddings. Embeddings of two models live in unrelated spaces,
 * so an index refuses queries and tiles from any other bundle.
 *
 * @param bundleName the bundle's {@code name}
 * @param contentHash the bundle's content hash
 * @param embeddingDim D
 */
public record IndexProvenance(String bundleName, String contentHash, int embeddingDim) {

  static final String NAME_KEY = "pathlens.bundle.name";
  static final String HASH_KEY = "pathlens.bundle.hash";
  static final String DIM_KEY = "pathlens.embedding.dim";

  public static IndexProvenance of(ModelBundle bundle) {
    return new IndexProvenance(bundle.config().name(), bundle.contentHash(), bundle.config().embeddingDim());
  }

  Map<String, String> toUserData() {
    Map<String, String> data = new HashMap<>();
    data.put(NAME_KEY, bundleName);
    data.put(HASH_KEY, contentHash);
    data.put(DIM_KEY, Integer.toString(embeddingDim));
    return data;
  }

  /** The provenance recorded in a commit, or null for an index that has none. */
  static IndexProvenance fromUserData(Map<String, String> data) {
    if (!data.containsKey(NAME_KEY)) {
      return null;
    }
    return new IndexProvenance(data.get(NAME_KEY), data.get(HASH_KEY), Integer.parseInt(data.get(DIM_KEY)));
  }

  @Override
  public String toString() {
    return bundleName + " (" + contentHash.substring(0, Math.min(12, contentHash.length())) + ", D=" + embeddingDim + ")";
  }
}
