package org.pathlens.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.pathlens.index.IndexProvenance;
import org.pathlens.index.SearchHit;
import org.pathlens.index.TileFilter;
import org.pathlens.index.TileIndex;
import org.pathlens.index.TileRecord;

/**
 * A PathLens {@link TileIndex} under benchmark, whatever its backend: the benchmark's tiles added
 * by {@code threads} writers, a slice per call, then merged; filters parsed as the product parses
 * them; searches through {@link TileIndex#searchIds}.
 */
abstract class TileIndexEngine implements VectorEngine {

  private final String name;
  private final int threads;
  private final Map<String, TileFilter> filters = new HashMap<>();
  TileIndex index;

  TileIndexEngine(String name, int threads) {
    this.name = name;
    this.threads = threads;
  }

  /** Creates the empty index, recording {@code provenance}. */
  abstract TileIndex open(IndexProvenance provenance) throws IOException;

  /** Tiles per {@code add} call (each writer thread makes such calls). */
  abstract int slice(int tiles, int threads);

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final long diskBytes() throws IOException {
    return index.sizeOnDisk();
  }

  @Override
  public final void build(IndexBenchData data) throws Exception {
    int dim = data.vectors()[0].length;
    index = open(new IndexProvenance("bench-random", "random-clustered-vectors", dim));
    List<TileRecord> tiles = new ArrayList<>();
    for (int i = 0; i < data.vectors().length; i++) {
      tiles.add(record(i));
    }
    List<float[]> vectors = Arrays.asList(data.vectors());
    int slice = slice(tiles.size(), threads);
    ExecutorService writers = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> parts = new ArrayList<>();
      for (int start = 0; start < tiles.size(); start += slice) {
        int from = start;
        int to = Math.min(tiles.size(), start + slice);
        parts.add(
            writers.submit(
                () -> {
                  index.add(tiles.subList(from, to), vectors.subList(from, to));
                  return null;
                }));
      }
      for (Future<?> part : parts) {
        part.get();
      }
    } finally {
      writers.shutdown();
    }
    index.forceMerge(); // one graph per shard, as a finished ingest is served
    for (IndexBenchData.FilterCase filter : data.filters()) {
      filters.put(filter.name(), TileFilter.parse(filter.query()));
    }
  }

  /**
   * Tile {@code i} of the benchmark: its id, and the site, bucket and permille its filters select
   * by.
   */
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
        Map.of("bucket", IndexBenchData.bucket(i), "permille", IndexBenchData.permille(i)));
  }

  @Override
  public final List<Integer> search(
      float[] query, int k, int candidates, IndexBenchData.FilterCase filter) throws IOException {
    List<SearchHit> hits = index.searchIds(query, k, candidates, filters.get(filter.name()));
    return hits.stream().map(h -> Integer.parseInt(h.id())).toList();
  }
}
