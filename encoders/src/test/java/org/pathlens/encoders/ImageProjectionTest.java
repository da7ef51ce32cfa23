package org.pathlens.encoders;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.encoders.bundle.BundleException;
import org.pathlens.encoders.bundle.ModelBundle;
import org.pathlens.fixtures.Fixtures;
import org.pathlens.testkit.TestData;

/**
 * A bundle's image projection ({@code image_projection.pt}, declared by {@code image.projection}):
 * loaded, probed and checked against the canary's projections, which the eager torch layer computed
 * ({@code fixtures/scripts/make_projection_fixture.py}); every fault named in one line.
 */
class ImageProjectionTest {

  @TempDir Path tmp;

  @Test
  void theProjectionIsLoadedAndItsCanaryRowsPass() throws Exception {
    Path bundle = TestData.demoBundleWithProjection(tmp.resolve("bundle"));
    try (VisionLanguageModel model = VisionLanguageModel.load(bundle, EncoderOptions.defaults())) {
      ImageProjection projection = model.projection().orElseThrow();
      assertEquals(128, projection.inputDim());
      assertEquals(128, projection.embeddingDim());
      assertTrue(projection.from().contains("last linear"), projection.from());
      // two images, two texts, two projections
      assertEquals(6, model.canary().inputs());
      assertTrue(model.canary().passed(), model.canary().describe());
    }
    try (VisionLanguageModel demo =
        VisionLanguageModel.load(Fixtures.demoBundle(), EncoderOptions.defaults())) {
      assertTrue(demo.projection().isEmpty());
    }
    // the projection is part of what made an index: another hash than the demo's
    assertNotEquals(
        ModelBundle.load(Fixtures.demoBundle()).contentHash(),
        ModelBundle.load(bundle).contentHash());
  }

  @Test
  void projectedFeaturesAreUnitLengthAndTheFeaturesUntouched() throws Exception {
    Path bundle = TestData.demoBundleWithProjection(tmp.resolve("bundle"));
    Random random = new Random(5);
    float[] feature = new float[128];
    for (int i = 0; i < feature.length; i++) {
      feature[i] = (float) Math.abs(random.nextGaussian() * 3);
    }
    float[] copy = feature.clone();
    try (VisionLanguageModel model = VisionLanguageModel.load(bundle, EncoderOptions.defaults())) {
      ImageProjection projection = model.projection().orElseThrow();
      List<float[]> out = projection.project(List.of(feature, feature));
      assertEquals(1.0, Embeddings.dot(out.get(0), out.get(0)), 1e-5);
      assertEquals(java.util.Arrays.toString(copy), java.util.Arrays.toString(feature));
      EncoderException wrongLength =
          assertThrows(EncoderException.class, () -> projection.project(List.of(new float[64])));
      assertTrue(
          wrongLength.getMessage().contains("takes features of 128 values"),
          wrongLength.getMessage());
    }
  }

  @Test
  void aDeclaredProjectionWithoutItsFileIsRefusedNamingIt() throws Exception {
    Path bundle = TestData.demoBundleWithProjection(tmp.resolve("bundle"));
    Files.delete(bundle.resolve("image_projection.pt"));
    BundleException e = assertThrows(BundleException.class, () -> ModelBundle.load(bundle));
    assertTrue(e.getMessage().contains("image_projection.pt"), e.getMessage());
    assertTrue(e.getMessage().contains("declares image.projection"), e.getMessage());
  }

  @Test
  void aWrongInputDimIsNamedWhenTheBundleLoads() throws Exception {
    Path bundle = TestData.demoBundleWithProjection(tmp.resolve("bundle"));
    BundleCopies.edit(
        bundle.resolve("model.json"), s -> s.replace("\"input_dim\": 128", "\"input_dim\": 64"));
    BundleException e =
        assertThrows(
            BundleException.class,
            () -> VisionLanguageModel.load(bundle, EncoderOptions.defaults()).close());
    assertTrue(e.getMessage().contains("image_projection.pt"), e.getMessage());
    assertTrue(e.getMessage().contains("[1, 64]"), e.getMessage());
    assertTrue(e.getMessage().contains("input_dim"), e.getMessage());
  }

  @Test
  void aProjectionThatIsNotAnObjectIsAFieldError() throws Exception {
    Path bundle = TestData.demoBundleWithProjection(tmp.resolve("bundle"));
    BundleCopies.edit(
        bundle.resolve("model.json"),
        s -> s.replaceAll("\"projection\": \\{[^}]*\\}", "\"projection\": \"proj_contrast\""));
    BundleException e = assertThrows(BundleException.class, () -> ModelBundle.load(bundle));
    assertTrue(e.getMessage().contains("\"image.projection\" must be an object"), e.getMessage());
  }

  @Test
  void aCanaryProjectionThatDisagreesFailsTheLoad() throws Exception {
    Path bundle = TestData.demoBundleWithProjection(tmp.resolve("bundle"));
    // the two rows' expected embeddings exchanged: the engine's projection no longer matches them
    BundleCopies.edit(
        bundle.resolve("canary.json"),
        s -> {
          String[] lines = s.split("\n", -1);
          int first = -1;
          for (int i = 0; i < lines.length; i++) {
            if (lines[i].contains("\"seeded-feature-")) {
              if (first < 0) {
                first = i;
              } else {
                String a = lines[first], b = lines[i];
                int ea = a.indexOf("\"embedding\""), eb = b.indexOf("\"embedding\"");
                lines[first] =
                    a.substring(0, ea)
                        + b.substring(eb, b.lastIndexOf(']') + 1)
                        + "}"
                        + (a.endsWith(",") ? "," : "");
                lines[i] =
                    b.substring(0, eb)
                        + a.substring(ea, a.lastIndexOf(']') + 1)
                        + "}"
                        + (b.endsWith(",") ? "," : "");
              }
            }
          }
          return String.join("\n", lines);
        });
    BundleException e =
        assertThrows(
            BundleException.class,
            () -> VisionLanguageModel.load(bundle, EncoderOptions.defaults()).close());
    assertTrue(e.getMessage().contains("canary check failed"), e.getMessage());
    assertTrue(e.getMessage().contains("(projected)"), e.getMessage());
  }

  @Test
  void canaryProjectionsWithoutADeclaredProjectionAreRefused() throws Exception {
    Path bundle = TestData.demoBundleWithProjection(tmp.resolve("bundle"));
    BundleCopies.edit(
        bundle.resolve("model.json"), s -> s.replaceAll(",\\s*\"projection\": \\{[^}]*\\}", ""));
    BundleException e =
        assertThrows(
            BundleException.class,
            () -> VisionLanguageModel.load(bundle, EncoderOptions.defaults()).close());
    assertTrue(e.getMessage().contains("declares no image.projection"), e.getMessage());
  }
}
