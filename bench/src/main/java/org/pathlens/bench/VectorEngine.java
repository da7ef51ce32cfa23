package org.pathlens.bench;

import java.io.IOException;
import java.util.List;

/** One approximate nearest-neighbour implementation under benchmark. */
interface VectorEngine extends AutoCloseable {

  String name();

  /** Indexes the benchmark's vectors (tile i has the id {@code i}). */
  void build(IndexBenchData data) throws Exception;

  /**
   * Ids of the {@code k} nearest vectors passing {@code filter}, best first, from a graph search
   * that keeps {@code candidates} (its {@code ef}, at least k). Safe to call from several threads.
   */
  List<Integer> search(float[] query, int k, int candidates, IndexBenchData.FilterCase filter)
      throws IOException;

  long diskBytes() throws IOException;

  /**
   * How a filtered search runs, as printed: {@code -} unfiltered, {@code post} for filtering an
   * enlarged result list afterwards (the default), {@code walk} or {@code acorn} for Lucene's two
   * in-graph strategies, {@code k-NN} for OpenSearch's.
   */
  default String searcher(IndexBenchData.FilterCase filter) {
    return filter.fraction() >= 1 ? "-" : "post";
  }

  /** Searches from now on use Lucene's filtered HNSW searcher below {@code percent}; no-op else. */
  default void useFilteredSearchPercent(int percent) throws IOException {}

  /** Bytes of the HNSW graph in files (memory-mapped when searched), or -1 where not in files. */
  default long graphBytes() throws IOException {
    return -1;
  }

  /**
   * Bytes of the vectors the graph search scores (the quantized ones where quantized), in files, or
   * -1 where not in files: with the graph, what must stay in the page cache for fast searches.
   */
  default long searchedVectorBytes() throws IOException {
    return -1;
  }

  @Override
  void close() throws Exception;
}
