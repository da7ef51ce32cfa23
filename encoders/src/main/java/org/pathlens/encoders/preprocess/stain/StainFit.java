package org.pathlens.encoders.preprocess.stain;

import java.util.Locale;

/** Where the source staining is estimated from. */
public enum StainFit {
  /** Each tile from its own pixels. */
  TILE,
  /**
   * Once per slide, from a sample of its tissue tiles ({@link StainNormalization#SLIDE_SAMPLE}),
   * then applied to every tile of the slide: a tile of mostly one stain (a lymphocyte cluster, a
   * patch of stroma) keeps its colour balance instead of being pushed to the target's mixture. A
   * tile with no slide (an uploaded query image) is its own slide.
   */
  SLIDE;

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static StainFit parse(String name) {
    return switch (name.strip().toLowerCase(Locale.ROOT)) {
      case "tile" -> TILE;
      case "slide" -> SLIDE;
      default ->
          throw new IllegalArgumentException(
              "unknown stain fit \"" + name + "\": use tile or slide");
    };
  }
}
