package org.pathlens.encoders;

/**
 * One slide as a slide encoder takes it: its tiles' features, where each tile lies at level 0 and
 * how large a tile is there.
 *
 * @param features [N][D] tile features, one row per tile
 * @param coords [N][2] the level-0 (x, y) of each tile's top-left corner, in pixels
 * @param patchSizeLevel0 the tile side in level-0 pixels (TRIDENT's {@code patch_size_level0})
 */
public record SlideTiles(float[][] features, long[][] coords, long patchSizeLevel0) {

  public SlideTiles {
    if (features.length == 0) {
      throw new IllegalArgumentException("a slide without tiles has no slide embedding");
    }
    if (coords.length != features.length) {
      throw new IllegalArgumentException(
          features.length + " tile features but " + coords.length + " coordinates");
    }
    for (long[] xy : coords) {
      if (xy.length != 2) {
        throw new IllegalArgumentException("a tile's coordinates are (x, y), got " + xy.length);
      }
    }
    if (patchSizeLevel0 <= 0) {
      throw new IllegalArgumentException(
          "the tile side at level 0 must be positive, got " + patchSizeLevel0);
    }
  }

  /** N, the number of tiles. */
  public int size() {
    return features.length;
  }
}
