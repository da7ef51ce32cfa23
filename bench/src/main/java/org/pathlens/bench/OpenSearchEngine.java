package org.pathlens.bench;

import java.io.IOException;
import org.pathlens.index.IndexLocation;
import org.pathlens.index.IndexProvenance;
import org.pathlens.index.IndexSettings;
import org.pathlens.index.OpenSearchTileIndex;
import org.pathlens.index.opensearch.ClusterClient;
import org.pathlens.index.opensearch.ClusterCredentials;

/**
 * The cluster backend: {@link OpenSearchTileIndex} (k-NN plugin, Lucene engine) over HTTP. Tiles
 * are sent in bulks of {@value #BULK} by {@code threads} writers, then each shard is merged to one
 * segment ({@code _forcemerge}), as the Lucene row merges its index; the index is deleted
 * afterwards. Searches pay what a PathLens client pays: a JSON round trip, and the exact scoring of
 * the hits from their stored float32 vectors.
 */
final class OpenSearchEngine extends TileIndexEngine<OpenSearchTileIndex> {

  /** Tiles per {@code _bulk}: about 6 MB of JSON at 512 dimensions. */
  static final int BULK = 1000;

  private final IndexLocation.Cluster location;
  private final IndexSettings settings;

  OpenSearchEngine(
      String name, IndexLocation.Cluster location, IndexSettings settings, int threads) {
    super(name, threads);
    this.location = location;
    this.settings = settings.withCommitSize(BULK);
  }

  @Override
  OpenSearchTileIndex open(IndexProvenance provenance) throws IOException {
    return OpenSearchTileIndex.open(
        location,
        new ClusterClient(location.endpoint(), ClusterCredentials.none()),
        provenance,
        settings,
        true,
        OpenSearchTileIndex.ClusterLayout.DEFAULT);
  }

  @Override
  int slice(int tiles, int threads) {
    return BULK;
  }

  @Override
  public void close() throws IOException {
    if (index != null) {
      index.drop();
    }
  }
}
