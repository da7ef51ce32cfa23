package org.pathlens.encoders.bundle;

/**
 * The parsed {@code model.json} of a model bundle.
 *
 * @param name model name, recorded in indexes built with it
 * @param embeddingDim dimension D of the joint embedding space
 * @param logitScale the exponentiated temperature (e.g. 100.0) multiplying cosine similarities
 * @param image image preprocessing
 * @param text text tokenisation
 * @param imageFeature {@code "projected"} (the default: image and text embeddings share one space)
 *     or {@code "pre-projection"} (image features before the model's projection, as CONCH's README
 *     recommends for linear probes and MIL; texts cannot be compared with them)
 */
public record ModelConfig(
    String name,
    int embeddingDim,
    double logitScale,
    ImageConfig image,
    TextConfig text,
    String imageFeature) {

  public static final String PROJECTED = "projected";
  public static final String PRE_PROJECTION = "pre-projection";

  /** True when text embeddings can be compared with this bundle's image embeddings. */
  public boolean textComparable() {
    return PROJECTED.equals(imageFeature);
  }
}
