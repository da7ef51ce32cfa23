package org.pathlens.slides;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Decoded TIFF tiles, least recently used dropped first, bounded by bytes. Tiling a slide row by
 * row touches each stored tile from two or three neighbouring output tiles; keeping a few rows of
 * them decodes each JPEG tile once. Not thread-safe: its owner synchronizes.
 */
final class TileCache {
  /** A decoded tile: its pixel size and interleaved RGB. */
  record Tile(int width, int height, byte[] rgb) {}

  private final long capacityBytes;
  private long bytes;
  private final LinkedHashMap<Long, Tile> tiles = new LinkedHashMap<>(64, 0.75f, true);

  TileCache(long capacityBytes) {
    this.capacityBytes = capacityBytes;
  }

  static long key(int page, int column, int row) {
    return ((long) page << 48) | ((long) row << 24) | column;
  }

  Tile get(long key) {
    return tiles.get(key);
  }

  void put(long key, Tile tile) {
    Tile old = tiles.put(key, tile);
    bytes += tile.rgb().length - (old == null ? 0 : old.rgb().length);
    var it = tiles.entrySet().iterator();
    while (bytes > capacityBytes && tiles.size() > 1 && it.hasNext()) {
      Map.Entry<Long, Tile> eldest = it.next();
      bytes -= eldest.getValue().rgb().length;
      it.remove();
    }
  }
}
