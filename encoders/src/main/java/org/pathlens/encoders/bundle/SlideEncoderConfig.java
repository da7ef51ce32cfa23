package org.pathlens.encoders.bundle;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The parsed {@code model.json} of a slide-encoder bundle ({@code "kind": "slide-encoder"}).
 *
 * @param name the encoder's name: the method its slide vectors are stored under
 * @param embeddingDim D_s, the length of the slide embedding it returns
 * @param maxTiles the most tiles of one slide it takes (memory, or positions it was trained on)
 * @param tileFeatures which tile features it takes
 * @param provenance who made the bundle and how, as {@code model.json} says it (one line of JSON)
 */
public record SlideEncoderConfig(
    String name, int embeddingDim, int maxTiles, TileFeatures tileFeatures, String provenance) {

  /** The value of {@code kind} that marks a slide-encoder bundle. */
  public static final String KIND = "slide-encoder";

  /**
   * {@code tile_features}: the tile features the encoder was trained on.
   *
   * @param model the image bundle whose features it takes (its {@code name})
   * @param aka other names of that model, as other tools write them (TRIDENT's {@code conch_v15})
   * @param space whether it takes the image bundle's embeddings or its pre-projection features
   * @param inputDim D, the length of one tile feature
   * @param tileSize the tile side in pixels the features were computed from, or null when the
   *     encoder does not say (TITAN: 512)
   * @param mpp the tiles' µm/px, or null when the encoder does not say (TITAN: 0.5, i.e. 20x)
   */
  public record TileFeatures(
      String model, List<String> aka, Space space, int inputDim, Integer tileSize, Double mpp) {

    /** How far a slide's tile µm/px may be from {@code mpp}, relatively. */
    public static final double MPP_TOLERANCE = 0.05;

    public TileFeatures {
      aka = List.copyOf(aka);
    }

    /** The model and its other names. */
    public List<String> names() {
      List<String> names = new ArrayList<>(List.of(model));
      names.addAll(aka);
      return names;
    }

    /**
     * True when tiles of {@code size} px at {@code tileMpp} µm/px are what the encoder declares (or
     * it declares nothing).
     */
    public boolean takesTiles(int size, double tileMpp) {
      return (tileSize == null || tileSize == size)
          && (mpp == null || Math.abs(tileMpp - mpp) <= MPP_TOLERANCE * mpp);
    }

    /** True when tiles embedded by the image bundle called {@code bundleName} are its input. */
    public boolean takesFeaturesOf(String bundleName) {
      return names().contains(bundleName);
    }
  }

  /** Which of an image bundle's outputs a tile feature is. */
  public enum Space {
    /** The image bundle's embeddings, as the index stores them (unit length). */
    EMBEDDING("embedding"),
    /** Its features before the projection into the text space (TRIDENT's CONCH features). */
    PRE_PROJECTION("pre-projection");

    private final String value;

    Space(String value) {
      this.value = value;
    }

    /** As {@code model.json} spells it, and the index's feature space does. */
    public String value() {
      return value;
    }

    static Space parse(String text) {
      for (Space space : values()) {
        if (space.value.equals(text.strip().toLowerCase(Locale.ROOT))) {
          return space;
        }
      }
      throw new IllegalArgumentException(
          "field \"tile_features.space\" must be \"embedding\" or \"pre-projection\", got \""
              + text
              + "\"");
    }
  }
}
