package org.pathlens.index.ingest;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.pathlens.index.TileIndex;
import org.pathlens.index.TileRecord;

/**
 * Collects embedded tiles and hands them to the index one commit batch at a time: encoder batches
 * (tens of tiles) are much smaller than a sensible commit (a thousand), and a commit per encoder
 * batch would spend the ingest in fsync. Holds at most one commit batch of embeddings, so memory
 * stays flat.
 */
final class IndexBuffer {
  private final TileIndex index;
  private final IngestListener listener;
  private final int capacity;
  private final List<TileRecord> tiles = new ArrayList<>();
  private final List<float[]> embeddings = new ArrayList<>();
  private final List<float[]> features = new ArrayList<>();
  private boolean anyFeature;
  private long added;

  IndexBuffer(TileIndex index, IngestListener listener) {
    this.index = index;
    this.listener = listener;
    this.capacity = index.settings().commitSize();
  }

  /** Adds one embedded tile; commits when a commit batch is full. */
  void add(TileRecord tile, float[] embedding) throws IOException {
    add(List.of(tile), List.of(embedding));
  }

  /** Adds an encoder batch of embedded tiles; commits when a commit batch is full. */
  void add(List<TileRecord> batchTiles, List<float[]> batchEmbeddings) throws IOException {
    add(batchTiles, batchEmbeddings, null);
  }

  /**
   * As {@link #add(List, List)}, with the features the tiles were imported as (null: none; see
   * {@link TileIndex#add(List, List, List)}).
   */
  void add(List<TileRecord> batchTiles, List<float[]> batchEmbeddings, List<float[]> batchFeatures)
      throws IOException {
    tiles.addAll(batchTiles);
    embeddings.addAll(batchEmbeddings);
    for (int i = 0; i < batchTiles.size(); i++) {
      features.add(batchFeatures == null ? null : batchFeatures.get(i));
    }
    anyFeature |= batchFeatures != null;
    listener.indexed(batchTiles.size());
    if (tiles.size() >= capacity) {
      flush();
    }
  }

  /** Adds and commits what is buffered. */
  void flush() throws IOException {
    if (tiles.isEmpty()) {
      return;
    }
    index.add(tiles, embeddings, anyFeature ? features : null);
    added += tiles.size();
    tiles.clear();
    embeddings.clear();
    features.clear();
    anyFeature = false;
  }

  /** Tiles committed so far. */
  long added() {
    return added;
  }
}
