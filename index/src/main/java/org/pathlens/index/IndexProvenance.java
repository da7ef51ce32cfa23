package org.pathlens.index;

import java.util.HashMap;
import java.util.Map;
import org.pathlens.encoders.bundle.ModelBundle;
import org.pathlens.encoders.preprocess.stain.StainOptions;

/**
 * What made an index's embeddings: the model bundle, and the stain handling applied to tiles before
 * it (normalisation target, test-time augmentation). Embeddings of two models live in unrelated
 * spaces, and tiles normalised toward two targets in two colour spaces, so an index refuses tiles
 * made otherwise; queries by image are embedded with the stain handling it records.
 *
 * @param bundleName the bundle's {@code name}
 * @param contentHash the bundle's content hash
 * @param embeddingDim D
 * @param stain the stain handling of its tiles ({@link StainOptions#NONE} for an index that records none)
 */
public record IndexProvenance(String bundleName, String contentHash, int embeddingDim, StainOptions stain) {

  static final String NAME_KEY = "pathlens.bundle.name";
  static final String HASH_KEY = "pathlens.bundle.hash";
  static final String DIM_KEY = "pathlens.embedding.dim";
  static final String STAIN_KEY = "pathlens.image.stain";

  public IndexProvenance {
    if (stain == null) {
      throw new IllegalArgumentException("stain options missing (StainOptions.NONE for none)");
    }
  }

  /** A bundle's embeddings without stain handling. */
  public IndexProvenance(String bundleName, String contentHash, int embeddingDim) {
    this(bundleName, contentHash, embeddingDim, StainOptions.NONE);
  }

  public static IndexProvenance of(ModelBundle bundle) {
    return new IndexProvenance(bundle.config().name(), bundle.contentHash(), bundle.config().embeddingDim());
  }

  public static IndexProvenance of(ModelBundle bundle, StainOptions stain) {
    return of(bundle).withStain(stain);
  }

  public IndexProvenance withStain(StainOptions options) {
    return new IndexProvenance(bundleName, contentHash, embeddingDim, options);
  }

  /** Same bundle (name, hash, dimension), whatever the stain handling. */
  public boolean sameBundle(IndexProvenance other) {
    return bundleName.equals(other.bundleName) && contentHash.equals(other.contentHash)
        && embeddingDim == other.embeddingDim;
  }

  Map<String, String> toUserData() {
    Map<String, String> data = new HashMap<>();
    data.put(NAME_KEY, bundleName);
    data.put(HASH_KEY, contentHash);
    data.put(DIM_KEY, Integer.toString(embeddingDim));
    if (!stain.isNone()) { // an index without stain handling records what indexes before it recorded
      data.put(STAIN_KEY, stain.toJson());
    }
    return data;
  }

  /** The provenance recorded in a commit, or null for an index that has none. */
  static IndexProvenance fromUserData(Map<String, String> data, Object index) {
    if (!data.containsKey(NAME_KEY)) {
      return null;
    }
    StainOptions stain = data.containsKey(STAIN_KEY)
        ? StainOptions.fromJson(data.get(STAIN_KEY), "index " + index) : StainOptions.NONE;
    return new IndexProvenance(data.get(NAME_KEY), data.get(HASH_KEY), Integer.parseInt(data.get(DIM_KEY)), stain);
  }

  /** The bundle alone, e.g. {@code demo (1a2b3c4d5e6f, D=128)}. */
  public String bundle() {
    return bundleName + " (" + contentHash.substring(0, Math.min(12, contentHash.length())) + ", D=" + embeddingDim + ")";
  }

  @Override
  public String toString() {
    return stain.isNone() ? bundle() : bundle() + " with " + stain.describe();
  }
}
