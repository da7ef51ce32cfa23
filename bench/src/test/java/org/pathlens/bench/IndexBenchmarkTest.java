package org.pathlens.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.bench.IndexBenchmark.Engine;
import org.pathlens.index.IndexSettings;

/** The index benchmark's measurements, read from its rows rather than from the printed table. */
class IndexBenchmarkTest {

  @TempDir Path work;

  private List<IndexBenchmark.Row> run(
      int n,
      int dim,
      int queries,
      int clusters,
      int m,
      int beam,
      List<Float> oversamples,
      List<Engine> engines)
      throws Exception {
    IndexBenchmark.Options options =
        new IndexBenchmark.Options(
            n,
            dim,
            10,
            queries,
            m,
            beam,
            oversamples,
            clusters,
            2,
            10_000,
            IndexSettings.defaults().filteredSearchPercent(),
            engines,
            42,
            work,
            null,
            2);
    return new IndexBenchmark(options, new PrintWriter(Writer.nullWriter())).run("test");
  }

  @Test
  void smallClusteredDataIsFoundNearlyExactlyByEveryEngineAndFilter() throws Exception {
    List<IndexBenchmark.Row> rows =
        run(
            1000,
            128,
            20,
            20,
            IndexSettings.defaults().m(),
            IndexSettings.defaults().beamWidth(),
            List.of(4f),
            List.of(Engine.FLOAT, Engine.INT8, Engine.HNSWLIB));
    assertEquals(9, rows.size()); // 3 engines × 3 filters
    for (IndexBenchmark.Row row : rows) {
      assertEquals(40, row.ef(), row.toString()); // k 10 × oversample 4
      assertTrue(row.recall() >= 0.9, "recall below 0.9: " + row);
      assertTrue(row.shortfall() >= -1e-6 && row.shortfall() < 0.05, "cosine shortfall: " + row);
      if (row.recall() == 1) {
        assertEquals(0, row.shortfall(), 1e-5, row.toString());
        if (row.filter().equals("none")) { // a 1 % filter keeps 10 tiles of any cluster
          assertEquals(
              1,
              row.clusterPrecision(),
              1e-9,
              "20 clusters of 50 in 128-d: an exact top 10 is one cluster");
        }
      }
    }
    assertTrue(Files.notExists(work.resolve("float")), "the benchmark leaves its indexes behind");
  }

  @Test
  void enginesRunInTheOrderAsked() throws Exception {
    List<IndexBenchmark.Row> rows =
        run(500, 8, 5, 5, 16, 100, List.of(4f), List.of(Engine.HNSWLIB, Engine.FLOAT));
    assertEquals(
        List.of("hnswlib-core 1.2.1 (comparator)", "lucene hnsw float32"),
        rows.stream()
            .filter(r -> r.filter().equals("none"))
            .map(IndexBenchmark.Row::engine)
            .toList());
  }

  @Test
  void everyOversampleIsMeasuredOnOneBuildAndMoreCandidatesFindMore() throws Exception {
    List<IndexBenchmark.Row> rows =
        run(2000, 16, 30, 4, 4, 8, List.of(1f, 8f), List.of(Engine.FLOAT, Engine.HNSWLIB));
    for (String engine : List.of("lucene hnsw float32", "hnswlib-core 1.2.1 (comparator)")) {
      List<IndexBenchmark.Row> unfiltered =
          rows.stream()
              .filter(r -> r.engine().equals(engine) && r.filter().equals("none"))
              .toList();
      assertEquals(List.of(10, 80), unfiltered.stream().map(IndexBenchmark.Row::ef).toList());
      // A sparse graph (M 4, beam 8) over four big clusters misses neighbours at ef = k; ef = 8k
      // finds more.
      assertTrue(
          unfiltered.get(1).recall() > unfiltered.get(0).recall(), engine + ": " + unfiltered);
    }
  }
}
