package org.pathlens.index;

/**
 * A tile as read back from the index: its record, its embedding (unit norm) and, for a tile
 * imported from pre-projection features, that feature as the file held it (else null).
 */
public record StoredTile(TileRecord record, float[] embedding, float[] feature) {

  /** A tile whose embedding is all the index holds of it. */
  public StoredTile(TileRecord record, float[] embedding) {
    this(record, embedding, null);
  }
}
