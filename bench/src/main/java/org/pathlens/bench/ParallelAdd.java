package org.pathlens.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.pathlens.index.TileIndex;
import org.pathlens.index.TileRecord;

/** Adds a benchmark's tiles to an index from {@code threads} writers, a slice each call. */
final class ParallelAdd {
  private ParallelAdd() {}

  static void add(
      TileIndex index, List<TileRecord> tiles, float[][] vectors, int threads, int slice)
      throws Exception {
    List<float[]> all = Arrays.asList(vectors);
    ExecutorService writers = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> parts = new ArrayList<>();
      for (int start = 0; start < tiles.size(); start += slice) {
        int from = start;
        int to = Math.min(tiles.size(), start + slice);
        parts.add(
            writers.submit(
                () -> {
                  index.add(tiles.subList(from, to), all.subList(from, to));
                  return null;
                }));
      }
      for (Future<?> part : parts) {
        part.get();
      }
    } finally {
      writers.shutdown();
    }
  }
}
