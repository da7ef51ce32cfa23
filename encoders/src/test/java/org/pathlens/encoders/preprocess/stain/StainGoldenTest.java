package org.pathlens.encoders.preprocess.stain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.pathlens.encoders.preprocess.RgbImage;
import org.pathlens.fixtures.Fixtures;

/**
 * Reinhard, Macenko and the HED jitter against the numpy reference ({@code
 * fixtures/scripts/make_stain_golden.py}, golden {@code fixtures/golden/stain/stain.json}).
 *
 * <p>Tolerances. Estimates (Lab means and deviations, stain vectors, max concentrations) agree to
 * 1e-6 relative: both sides compute in double precision, differing only in summation order, the
 * eigensolver (Jacobi here, LAPACK there) and {@code atan2}/{@code cbrt} rounding, each around
 * 1e-15; 1e-6 leaves room for a percentile landing between two close neighbours and is still a
 * thousand times finer than one 8-bit level of the output. Normalised pixels agree within one
 * level, and 99 % of the sampled ones exactly: a value that lands within rounding noise of a
 * half-way point may round either way. Mean RGB over the tile is compared to 0.02 levels.
 */
class StainGoldenTest {

  private static final double ESTIMATE_TOLERANCE = 1e-6;

  @Test
  void generatedTilesAreTheOnesTheReferenceSaw() {
    for (JsonNode entry : StainTiles.golden().get("tiles")) {
      assertEquals(
          entry.get("rgb_sha256").asText(),
          StainTiles.sha256(StainTiles.tile(entry.get("path").asText())),
          entry.get("path")
              + ": the generator's output changed; rerun fixtures/scripts/make_stain_golden.py");
    }
  }

  @Test
  void estimatesAndNormalisedTilesMatchTheReference() {
    for (JsonNode entry : StainTiles.golden().get("tiles")) {
      checkEntry(entry, StainTiles.tile(entry.get("path").asText()));
    }
  }

  @Test
  void realMultistainImagesMatchTheReference() {
    Optional<Path> shared = Fixtures.shared();
    assumeTrue(
        shared.isPresent(), "../shared (or $PATHLENS_SHARED) not found: multistain check skipped");
    int checked = 0;
    for (JsonNode entry : StainTiles.golden().get("shared")) {
      Path file = shared.get().resolve(entry.get("path").asText());
      if (Files.exists(file)) {
        RgbImage image = StainTiles.decode(file);
        assertEquals(
            entry.get("rgb_sha256").asText(),
            StainTiles.sha256(image),
            file + " decodes differently");
        checkEntry(entry, image);
        checked++;
      }
    }
    assumeTrue(
        checked > 0, "no multistain image of the golden file is present under " + shared.get());
  }

  @Test
  void slideFitPoolsTheSampleTilesThatAreMostlyTissue() {
    JsonNode fit = StainTiles.golden().get("slide_fit");
    List<RgbImage> tiles = new ArrayList<>();
    fit.get("tiles").forEach(p -> tiles.add(StainTiles.tile(p.asText())));
    for (StainMethod method : List.of(StainMethod.REINHARD, StainMethod.MACENKO)) {
      StainNormalization normalization =
          StainNormalization.toward(StainTargets.defaultFor(method), StainFit.SLIDE);
      StainTarget estimate = normalization.estimateSlide(tiles).orElseThrow();
      assertEstimate(fit.get(method.id()), estimate, "slide fit " + method.id());
    }
  }

  @Test
  void hedJitterMatchesTheReference() {
    JsonNode jitter = StainTiles.golden().get("jitter");
    RgbImage out =
        StainAugmentation.jitter(
            StainTiles.tile(jitter.get("path").asText()),
            numbers(jitter.get("alpha")),
            numbers(jitter.get("beta")));
    assertPixels(jitter, out, "HED jitter");
  }

  @Test
  void defaultTargetsAreCenterAsStainingFittedPerSlide() {
    List<RgbImage> centerA = new ArrayList<>();
    StainTiles.golden().get("default_tiles").forEach(p -> centerA.add(StainTiles.tile(p.asText())));
    for (StainMethod method : List.of(StainMethod.REINHARD, StainMethod.MACENKO)) {
      StainTarget shipped = StainTargets.defaultFor(method);
      StainTarget estimated =
          StainNormalization.toward(shipped, StainFit.SLIDE).estimateSlide(centerA).orElseThrow();
      assertEstimate(StainTargets.toJson(shipped), estimated, "default " + method.id());
    }
  }

  private static void checkEntry(JsonNode entry, RgbImage image) {
    String name = entry.get("path").asText();
    for (StainMethod method : List.of(StainMethod.REINHARD, StainMethod.MACENKO)) {
      Optional<StainTarget> estimate = method.estimate(List.of(image));
      JsonNode expected = entry.get(method.id());
      assertEquals(
          expected.isNull(), estimate.isEmpty(), name + " " + method.id() + ": estimate present?");
      estimate.ifPresent(e -> assertEstimate(expected, e, name + " " + method.id()));
      RgbImage normalised =
          StainNormalization.toward(StainTargets.defaultFor(method), StainFit.TILE)
              .normalize(image);
      if (estimate.isEmpty()) {
        assertSame(image, normalised, name + ": a tile without enough tissue is left unchanged");
      }
      assertPixels(entry.get(method.id() + "_to_default"), normalised, name + " " + method.id());
    }
  }

  private static void assertEstimate(JsonNode expected, StainTarget actual, String what) {
    JsonNode json = StainTargets.toJson(actual);
    List<String> fields =
        actual instanceof LabStatistics
            ? List.of("mean", "std")
            : List.of("hematoxylin", "eosin", "max_concentrations");
    for (String field : fields) {
      double[] want = numbers(expected.get(field)), got = numbers(json.get(field));
      for (int i = 0; i < want.length; i++) {
        double tolerance = ESTIMATE_TOLERANCE * Math.max(1, Math.abs(want[i]));
        assertEquals(want[i], got[i], tolerance, what + " " + field + "[" + i + "]");
      }
    }
  }

  private static void assertPixels(JsonNode expected, RgbImage actual, String what) {
    double[] mean = new double[3];
    byte[] rgb = actual.rgb();
    for (int p = 0; p < rgb.length; p += 3) {
      for (int c = 0; c < 3; c++) {
        mean[c] += rgb[p + c] & 0xFF;
      }
    }
    double[] wantMean = numbers(expected.get("mean_rgb"));
    for (int c = 0; c < 3; c++) {
      assertEquals(wantMean[c], mean[c] / (rgb.length / 3), 0.02, what + ": mean of channel " + c);
    }
    int samples = 0, exact = 0;
    for (JsonNode s : expected.get("samples")) {
      int x = s.get(0).asInt(), y = s.get(1).asInt();
      for (int c = 0; c < 3; c++) {
        int diff = Math.abs(actual.sample(x, y, c) - s.get(2 + c).asInt());
        assertTrue(
            diff <= 1,
            what
                + ": pixel ("
                + x
                + ", "
                + y
                + ") channel "
                + c
                + " is "
                + actual.sample(x, y, c)
                + ", reference "
                + s.get(2 + c).asInt());
        samples++;
        exact += diff == 0 ? 1 : 0;
      }
    }
    assertTrue(
        exact >= 0.99 * samples, what + ": only " + exact + " of " + samples + " samples exact");
  }

  private static double[] numbers(JsonNode array) {
    double[] out = new double[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asDouble();
    }
    return out;
  }
}
