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

  @Override
  void close() throws Exception;
}
