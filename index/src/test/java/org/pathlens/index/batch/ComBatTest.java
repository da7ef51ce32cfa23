package org.pathlens.index.batch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ComBat on cases worked by hand, and its parameter file. */
class ComBatTest {

  @TempDir Path tmp;

  /**
   * Batch b is batch a shifted by a constant vector: location/scale correction must give both
   * batches the same mean, and each tile of b exactly the corrected vector of its twin in a.
   */
  @Test
  void twoBatchesShiftedByAConstantGetEqualMeansAndTwinsCoincide() {
    SplittableRandom random = new SplittableRandom(1);
    int dim = 6;
    float[] shift = {0.5f, -0.25f, 1f, 0f, 0.125f, -1f};
    List<float[]> x = new ArrayList<>();
    List<String> batches = new ArrayList<>();
    List<float[]> a = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      float[] v = new float[dim];
      for (int g = 0; g < dim; g++) {
        v[g] = (float) random.nextGaussian();
      }
      a.add(v);
    }
    for (float[] v : a) {
      x.add(v);
      batches.add("a");
    }
    for (float[] v : a) {
      float[] w = new float[dim];
      for (int g = 0; g < dim; g++) {
        w[g] = v[g] + shift[g];
      }
      x.add(w);
      batches.add("b");
    }
    BatchCorrection fit =
        ComBat.fit("site", x, batches, new ComBat.Options(ComBat.Method.LOCATION_SCALE, 2))
            .correction();
    // Equal spreads: each batch's scale is its within-batch variance over the pooled one, the same
    // for both.
    assertArrayEquals(fit.batches().get("a").delta(), fit.batches().get("b").delta(), 1e-5);
    for (int g = 0; g < dim; g++) {
      // The two locations are ± half the shift, in pooled standard deviations.
      assertEquals(-shift[g] / 2, fit.batches().get("a").gamma()[g] * fit.scale()[g], 1e-5);
      assertEquals(shift[g] / 2, fit.batches().get("b").gamma()[g] * fit.scale()[g], 1e-5);
    }
    double[] meanA = new double[dim];
    double[] meanB = new double[dim];
    for (int i = 0; i < a.size(); i++) {
      float[] ca = fit.apply(x.get(i), "a");
      float[] cb = fit.apply(x.get(i + a.size()), "b");
      assertArrayEquals(ca, cb, 1e-5f, "twin " + i);
      for (int g = 0; g < dim; g++) {
        meanA[g] += ca[g] / a.size();
        meanB[g] += cb[g] / a.size();
      }
    }
    assertArrayEquals(meanA, meanB, 1e-5);
  }

  @Test
  void empiricalBayesShrinksEachBatchsLocationsTowardsTheirMean() {
    SplittableRandom random = new SplittableRandom(2);
    int dim = 40;
    List<float[]> x = new ArrayList<>();
    List<String> batches = new ArrayList<>();
    for (String batch : List.of("a", "b", "c")) {
      double offset = batch.equals("b") ? 0.8 : 0;
      for (int i = 0; i < 5; i++) {
        float[] v = new float[dim];
        for (int g = 0; g < dim; g++) {
          v[g] =
              (float)
                  (random.nextGaussian()
                      + offset
                      + (batch.equals("c") ? random.nextGaussian() : 0));
        }
        x.add(v);
        batches.add(batch);
      }
    }
    BatchCorrection plain =
        ComBat.fit("site", x, batches, new ComBat.Options(ComBat.Method.LOCATION_SCALE, 2))
            .correction();
    BatchCorrection eb =
        ComBat.fit("site", x, batches, new ComBat.Options(ComBat.Method.EMPIRICAL_BAYES, 2))
            .correction();
    for (String batch : List.of("a", "b", "c")) {
      double[] hat = plain.batches().get(batch).gamma();
      double[] star = eb.batches().get(batch).gamma();
      double bar = Arrays.stream(hat).average().orElseThrow();
      for (int g = 0; g < dim; g++) {
        // The posterior mean lies between the feature's own estimate and the batch's prior mean.
        assertTrue(
            (star[g] - bar) * (hat[g] - bar) >= 0
                && Math.abs(star[g] - bar) <= Math.abs(hat[g] - bar) + 1e-12,
            batch
                + " feature "
                + g
                + ": "
                + hat[g]
                + " -> "
                + star[g]
                + " (prior mean "
                + bar
                + ")");
      }
      assertTrue(eb.batches().get(batch).iterations() > 0);
    }
  }

  @Test
  void batchesWithTooFewTilesAreSkippedAndNotCovered() {
    List<float[]> x = new ArrayList<>();
    List<String> batches = new ArrayList<>();
    SplittableRandom random = new SplittableRandom(3);
    for (String batch : List.of("a", "a", "a", "b", "b", "b", "lonely")) {
      x.add(
          new float[] {
            (float) random.nextGaussian(),
            (float) random.nextGaussian(),
            (float) random.nextGaussian()
          });
      batches.add(batch);
    }
    x.add(new float[] {1, 2, 3});
    batches.add(null);
    ComBat.Fit fit =
        ComBat.fit("site", x, batches, new ComBat.Options(ComBat.Method.LOCATION_SCALE, 3));
    assertEquals(Map.of("lonely", 1L), fit.skipped());
    assertTrue(fit.correction().covers("a") && fit.correction().covers("b"));
    assertFalse(
        fit.correction().covers("lonely")
            || fit.correction().covers(null)
            || fit.correction().covers("new-site"));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> fit.correction().apply(x.get(6), "lonely"));
    assertTrue(
        e.getMessage().contains("no batch correction parameters for site lonely"), e.getMessage());
    IllegalArgumentException one =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ComBat.fit(
                    "site", x, batches, new ComBat.Options(ComBat.Method.LOCATION_SCALE, 4)));
    assertTrue(
        one.getMessage().contains("needs at least two batches with 4 or more tiles; none has")
            && one.getMessage().contains("a 3, b 3, lonely 1"),
        one.getMessage());
  }

  @Test
  void aFeatureConstantEverywhereIsLeftAsItIs() {
    List<float[]> x =
        List.of(
            new float[] {0.5f, 1, 0},
            new float[] {0.5f, 2, 1},
            new float[] {0.5f, 5, 2},
            new float[] {0.5f, 9, 0});
    List<String> batches = List.of("a", "a", "b", "b");
    for (ComBat.Method method : ComBat.Method.values()) {
      BatchCorrection fit =
          ComBat.fit("site", x, batches, new ComBat.Options(method, 2)).correction();
      assertEquals(0, fit.scale()[0]);
      for (int i = 0; i < x.size(); i++) {
        float[] c = fit.apply(x.get(i), batches.get(i));
        assertTrue(
            Float.isFinite(c[0]) && Float.isFinite(c[1]) && Float.isFinite(c[2]), method + " " + i);
      }
    }
  }

  @Test
  void theParameterFileRoundTripsExactlyAndDetectsAlteration() throws IOException {
    SplittableRandom random = new SplittableRandom(4);
    List<float[]> x = new ArrayList<>();
    List<String> batches = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      float[] v = new float[5];
      for (int g = 0; g < v.length; g++) {
        v[g] = (float) (random.nextGaussian() + (i % 3) * 0.3);
      }
      x.add(v);
      batches.add("site-" + (i % 3));
    }
    BatchCorrection fit = ComBat.fit("site", x, batches, ComBat.Options.defaults()).correction();
    BatchCorrectionFile.Written written = BatchCorrectionFile.write(tmp, fit);
    assertTrue(written.name().matches("batch-correction-[0-9a-f]{12}\\.json"), written.name());
    BatchCorrection read = BatchCorrectionFile.read(tmp, written.name(), written.sha256());
    assertEquals(fit.by(), read.by());
    assertEquals(fit.method(), read.method());
    assertArrayEquals(fit.mean(), read.mean(), 0);
    assertArrayEquals(fit.scale(), read.scale(), 0);
    assertEquals(fit.batches().keySet(), read.batches().keySet());
    fit.batches()
        .forEach(
            (name, b) -> {
              assertArrayEquals(b.gamma(), read.batches().get(name).gamma(), 0);
              assertArrayEquals(b.delta(), read.batches().get(name).delta(), 0);
              assertEquals(b.tiles(), read.batches().get(name).tiles());
            });
    assertArrayEquals(fit.apply(x.get(7), "site-1"), read.apply(x.get(7), "site-1"), 0f);

    Files.writeString(
        tmp.resolve(written.name()),
        Files.readString(tmp.resolve(written.name()))
            .replace("\"by\" : \"site\"", "\"by\" : \"scanner\""));
    IllegalStateException altered =
        assertThrows(
            IllegalStateException.class,
            () -> BatchCorrectionFile.read(tmp, written.name(), written.sha256()));
    assertTrue(altered.getMessage().contains("the file was altered"), altered.getMessage());
    IllegalStateException missing =
        assertThrows(
            IllegalStateException.class,
            () ->
                BatchCorrectionFile.read(
                    tmp, "batch-correction-000000000000.json", written.sha256()));
    assertTrue(missing.getMessage().contains("the file is missing"), missing.getMessage());
  }
}
