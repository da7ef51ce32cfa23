package org.pathlens.encoders.bundle;

/**
 * What a bundle's image embeddings are ({@code image.feature} in {@code model.json}): in the text
 * space, or features from before the model's projection into it (CONCH's for linear probes and
 * MIL), which texts cannot be compared with.
 */
public enum ImageFeature {
  /** {@code "projected"}, the default: image and text embeddings share one space. */
  PROJECTED("projected"),
  /** {@code "pre-projection"}: image features only; text search and zero-shot are refused. */
  PRE_PROJECTION("pre-projection");

  private final String value;

  ImageFeature(String value) {
    this.value = value;
  }

  /** The name as {@code model.json} and {@code pathlens export --image-feature} spell it. */
  public String value() {
    return value;
  }

  public static ImageFeature parse(String value) {
    for (ImageFeature feature : values()) {
      if (feature.value.equals(value)) {
        return feature;
      }
    }
    throw new IllegalArgumentException(
        "image.feature must be \"projected\" or \"pre-projection\", got \"" + value + "\"");
  }
}
