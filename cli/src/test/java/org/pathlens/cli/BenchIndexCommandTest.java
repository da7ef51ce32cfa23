package org.pathlens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchIndexCommandTest {

  @TempDir Path work;

  @Test
  void printsBuildAndSearchTablesWithTheCommand() throws Exception {
    CliRun run =
        CliRun.of(
            "bench",
            "index",
            "--n",
            "1000",
            "--dim",
            "128",
            "--queries",
            "20",
            "--clusters",
            "20",
            "--skip-int4",
            "--work",
            work.toString());
    assertEquals(0, run.exitCode(), run.err());
    assertTrue(
        run.out()
            .contains("command: ./pathlens bench index --n 1000 --dim 128 --k 10 --queries 20"),
        run.out());
    List<String> searchRows =
        run.outLines().stream()
            .filter(l -> l.matches("^(lucene|hnswlib).*(none|10 %|1 %) .*"))
            .toList();
    assertEquals(9, searchRows.size(), run.out()); // 3 engines × 3 filters
    for (String row : searchRows) {
      assertEquals(40, ef(row), row); // k 10 × the default oversample 4
      assertTrue(recall(row) >= 0.9, "recall below 0.9: " + row);
      assertTrue(shortfall(row) >= -1e-6 && shortfall(row) < 0.05, "cosine shortfall: " + row);
      if (recall(row) == 1) {
        assertEquals(0, shortfall(row), 1e-5, row);
        if (row.contains(" none ")) { // a 1 % filter keeps 10 tiles of any cluster
          assertEquals(
              100,
              clusterPercent(row),
              1e-9,
              "20 clusters of 50 in 128-d: an exact top 10 is one cluster");
        }
      }
    }
    assertTrue(Files.notExists(work.resolve("float")), "the benchmark leaves its indexes behind");
  }

  @Test
  void runsOnlyTheEnginesAskedForInTheirOrder() throws Exception {
    CliRun run =
        CliRun.of(
            "bench",
            "index",
            "--n",
            "500",
            "--dim",
            "8",
            "--queries",
            "5",
            "--clusters",
            "5",
            "--engines",
            "hnswlib,float",
            "--work",
            work.toString());
    assertEquals(0, run.exitCode(), run.err());
    List<String> engines =
        run.outLines().stream()
            .filter(l -> l.matches("^(lucene|hnswlib).* none .*"))
            .map(l -> l.substring(0, 34).trim())
            .toList();
    assertEquals(
        List.of("hnswlib-core 1.2.1 (comparator)", "lucene hnsw float32"), engines, run.out());
    assertTrue(run.out().contains("--engines hnswlib,float"), run.out());
  }

  @Test
  void measuresEveryOversampleOnOneBuild() throws Exception {
    CliRun run =
        CliRun.of(
            "bench",
            "index",
            "--n",
            "2000",
            "--dim",
            "16",
            "--queries",
            "30",
            "--clusters",
            "4",
            "--m",
            "4",
            "--beam",
            "8",
            "--engines",
            "float,hnswlib",
            "--oversample",
            "1,8",
            "--work",
            work.toString());
    assertEquals(0, run.exitCode(), run.err());
    assertTrue(run.out().contains("--oversample 1,8 "), run.out());
    assertEquals(2, run.outLines().stream().filter(l -> l.startsWith("built ")).count(), run.out());
    for (String engine : List.of("lucene hnsw float32", "hnswlib-core 1.2.1 (comparator)")) {
      List<String> unfiltered =
          run.outLines().stream()
              .filter(l -> l.startsWith(engine) && l.substring(34).matches(" +\\d+ none .*"))
              .toList();
      assertEquals(
          List.of(10, 80), unfiltered.stream().map(BenchIndexCommandTest::ef).toList(), run.out());
      // A sparse graph (M 4, beam 8) over four big clusters misses neighbours at ef = k; ef = 8k
      // finds more.
      assertTrue(recall(unfiltered.get(1)) > recall(unfiltered.get(0)), engine + ": " + unfiltered);
    }
  }

  private static int ef(String row) {
    return Integer.parseInt(row.substring(34).trim().split(" +")[0]);
  }

  private static double recall(String row) {
    return searchCell(row, 0);
  }

  private static double shortfall(String row) {
    return searchCell(row, 1);
  }

  private static double clusterPercent(String row) {
    return searchCell(row, 2);
  }

  /** The search row's numbers after the filter: recall, Δcos, cluster %, p50, p99, QPS. */
  private static double searchCell(String row, int index) {
    String[] cells = row.substring(34).trim().split(" +");
    return Double.parseDouble(cells[(cells[1].equals("none") ? 2 : 3) + index]);
  }

  @Test
  void badSizesAreOneLineErrors() {
    CliRun run = CliRun.of("bench", "index", "--n", "0");
    assertEquals(2, run.exitCode());
    assertTrue(run.err().contains("--n"), run.err());
  }
}
