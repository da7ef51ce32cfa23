package org.pathlens.index;

/** A tile as read back from the index: its record and its embedding (unit norm). */
public record StoredTile(TileRecord record, float[] embedding) {}
