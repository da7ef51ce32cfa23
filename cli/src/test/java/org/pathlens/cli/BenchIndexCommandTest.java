package org.pathlens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pathlens bench index} as a user runs it: options reach the benchmark, both tables and the
 * command are printed. The measurements themselves are tested through the benchmark's rows ({@code
 * IndexBenchmarkTest} in the bench module).
 */
class BenchIndexCommandTest {

  @TempDir Path work;

  @Test
  void printsBothTablesAndTheCommandThatReproducesThem() {
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
            "--oversample",
            "1,8",
            "--work",
            work.toString());
    assertEquals(0, run.exitCode(), run.err());
    assertTrue(
        run.out().contains("command: ./pathlens bench index --n 500 --dim 8 --k 10 --queries 5"),
        run.out());
    assertTrue(run.out().contains("--oversample 1,8 "), run.out());
    assertTrue(run.out().contains("--engines hnswlib,float"), run.out());
    List<String> built = run.outLines().stream().filter(l -> l.startsWith("built ")).toList();
    assertEquals(2, built.size(), run.out());
    assertTrue(built.get(0).startsWith("built hnswlib-core 1.2.1 (comparator) "), built.toString());
    assertTrue(built.get(1).startsWith("built lucene hnsw float32 "), built.toString());
    assertTrue(
        run.outLines().stream().anyMatch(l -> l.startsWith("search ") && l.contains("recall@10")),
        run.out());
  }

  @Test
  void badSizesAreOneLineErrors() {
    CliRun run = CliRun.of("bench", "index", "--n", "0");
    assertEquals(2, run.exitCode());
    assertTrue(run.err().contains("--n"), run.err());
  }
}
