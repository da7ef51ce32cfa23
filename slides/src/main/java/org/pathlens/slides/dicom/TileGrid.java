package org.pathlens.slides.dicom;

import java.util.Arrays;

/**
 * Which frame holds each tile of a level: frames tile the total pixel matrix left to right, top to
 * bottom. TILED_FULL files (and files that do not say, as early writers did) store them in that
 * order; TILED_SPARSE files give each frame's position in the per-frame functional groups, and a
 * tile no frame covers is missing (background).
 */
public final class TileGrid {
  /** Frame index per tile, row by row; -1 where no frame covers the tile. */
  private final int[] frameAt;

  private final int columns;
  private final int rows;

  private TileGrid(int[] frameAt, int columns, int rows) {
    this.frameAt = frameAt;
    this.columns = columns;
    this.rows = rows;
  }

  public int columns() {
    return columns;
  }

  public int rows() {
    return rows;
  }

  /** The frame (0-based) at tile ({@code column}, {@code row}); -1 when the tile is missing. */
  public int frame(int column, int row) {
    return frameAt[row * columns + column];
  }

  /** The tiles that no frame covers. */
  public long missing() {
    return Arrays.stream(frameAt).filter(f -> f < 0).count();
  }

  /**
   * The grid of {@code instance}.
   *
   * @throws DicomFormatException too few frames for a full grid, or a frame position off the tile
   *     grid or outside the matrix
   */
  public static TileGrid of(DicomInstance instance) throws DicomFormatException {
    long columns = Math.ceilDiv(instance.totalWidth(), instance.tileWidth());
    long rows = Math.ceilDiv(instance.totalHeight(), instance.tileHeight());
    if (columns * rows > Integer.MAX_VALUE / 2) {
      throw new DicomFormatException(
          "a grid of " + columns + "x" + rows + " tiles is too large to index");
    }
    int[] frameAt = new int[(int) (columns * rows)];
    var positions = instance.framePositions();
    boolean full =
        instance.dimensionOrganization().map(o -> o.equals("TILED_FULL")).orElse(true)
            || positions.isEmpty();
    if (full) {
      if (instance.frames() < frameAt.length) {
        throw new DicomFormatException(
            "a "
                + instance.totalWidth()
                + "x"
                + instance.totalHeight()
                + " matrix in "
                + instance.tileWidth()
                + "x"
                + instance.tileHeight()
                + " tiles needs "
                + frameAt.length
                + " frames (TILED_FULL), the file has "
                + instance.frames());
      }
      // Frames past the first grid are further focal planes or optical paths: not read.
      Arrays.setAll(frameAt, k -> k);
    } else {
      Arrays.fill(frameAt, -1);
      long[][] p = positions.get();
      for (int k = 0; k < p.length; k++) {
        long x = p[k][0] - 1, y = p[k][1] - 1;
        if (x % instance.tileWidth() != 0
            || y % instance.tileHeight() != 0
            || x < 0
            || y < 0
            || x >= instance.totalWidth()
            || y >= instance.totalHeight()) {
          throw new DicomFormatException(
              "frame "
                  + (k + 1)
                  + " lies at column "
                  + p[k][0]
                  + ", row "
                  + p[k][1]
                  + ", which is not the corner of a "
                  + instance.tileWidth()
                  + "x"
                  + instance.tileHeight()
                  + " tile inside the "
                  + instance.totalWidth()
                  + "x"
                  + instance.totalHeight()
                  + " matrix");
        }
        int tile = (int) ((y / instance.tileHeight()) * columns + x / instance.tileWidth());
        if (frameAt[tile] < 0) { // the first frame at a position: further ones are other planes
          frameAt[tile] = k;
        }
      }
    }
    return new TileGrid(frameAt, (int) columns, (int) rows);
  }
}
