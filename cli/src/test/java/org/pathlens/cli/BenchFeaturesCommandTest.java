package org.pathlens.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.testkit.H5Files;
import org.pathlens.testkit.TestData;

/**
 * {@code bench features} on a small TRIDENT file: the rows of its table, an import per commit size.
 */
class BenchFeaturesCommandTest {

  @TempDir Path tmp;

  @Test
  void printsParseAndImportRatesForEveryRow() throws Exception {
    assumeTrue(TestData.pythonWithH5py().isPresent(), "needs /usr/bin/python3 with h5py");
    int n = 300, d = 32;
    long[][] coords = new long[n][];
    float[][] features = new float[n][d];
    for (int i = 0; i < n; i++) {
      coords[i] = new long[] {(i % 20) * 448L, (i / 20) * 448L};
      features[i][i % d] = 1 + i;
    }
    Path file =
        H5Files.write(
            tmp.resolve("bench.h5"),
            Map.of(
                "coords",
                H5Files.Dataset.int64(
                    coords, 64, Map.of("patch_size", 224, "patch_size_level0", 448)),
                "features",
                H5Files.Dataset.float32(features, 64, Map.of("encoder", "bench-features"))));
    CliRun run =
        CliRun.of("bench", "features", "--features", file.toString(), "--commit", "100,1000");
    assertEquals(0, run.exitCode(), run.err());
    List<String> lines = run.outLines();
    assertTrue(lines.getFirst().contains("300 rows, D = 32"), run.out());
    assertTrue(run.out().contains("parse, PathLens"), run.out());
    assertTrue(run.out().contains("parse, h5py"), run.out());
    List<String> imports = lines.stream().filter(l -> l.startsWith("import")).toList();
    assertEquals(2, imports.size(), "one import per commit size: " + run.out());
    assertTrue(imports.get(0).contains("commit 100 "), imports.get(0));
    assertTrue(imports.get(1).contains("commit 1000 "), imports.get(1));
    for (String line : imports) { // rows/s, seconds, peak RSS, CPU seconds
      assertTrue(line.matches(".*\\s[0-9,]+\\s+[0-9.]+\\s+[0-9]+\\s+[0-9]+\\.[0-9]$"), line);
    }
  }
}
