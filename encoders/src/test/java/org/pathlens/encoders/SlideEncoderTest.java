package org.pathlens.encoders;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.encoders.bundle.BundleException;
import org.pathlens.encoders.bundle.SlideCanary;
import org.pathlens.encoders.bundle.SlideEncoderBundle;
import org.pathlens.encoders.bundle.SlideEncoderConfig;
import org.pathlens.fixtures.Fixtures;
import org.pathlens.testkit.TestData;

/**
 * The slide-encoder bundle contract on the committed demo encoder ({@code
 * fixtures/scripts/make_slide_encoder.py}): it loads with its canary, a canary it does not
 * reproduce is refused, and so is what the contract cannot express.
 */
class SlideEncoderTest {

  static final Path DEMO = TestData.bundle("demo-slide-encoder");

  @TempDir Path tmp;

  @Test
  void theDemoSlideEncoderLoadsWithItsCanary() {
    try (SlideEncoder encoder = SlideEncoder.load(DEMO, EncoderOptions.defaults())) {
      SlideEncoderConfig config = encoder.bundle().config();
      assertEquals("pathlens-demo-abmil", encoder.name());
      assertEquals(64, config.embeddingDim());
      assertEquals(128, config.tileFeatures().inputDim());
      assertEquals("pathlens-demo-crc9", config.tileFeatures().model());
      assertEquals(SlideEncoderConfig.Space.EMBEDDING, config.tileFeatures().space());
      assertEquals(224, config.tileFeatures().tileSize());
      assertEquals(0.5, config.tileFeatures().mpp());
      assertTrue(config.tileFeatures().takesTiles(224, 0.51));
      assertFalse(config.tileFeatures().takesTiles(224, 0.25));
      assertFalse(config.tileFeatures().takesTiles(512, 0.5));
      assertTrue(config.provenance().contains("make_slide_encoder.py"), config.provenance());
      CanaryCheck check = encoder.canary();
      System.out.printf("slide encoder canary: %s (%s)%n", check.describe(), check.engine());
      assertEquals(2, check.inputs());
      assertTrue(check.passed(), check.describe());

      // The canary slide again, through encode: its Python embedding to float precision.
      SlideCanary.Slide slide = encoder.bundle().canary().slides().getFirst();
      float[] again =
          encoder.encode(new SlideTiles(slide.features(), slide.coords(), slide.patchSizeLevel0()));
      assertEquals(1.0, Embeddings.dot(again, slide.embedding()), 1e-6);
      // Where the tiles lie is part of the input: the same tiles elsewhere on the grid differ.
      long[][] moved =
          Arrays.stream(slide.coords()).map(c -> new long[] {c[1], c[0]}).toArray(long[][]::new);
      float[] elsewhere =
          encoder.encode(new SlideTiles(slide.features(), moved, slide.patchSizeLevel0()));
      assertTrue(Embeddings.dot(again, elsewhere) < 0.9999, "coordinates were ignored");
    }
  }

  @Test
  void aTamperedCanaryIsRefusedInOneLine() throws Exception {
    Path copy = BundleCopies.copy(DEMO, tmp.resolve("tampered"));
    Path canary = copy.resolve(SlideCanary.FILE);
    String text = Files.readString(canary);
    Matcher first = Pattern.compile("\"embedding\": \\[(-?[0-9.e-]+), (-?[0-9.e-]+)").matcher(text);
    assertTrue(first.find());
    Files.writeString(
        canary,
        text.substring(0, first.start())
            + "\"embedding\": ["
            + (-Double.parseDouble(first.group(1)) * 9)
            + ", "
            + (-Double.parseDouble(first.group(2)) * 9)
            + text.substring(first.end()));
    BundleException e =
        assertThrows(
            BundleException.class, () -> SlideEncoder.load(copy, EncoderOptions.defaults()));
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
    assertTrue(
        e.getMessage().startsWith(canary.toAbsolutePath() + ": canary check failed: cosine "),
        e.getMessage());
    assertTrue(e.getMessage().contains("for slide \"seeded-slide-0\""), e.getMessage());
    assertTrue(e.getMessage().contains("PathLens will not run it"), e.getMessage());
  }

