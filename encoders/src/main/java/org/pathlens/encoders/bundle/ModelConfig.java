package org.pathlens.encoders.bundle;

import java.util.List;

/**
 * The parsed {@code model.json} of a model bundle.
 *
 * @param name model name, recorded in indexes built with it
 * @param embeddingDim dimension D of the joint embedding space
 * @param logitScale the exponentiated temperature (e.g. 100.0) multiplying cosine similarities
 * @param image image preprocessing
 * @param text text tokenisation
 * @param imageFeature whether image embeddings are in the text space ({@code image.feature})
 * @param imageProjection the projection of pre-projection image features into the embedding space
 *     ({@code image.projection}), or null for a bundle without one
 * @param aka other names of the model, as other tools write them (TRIDENT's {@code conch_v1} for
 *     CONCH): a feature file whose {@code encoder} attribute gives one of them is this model's
 */
public record ModelConfig(
    String name,
    int embeddingDim,
    double logitScale,
    ImageConfig image,
    TextConfig text,
    ImageFeature imageFeature,
    ImageProjectionConfig imageProjection,
    List<String> aka) {

  public ModelConfig {
    aka = List.copyOf(aka);
  }

  /** True when text embeddings can be compared with this bundle's image embeddings. */
  public boolean textComparable() {
    return imageFeature == ImageFeature.PROJECTED;
  }
}
