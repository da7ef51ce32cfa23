package org.pathlens.slides;

import java.util.List;

/**
 * How a slide is tiled, decided once from its pyramid: which level is read, how large a region at
 * that level one tile is, and the grid of whole tiles over level 0.
 *
 * @param slideMpp the level-0 resolution used (the slide's, or the assumed one)
 * @param mppSource where {@code slideMpp} came from
 * @param level the pyramid level read
 * @param downsample that level's downsample
 * @param tileWidth0 a tile's width in level-0 pixels (fractional; positions are rounded)
 * @param tileHeight0 a tile's height in level-0 pixels
 * @param readWidth pixels read at {@code level} per tile, resampled to the tile size
 * @param readHeight pixels read at {@code level} per tile
 * @param columns whole tiles across level 0
 * @param rows whole tiles down level 0
 * @param tileMpp the resolution of the tiles as read, which differs from the requested one only by
 *     rounding the read size to whole pixels (e.g. 0.499 on a 0.499 µm/px slide asked for 0.5)
 * @param warnings what the caller should show: slight upsampling, an assumed resolution
 */
public record TilingPlan(
    Mpp slideMpp,
    MppSource mppSource,
    int level,
    double downsample,
    double tileWidth0,
    double tileHeight0,
    int readWidth,
    int readHeight,
    int columns,
    int rows,
    double tileMpp,
    List<String> warnings) {

  /** Tiles in the full grid before the tissue filter. */
  public long gridSize() {
    return (long) columns * rows;
  }

  /** The level-0 rectangle of grid tile (column, row). */
  TilePosition position(int column, int row, double tissue) {
    long x = Math.round(column * tileWidth0), y = Math.round(row * tileHeight0);
    return new TilePosition(
        column, row, x, y, Math.round(tileWidth0), Math.round(tileHeight0), tissue);
  }
}
