package org.pathlens.slides;

import java.util.Objects;

/**
 * How to cut a slide into tiles.
 *
 * @param mpp microns per pixel of the tiles (0.5 is 20×, what most pathology models were trained
 *     at)
 * @param tileSize tile side in pixels
 * @param minTissue the smallest share of tissue (0..1) a kept tile has; 0 keeps every tile
 * @param slideMpp which level-0 microns per pixel each slide is read at: its own, or one given for
 *     slides that record none or record it wrongly
 */
public record TilingOptions(double mpp, int tileSize, double minTissue, SlideMppRule slideMpp) {

  public TilingOptions {
    if (!(mpp > 0) || Double.isInfinite(mpp)) {
      throw new IllegalArgumentException("tile microns per pixel must be positive, got " + mpp);
    }
    if (tileSize < 8 || tileSize > 8192) {
      throw new IllegalArgumentException("tile size must be 8..8192 pixels, got " + tileSize);
    }
    if (!(minTissue >= 0 && minTissue <= 1)) {
      throw new IllegalArgumentException(
          "minimum tissue fraction must be in 0..1, got " + minTissue);
    }
    Objects.requireNonNull(slideMpp, "slide µm/px rule");
  }

  /** 224-pixel tiles at 0.5 µm/px with at least half tissue. */
  public static TilingOptions defaults() {
    return new TilingOptions(0.5, 224, 0.5, SlideMppRule.OWN);
  }

  public TilingOptions withMpp(double value) {
    return new TilingOptions(value, tileSize, minTissue, slideMpp);
  }

  public TilingOptions withTileSize(int value) {
    return new TilingOptions(mpp, value, minTissue, slideMpp);
  }

  public TilingOptions withMinTissue(double value) {
    return new TilingOptions(mpp, tileSize, value, slideMpp);
  }

  /** Every slide read at {@code value} µm/px at level 0, whatever it records. */
  public TilingOptions withAssumedMpp(double value) {
    return withSlideMpp(SlideMppRule.overriding(value));
  }

  public TilingOptions withSlideMpp(SlideMppRule rule) {
    return new TilingOptions(mpp, tileSize, minTissue, rule);
  }
}
