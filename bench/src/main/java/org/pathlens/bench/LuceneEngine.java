package org.pathlens.bench;

import java.io.IOException;
import java.nio.file.Path;
import org.pathlens.index.IndexLocation;
import org.pathlens.index.IndexProvenance;
import org.pathlens.index.IndexSettings;
import org.pathlens.index.TileIndex;

/**
 * The product path: {@link TileIndex} embedded (a directory: Lucene HNSW). Tiles are added by
 * {@code threads} writers at once (each builds the graph of its own segment), then merged to one
 * segment by the multi-threaded HNSW merge, which is what a finished ingest serves from.
 */
final class LuceneEngine extends TileIndexEngine {

  private final Path dir;
  private final IndexSettings settings;

  LuceneEngine(String name, Path dir, IndexSettings settings, int threads) {
    super(name, threads);
    this.dir = dir;
    this.settings = settings;
  }

  @Override
  TileIndex open(IndexProvenance provenance) throws IOException {
    return IndexLocation.of(dir).open(provenance, settings);
  }

  /** One slice per writer: each builds the graph of its own segment. */
  @Override
  int slice(int tiles, int threads) {
    return (tiles + threads - 1) / threads;
  }

  @Override
  public void close() throws IOException {
    if (index != null) {
      index.close();
    }
  }
}
