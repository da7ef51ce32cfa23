package org.pathlens.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.pathlens.index.IndexProvenance;
import org.pathlens.index.IndexSettings;
import org.pathlens.index.LuceneTileIndex;
import org.pathlens.index.SearchHit;
import org.pathlens.index.TileFilter;
import org.pathlens.index.TileIndex;
import org.pathlens.index.TileRecord;

/**
 * The product path: {@link TileIndex} embedded ({@link LuceneTileIndex}, Lucene HNSW). Tiles are
 * added by {@code threads} writers at once (each builds the graph of its own segment), then merged
 * to one segment by the multi-threaded HNSW merge, which is what a finished ingest serves from.
 */
final class LuceneEngine implements VectorEngine {

  private final String name;
  private final Path dir;
  private final IndexSettings settings;
  private final int threads;
  private LuceneTileIndex index;
  private final Map<String, TileFilter> filters = new HashMap<>();

  LuceneEngine(String name, Path dir, IndexSettings settings, int threads) {
    this.name = name;
    this.dir = dir;
    this.settings = settings;
    this.threads = threads;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void build(IndexBenchData data) throws Exception {
    int dim = data.vectors()[0].length;
    index =
        TileIndex.open(
            dir, new IndexProvenance("bench-random", "random-clustered-vectors", dim), settings);
    List<TileRecord> tiles = new ArrayList<>();
    for (int i = 0; i < data.vectors().length; i++) {
      tiles.add(record(i));
    }
    // One slice per writer: each builds the graph of its own segment.
    ParallelAdd.add(index, tiles, data.vectors(), threads, (tiles.size() + threads - 1) / threads);
    index.forceMerge();
    for (IndexBenchData.FilterCase filter : data.filters()) {
      filters.put(filter.name(), TileFilter.parse(filter.query()));
    }
  }

  /** Tile {@code i} of the benchmark: its id, and the site and bucket its filters select by. */
  static TileRecord record(int i) {
    return new TileRecord(
        Integer.toString(i),
        null,
        null,
        IndexBenchData.site(i),
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        Map.of("bucket", IndexBenchData.bucket(i)));
  }

  @Override
  public List<Integer> search(
      float[] query, int k, int candidates, IndexBenchData.FilterCase filter) throws IOException {
    List<SearchHit> hits = index.searchIds(query, k, candidates, filters.get(filter.name()));
    return hits.stream().map(h -> Integer.parseInt(h.id())).toList();
  }

  @Override
  public long diskBytes() throws IOException {
    return index.sizeOnDisk();
  }

  @Override
  public void close() throws IOException {
    if (index != null) {
      index.close();
    }
  }
}