  @Test
  void aSlideTheContractCannotTakeIsRefused() {
    try (SlideEncoder encoder = SlideEncoder.load(DEMO, EncoderOptions.defaults())) {
      EncoderException wrongDim =
          assertThrows(
              EncoderException.class,
              () ->
                  encoder.encode(
                      new SlideTiles(new float[][] {new float[96]}, new long[][] {{0, 0}}, 224)));
      assertTrue(
          wrongDim
              .getMessage()
              .contains(
                  "takes tile features of 128 values (model.json tile_features.input_dim); tile 0 has 96"),
          wrongDim.getMessage());

      float[][] features = randomFeatures(3, 128);
      features[1][5] = Float.NaN;
      NonFiniteEmbeddingException nan =
          assertThrows(
              NonFiniteEmbeddingException.class,
              () ->
                  encoder.encode(
                      new SlideTiles(features, new long[][] {{0, 0}, {224, 0}, {0, 224}}, 224)));
      assertTrue(nan.getMessage().contains("never stored or served"), nan.getMessage());
    }
  }

  @Test
  void moreTilesThanTheEncoderDeclaresAreRefused() throws Exception {
    Path copy = BundleCopies.copy(DEMO, tmp.resolve("six"));
    BundleCopies.edit(
        copy.resolve("model.json"), s -> s.replace("\"max_tiles\": 100000", "\"max_tiles\": 6"));
    try (SlideEncoder encoder = SlideEncoder.load(copy, EncoderOptions.defaults())) {
      long[][] coords = new long[7][];
      for (int i = 0; i < coords.length; i++) {
        coords[i] = new long[] {i * 224L, 0};
      }
      EncoderException e =
          assertThrows(
              EncoderException.class,
              () -> encoder.encode(new SlideTiles(randomFeatures(7, 128), coords, 224)));
      assertTrue(
          e.getMessage()
              .endsWith(
                  "takes at most 6 tiles of a slide (model.json max_tiles); this slide has 7"),
          e.getMessage());
    }
  }

  @Test
  void aBundleThatIsNotASlideEncoderIsNamedForWhatItLacks() throws Exception {
    BundleException image =
        assertThrows(BundleException.class, () -> SlideEncoderBundle.load(Fixtures.demoBundle()));
    assertTrue(image.getMessage().contains("slide_encoder.pt: missing"), image.getMessage());

    Path kind = BundleCopies.copy(DEMO, tmp.resolve("kind"));
    BundleCopies.edit(kind.resolve("model.json"), s -> s.replace("\"slide-encoder\"", "\"image\""));
    BundleException wrongKind =
        assertThrows(BundleException.class, () -> SlideEncoderBundle.load(kind));
    assertTrue(
        wrongKind.getMessage().contains("field \"kind\" is \"image\""), wrongKind.getMessage());

    Path space = BundleCopies.copy(DEMO, tmp.resolve("space"));
    BundleCopies.edit(
        space.resolve("model.json"),
        s -> s.replace("\"space\": \"embedding\"", "\"space\": \"projected\""));
    BundleException wrongSpace =
        assertThrows(BundleException.class, () -> SlideEncoderBundle.load(space));
    assertTrue(wrongSpace.getMessage().contains("tile_features.space"), wrongSpace.getMessage());

    Path dim = BundleCopies.copy(DEMO, tmp.resolve("dim"));
    BundleCopies.edit(
        dim.resolve("model.json"), s -> s.replace("\"input_dim\": 128", "\"input_dim\": 96"));
    BundleException canaryDim =
        assertThrows(BundleException.class, () -> SlideEncoderBundle.load(dim));
    assertTrue(
        canaryDim
            .getMessage()
            .contains("has features of 128 values; model.json tile_features.input_dim is 96"),
        canaryDim.getMessage());

    Path noCanary = BundleCopies.copy(DEMO, tmp.resolve("no-canary"));
    Files.delete(noCanary.resolve(SlideCanary.FILE));
    BundleException missing =
        assertThrows(BundleException.class, () -> SlideEncoderBundle.load(noCanary));
    assertTrue(missing.getMessage().contains("canary.json: missing"), missing.getMessage());
  }

  private static float[][] randomFeatures(int n, int d) {
    Random random = new Random(27);
    float[][] rows = new float[n][d];
    for (float[] row : rows) {
      for (int i = 0; i < d; i++) {
        row[i] = (float) random.nextGaussian();
      }
      Embeddings.l2Normalize(row);
    }
    return rows;
  }
}
