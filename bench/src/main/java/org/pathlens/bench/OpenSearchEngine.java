package org.pathlens.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.pathlens.index.IndexLocation;
import org.pathlens.index.IndexProvenance;
import org.pathlens.index.IndexSettings;
import org.pathlens.index.OpenSearchTileIndex;
import org.pathlens.index.SearchHit;
import org.pathlens.index.TileFilter;
import org.pathlens.index.TileRecord;
import org.pathlens.index.opensearch.ClusterClient;
import org.pathlens.index.opensearch.ClusterCredentials;

/**
 * The cluster backend: {@link OpenSearchTileIndex} (k-NN plugin, Lucene engine) over HTTP. Tiles
 * are sent in bulks of {@value #BULK} by {@code threads} writers, then each shard is merged to one
 * segment ({@code _forcemerge}), as the Lucene row merges its index; the index is deleted
 * afterwards. Searches pay what a PathLens client pays: a JSON round trip, and the exact rescoring
 * of the candidates from their stored float32 vectors.
 */
final class OpenSearchEngine implements VectorEngine {

  /** Tiles per {@code _bulk}: about 6 MB of JSON at 512 dimensions. */
  static final int BULK = 1000;

  private final String name;
  private final IndexLocation.Cluster location;
  private final IndexSettings settings;
  private final int threads;
  private OpenSearchTileIndex index;
  private final Map<String, TileFilter> filters = new HashMap<>();

  OpenSearchEngine(
      String name, IndexLocation.Cluster location, IndexSettings settings, int threads) {
    this.name = name;
    this.location = location;
    this.settings = settings.withCommitSize(BULK);
    this.threads = threads;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void build(IndexBenchData data) throws Exception {
    int dim = data.vectors()[0].length;
    ClusterClient client = new ClusterClient(location.endpoint(), ClusterCredentials.none());
    index =
        OpenSearchTileIndex.open(
            location,
            client,
            new IndexProvenance("bench-random", "random-clustered-vectors", dim),
            settings,
            true,
            OpenSearchTileIndex.ClusterLayout.DEFAULT);
    List<TileRecord> tiles = new ArrayList<>();
    for (int i = 0; i < data.vectors().length; i++) {
      tiles.add(LuceneEngine.record(i));
    }
    ParallelAdd.add(index, tiles, data.vectors(), threads, BULK);
    index.forceMerge();
    for (IndexBenchData.FilterCase filter : data.filters()) {
      filters.put(filter.name(), TileFilter.parse(filter.query()));
    }
  }

  @Override
  public List<Integer> search(
      float[] query, int k, int candidates, IndexBenchData.FilterCase filter) throws IOException {
    List<SearchHit> hits = index.searchIds(query, k, candidates, filters.get(filter.name()));
    return hits.stream().map(h -> Integer.parseInt(h.id())).toList();
  }

  /** The primaries' store: one copy, as the Lucene row's directory is. */
  @Override
  public long diskBytes() throws IOException {
    return index.sizeOnDisk();
  }

  @Override
  public void close() throws IOException {
    if (index != null) {
      index.drop();
    }
  }
}
