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
    return run(
        n,
        dim,
        queries,
        clusters,
        m,
        beam,
        oversamples,
        List.of(IndexSettings.defaults().filteredSearchPercent()),
        engines,
        0);
  }

  private List<IndexBenchmark.Row> run(
      int n,
      int dim,
      int queries,
      int clusters,
      int m,
      int beam,
      List<Float> oversamples,
      List<Integer> filteredPercents,
      List<Engine> engines,
      int deepK)
      throws Exception {
    IndexBenchmark.Options options =
        new IndexBenchmark.Options(
            n,
            dim,
            10,
            deepK,
            queries,
            m,
            beam,
            oversamples,
            clusters,
            2,
            10_000,
            filteredPercents,
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
            List.of(IndexSettings.defaults().filteredSearchPercent()),
            List.of(Engine.FLOAT, Engine.INT8, Engine.BBQ, Engine.HNSWLIB),
            100);
    // 3 Lucene engines × 2 query sets × 4 filters; hnswlib, which post-filters, skips 0.1 %.
    assertEquals(3 * 2 * 4 + 2 * 3, rows.size());
    for (IndexBenchmark.Row row : rows) {
      assertEquals(40, row.ef(), row.toString()); // k 10 × oversample 4
      assertTrue(row.recall() >= 0.9, "recall below 0.9: " + row);
      // The top 100 searched at ef 400: 1000 tiles of 20 clusters of 50, so most of it lies in
      // other clusters, where the graph finds it too.
      assertTrue(row.deepRecall() >= 0.9, "recall@100 below 0.9: " + row);
      assertTrue(row.shortfall() >= -1e-6 && row.shortfall() < 0.05, "cosine shortfall: " + row);
      if (row.recall() == 1) {
        assertEquals(0, row.shortfall(), 1e-5, row.toString());
        // A 1 % filter keeps 10 tiles of any cluster; a text query's exact top 10, across the
        // gap, may take a tile of a neighbouring cluster.
        if (row.filter().equals("none") && row.queries().equals("image")) {
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
  void imageAndTextQueriesAreMeasuredApartUnderEveryFilter() throws Exception {
    List<IndexBenchmark.Row> rows =
        run(1000, 32, 10, 10, 16, 100, List.of(4f), List.of(Engine.BBQ));
    assertEquals(
        List.of(
            "image none",
            "image 10 %",
            "image 1 %",
            "image 0.1 %",
            "text none",
            "text 10 %",
            "text 1 %",
            "text 0.1 %"),
        rows.stream().map(r -> r.queries() + " " + r.filter()).toList());
    assertEquals(
        List.of("-", "walk", "walk", "walk"),
        rows.subList(0, 4).stream().map(IndexBenchmark.Row::searcher).toList());
  }

  @Test
  void aSecondFilteredSearchThresholdRemeasuresOnlyTheFiltersItChanges() throws Exception {
    List<IndexBenchmark.Row> rows =
        run(2000, 16, 10, 8, 16, 100, List.of(4f), List.of(0, 5), List.of(Engine.FLOAT), 0);
    // 0: all 8 rows by the plain walk; 5: the 1 % and 0.1 % filters again, by the filtered
    // searcher, for both query sets.
    assertEquals(12, rows.size());
    assertEquals(
        List.of("image 1 % acorn", "image 0.1 % acorn", "text 1 % acorn", "text 0.1 % acorn"),
        rows.subList(8, 12).stream()
            .map(r -> r.queries() + " " + r.filter() + " " + r.searcher())
            .toList());
    for (IndexBenchmark.Row row : rows) {
      if (row.filter().equals("0.1 %")) { // two tiles pass: any strategy finds both
        assertEquals(1, row.recall(), 1e-9, row.toString());
      }
    }
  }

  @Test
  void enginesRunInTheOrderAsked() throws Exception {
    List<IndexBenchmark.Row> rows =
        run(500, 8, 5, 5, 16, 100, List.of(4f), List.of(Engine.HNSWLIB, Engine.FLOAT));
    assertEquals(
        List.of("hnswlib-core 1.2.1 (comparator)", "lucene hnsw float32"),
        rows.stream()
            .filter(r -> r.filter().equals("none") && r.queries().equals("image"))
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
              .filter(
                  r ->
                      r.engine().equals(engine)
                          && r.filter().equals("none")
                          && r.queries().equals("image"))
              .toList();
      assertEquals(List.of(10, 80), unfiltered.stream().map(IndexBenchmark.Row::ef).toList());
      // A sparse graph (M 4, beam 8) over four big clusters misses neighbours at ef = k; ef = 8k
      // finds more.
      assertTrue(
          unfiltered.get(1).recall() > unfiltered.get(0).recall(), engine + ": " + unfiltered);
    }
  }
}
