package org.pathlens.encoders.bundle;

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
 */
public record ModelConfig(
    String name,
    int embeddingDim,
    double logitScale,
    ImageConfig image,
    TextConfig text,
    ImageFeature imageFeature,
    ImageProjectionConfig imageProjection) {

  /** True when text embeddings can be compared with this bundle's image embeddings. */
  public boolean textComparable() {
    return imageFeature == ImageFeature.PROJECTED;
  }
}
