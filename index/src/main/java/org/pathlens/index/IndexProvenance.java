package org.pathlens.index;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.pathlens.encoders.CanaryCheck;
import org.pathlens.encoders.VisionLanguageModel;
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
 * @param stain the stain handling of its tiles ({@link StainOptions#NONE} for an index that records
 *     none)
 * @param engine what computed the embeddings and how it did on the bundle's canary; null where the
 *     caller computes none (vectors handed in, or a search by stored vectors only)
 */
public record IndexProvenance(
    String bundleName,
    String contentHash,
    int embeddingDim,
    StainOptions stain,
    CanaryCheck engine) {

  static final String NAME_KEY = "pathlens.bundle.name";
  static final String HASH_KEY = "pathlens.bundle.hash";
  static final String DIM_KEY = "pathlens.embedding.dim";
  static final String STAIN_KEY = "pathlens.image.stain";
  public static final String ENGINE_KEY = "pathlens.engine";
  static final String CANARY_INPUTS_KEY = "pathlens.engine.canary.inputs";
  static final String CANARY_COSINE_KEY = "pathlens.engine.canary.worst_cosine";
  public static final List<String> ENGINE_KEYS =
      List.of(ENGINE_KEY, CANARY_INPUTS_KEY, CANARY_COSINE_KEY);

  /** Recorded for vectors that no encoder of this run computed (benchmarks, vectors handed in). */
  static final String GIVEN_VECTORS = "none: vectors handed in by the caller";

  public IndexProvenance {
    if (stain == null) {
      throw new IllegalArgumentException("stain options missing (StainOptions.NONE for none)");
    }
  }

  /** Embeddings of unknown origin (handed in) with the given stain handling. */
  public IndexProvenance(
      String bundleName, String contentHash, int embeddingDim, StainOptions stain) {
    this(bundleName, contentHash, embeddingDim, stain, null);
  }

  /** A bundle's embeddings without stain handling, of unknown origin (handed in). */
  public IndexProvenance(String bundleName, String contentHash, int embeddingDim) {
    this(bundleName, contentHash, embeddingDim, StainOptions.NONE);
  }

  /** The bundle alone: for a caller that computes no embedding (a search by stored vectors). */
  public static IndexProvenance of(ModelBundle bundle) {
    return new IndexProvenance(
        bundle.config().name(), bundle.contentHash(), bundle.config().embeddingDim());
  }

  public static IndexProvenance of(ModelBundle bundle, StainOptions stain) {
    return of(bundle).withStain(stain);
  }

  /** Embeddings computed by {@code model}, whose engine and canary result the index records. */
  public static IndexProvenance of(VisionLanguageModel model) {
    return of(model.bundle()).withEngine(model.canary());
  }

  public static IndexProvenance of(VisionLanguageModel model, StainOptions stain) {
    return of(model).withStain(stain);
  }

  public IndexProvenance withStain(StainOptions options) {
    return new IndexProvenance(bundleName, contentHash, embeddingDim, options, engine);
  }

  public IndexProvenance withEngine(CanaryCheck check) {
    return new IndexProvenance(bundleName, contentHash, embeddingDim, stain, check);
  }

  /**
   * Embeddings of one bundle from two engines compare only if PathLens can vouch for both: when
   * each passed the bundle's canary they both match the reference; otherwise they must be the same
   * engine. {@code other} is this run's; nothing to check when it computes no embedding.
   *
   * @throws IllegalStateException naming both engines and the way out
   */
  void requireCompatibleEngine(IndexProvenance other, Object index) {
    if (other.engine == null || engine == null) {
      return;
    }
    boolean bothChecked = engine.passed() && other.engine.passed();
    if (!bothChecked && !engine.engine().equals(other.engine.engine())) {
      throw new IllegalStateException(
          "index "
              + index
              + " holds embeddings computed by "
              + engine.engine()
              + " ("
              + engine.describe()
              + ") but this run uses "
              + other.engine.engine()
              + " ("
              + other.engine.describe()
              + "); without a canary passed by both, PathLens cannot vouch that they compute the same embeddings: run"
              + " on the index's engine, add a canary to the bundle (fixtures/scripts/make_canary.py), or ingest into a"
              + " new index directory");
    }
  }

  /** Same bundle (name, hash, dimension), whatever the stain handling. */
  public boolean sameBundle(IndexProvenance other) {
    return bundleName.equals(other.bundleName)
        && contentHash.equals(other.contentHash)
        && embeddingDim == other.embeddingDim;
  }

  Map<String, String> toUserData() {
    Map<String, String> data = new HashMap<>();
    data.put(NAME_KEY, bundleName);
    data.put(HASH_KEY, contentHash);
    data.put(DIM_KEY, Integer.toString(embeddingDim));
    if (!stain
        .isNone()) { // an index without stain handling records what indexes before it recorded
      data.put(STAIN_KEY, stain.toJson());
    }
    if (engine != null) {
      data.put(ENGINE_KEY, engine.engine());
      data.put(CANARY_INPUTS_KEY, Integer.toString(engine.inputs()));
      data.put(CANARY_COSINE_KEY, String.format(Locale.ROOT, "%.7f", engine.worstCosine()));
    }
    return data;
  }

  /** The provenance recorded in a commit, or null for an index that has none. */
  public static IndexProvenance fromUserData(Map<String, String> data, Object index) {
    if (!data.containsKey(NAME_KEY)) {
      return null;
    }
    StainOptions stain =
        data.containsKey(STAIN_KEY)
            ? StainOptions.fromJson(data.get(STAIN_KEY), "index " + index)
            : StainOptions.NONE;
    boolean computed = data.containsKey(ENGINE_KEY) && !data.get(ENGINE_KEY).equals(GIVEN_VECTORS);
    CanaryCheck engine =
        !computed
            ? null
            : new CanaryCheck(
                data.get(ENGINE_KEY),
                Integer.parseInt(data.getOrDefault(CANARY_INPUTS_KEY, "0")),
                Double.parseDouble(data.getOrDefault(CANARY_COSINE_KEY, "NaN")),
                null,
                0);
    return new IndexProvenance(
        data.get(NAME_KEY), data.get(HASH_KEY), Integer.parseInt(data.get(DIM_KEY)), stain, engine);
  }

  /** The bundle alone, e.g. {@code demo (1a2b3c4d5e6f, D=128)}. */
  public String bundle() {
    return bundleName
        + " ("
        + contentHash.substring(0, Math.min(12, contentHash.length()))
        + ", D="
        + embeddingDim
        + ")";
  }

  @Override
  public String toString() {
    return stain.isNone() ? bundle() : bundle() + " with " + stain.describe();
  }
}
