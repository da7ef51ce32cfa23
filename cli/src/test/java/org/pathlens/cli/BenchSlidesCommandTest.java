package org.pathlens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code bench slides} on a small generated cohort: its three rows, each with two latencies. */
class BenchSlidesCommandTest {

  @Test
  void printsTheThreeSearchesSideBySide() {
    CliRun run =
        CliRun.of(
            "bench",
            "slides",
            "--slides",
            "40",
            "--tiles-per-slide",
            "3",
            "--dim",
            "16",
            "--queries",
            "5");
    assertEquals(0, run.exitCode(), run.err());
    List<String> lines = run.outLines();
    assertTrue(lines.getFirst().startsWith("40 slides x 3 tiles (D = 16)"), run.out());
    for (String row :
        List.of(
            "stored slide vectors, exact",
            "means made from the tiles per query",
            "tiles, HNSW (one tile's query)")) {
      String line = lines.stream().filter(l -> l.startsWith(row)).findFirst().orElseThrow();
      String[] columns = line.substring(row.length()).trim().split("\\s+");
      assertEquals(3, columns.length, line);
      assertTrue(Double.parseDouble(columns[1]) >= 0 && Double.parseDouble(columns[2]) >= 0, line);
    }
    CliRun bad = CliRun.of("bench", "slides", "--slides", "1");
    assertEquals(2, bad.exitCode());
    assertTrue(bad.err().contains("--slides must be at least 2"), bad.err());
  }
}
