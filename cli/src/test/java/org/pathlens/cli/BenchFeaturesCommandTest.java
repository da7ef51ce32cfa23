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
 * {@code bench features} on a small TRIDENT file: the three rows of its table, the import whole.
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
    CliRun run = CliRun.of("bench", "features", "--features", file.toString());
    assertEquals(0, run.exitCode(), run.err());
    List<String> lines = run.outLines();
    assertTrue(lines.getFirst().contains("300 rows, D = 32"), run.out());
    assertTrue(run.out().contains("parse, PathLens"), run.out());
    assertTrue(run.out().contains("parse, h5py"), run.out());
    String importLine =
        lines.stream().filter(l -> l.startsWith("import")).findFirst().orElseThrow();
    assertTrue(importLine.matches(".*\\s[0-9,]+\\s+[0-9.]+\\s+[0-9]+$"), importLine);
  }
}
