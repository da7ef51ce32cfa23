package org.pathlens.bench;

import java.io.IOException;
import org.pathlens.index.IndexLocation;
import org.pathlens.index.IndexProvenance;
import org.pathlens.index.IndexSettings;
import org.pathlens.index.TileIndex;

/**
 * The cluster backend (an {@code http://} index: OpenSearch k-NN, Lucene engine) over HTTP. Tiles
 * are sent in bulks of {@value #BULK} by {@code threads} writers, then each shard is merged to one
 * segment ({@code _forcemerge}), as the Lucene row merges its index; the index is deleted
 * afterwards. Searches pay what a PathLens client pays: a JSON round trip, and the exact scoring of
 * the hits from their stored float32 vectors.
 */
final class OpenSearchEngine extends TileIndexEngine {

  /** Tiles per {@code _bulk}: about 6 MB of JSON at 512 dimensions. */
  static final int BULK = 1000;

  private final IndexLocation location;
  private final IndexSettings settings;

  OpenSearchEngine(String name, IndexLocation location, IndexSettings settings, int threads) {
    super(name, threads);
    this.location = location;
    this.settings = settings.withCommitSize(BULK);
  }

  @Override
  TileIndex open(IndexProvenance provenance) throws IOException {
    return location.open(provenance, settings);
  }

  @Override
  int slice(int tiles, int threads) {
    return BULK;
  }

  @Override
  public String searcher(IndexBenchData.FilterCase filter) {
    return filter.fraction() >= 1 ? "-" : "k-NN";
  }

  @Override
  public void close() throws IOException {
    if (index != null) {
      index.drop();
    }
  }
}
