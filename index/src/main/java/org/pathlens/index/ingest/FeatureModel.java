package org.pathlens.index.ingest;

import java.util.List;
import java.util.Locale;
import org.pathlens.encoders.ImageProjection;
import org.pathlens.encoders.VisionLanguageModel;
import org.pathlens.encoders.bundle.ImageFeature;
import org.pathlens.encoders.bundle.ModelConfig;

/**
 * The bundle as feature files are checked against it: the names a file's {@code encoder} attribute
 * may give it, the length of its image embeddings, and its image projection.
 *
 * @param name the bundle's name
 * @param aka other names of the same model, as other tools write them ({@code model.json} {@code
 *     aka}: {@code export conch} gives {@code conch_v1}, TRIDENT's name)
 * @param embeddingDim D of its image embeddings
 * @param projection its image projection, or null when it has none; a bundle whose image embeddings
 *     are themselves pre-projection features has none here: for it such features are its embeddings
 */
public record FeatureModel(
    String name, List<String> aka, int embeddingDim, ImageProjection projection) {

  public FeatureModel {
    aka = List.copyOf(aka);
  }

  /** A model without a projection or other names. */
  public FeatureModel(String name, int embeddingDim) {
    this(name, List.of(), embeddingDim, null);
  }

  /** The loaded bundle's. */
  public static FeatureModel of(VisionLanguageModel model) {
    ModelConfig config = model.bundle().config();
    return new FeatureModel(
        config.name(),
        config.aka(),
        config.embeddingDim(),
        config.imageFeature() == ImageFeature.PRE_PROJECTION
            ? null
            : model.projection().orElse(null));
  }

  /** Whether an {@code encoder} attribute names this model (case, '-' and '_' aside). */
  public boolean isNamed(String encoder) {
    String wanted = canonical(encoder);
    return canonical(name).equals(wanted)
        || aka.stream().anyMatch(a -> canonical(a).equals(wanted));
  }

  private static String canonical(String name) {
    return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.]", "");
  }
}
