package org.pathlens.encoders.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.encoders.BundleCopies;
import org.pathlens.encoders.Embeddings;
import org.pathlens.encoders.EncoderOptions;
import org.pathlens.encoders.ImageProjection;
import org.pathlens.encoders.VisionLanguageModel;
import org.pathlens.encoders.bundle.BundleException;
import org.pathlens.encoders.preprocess.ImageDecoder;
import org.pathlens.encoders.preprocess.RgbImage;
import org.pathlens.encoders.text.UncleanableTextException;
import org.pathlens.fixtures.Fixtures;
import org.pathlens.testkit.TestData;

/**
 * The exporters against the original model code: for each family, {@code
 * fixtures/scripts/refmodels_reference.py} builds a seeded small model of the family's own classes
 * from {@code ../shared/refmodels} and writes what the original code computes (its preprocessing,
 * its tokenizer, its forward); {@link ModelExport} exports the same files; PathLens's token ids
 * must then be identical and its embeddings within cosine 0.9999, on real tiles, crops with odd
 * margins (where torchvision and Hugging Face crop one pixel apart) and texts with punctuation,
 * accents, emoji, tabs, nothing and far too many words. Skipped only where {@code
 * ../shared/refmodels}, a Python with torch, or (for CONCH's Rust tokenizer) node with npm {@code
 * tokenizers} is missing; {@code .ci/run} installs them.
 *
 * <p>Each family's bundle also carries the model's projection of pre-projection image features
 * (what TRIDENT and CLAM store) into the text space, {@code image_projection.pt}: run directly, it
 * must take the original code's pre-projection feature of each image to the original code's
 * projection of it and to the model's projected image embedding.
 */
class ExportParityTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final double MIN_COSINE = 0.9999;
  private static final Map<String, JsonNode> REFERENCES = new HashMap<>();
  private static final String LYMPHOCYTES = "Lymphocytes &amp; plasma cells";
  private static final List<String> TEXTS =
      List.of(
          "an H&E image of lung adenocarcinoma.",
          "Tumor-infiltrating lymphocytes, 20x magnification; mitotic figures!",
          "naïve café — résumé 😀",
          "  multiple   spaces\tand\ttabs  ",
          "CD3+/CD8+ T-cells (IHC), Ki-67 ≈ 30%",
          "",
          "mitotic figures ".repeat(60).strip(),
          // cleaned by open_clip (ftfy, html.unescape twice, whitespace) and HF CLIP (ftfy,
          // whitespace) before their tokenizers: model.json text.clean must make PathLens agree
          LYMPHOCYTES,
          "&amp;amp; double, &lt;escaped&gt;, &AMP &eacute &#233; &#xE9; &notit; &notin; &#128;",
          "non\u00a0breaking\u00a0spaces\u202fand\tTABS\nnew\r\nlines&nbsp;&nbsp; ",
          "\u201ccurly\u201d \ufb01broblasts \uff28\uff06\uff25 \u00e9 e\u0301 \u2028sep",
          "<b>bold</b> &amp; plain, &#x110000; &#0; &#x1F600;");

  @TempDir static Path work;
  private static Path refmodels;
  private static String python;
  private static List<Path> images;

  @BeforeAll
  static void inputs() throws IOException {
    refmodels = Fixtures.shared().map(s -> s.resolve("refmodels")).orElse(null);
    assumeTrue(
        refmodels != null && Files.isDirectory(refmodels),
        "../shared/refmodels not found: exporter parity skipped");
    python = pythonWithTorch();
    Path tiles = refmodels.resolveSibling("data").resolve("tiles");
    Path wide = tiles.resolve("qc-tiles/medium-nuclei-score-level0.png"); // RGBA, 1001 x 777
    images = new ArrayList<>();
    images.add(tiles.resolve("crc-he/ADI-AAQEFMRI.tif")); // 224 x 224 RGB TIFF
    images.add(wide);
    // margins of 7 and 79 pixels: torchvision starts the crop at 4 and 40, Hugging Face at 3, 39
    images.add(crop(wide, 231, 224, work.resolve("crop_231x224.png")));
    images.add(crop(wide, 224, 303, work.resolve("crop_224x303.png")));
  }

  @Test
  void openClipMatchesTheOriginalCode() throws Exception {
    Result r = exportAndCompare("open_clip");
    assertEquals(77, r.modelJson.at("/text/context_length").asInt());
    assertEquals(0, r.modelJson.at("/text/pad_id").asInt());
    assertEquals("bicubic", r.modelJson.at("/image/interpolation").asText());
    assertEquals("visual.proj (pooled @ proj)", r.modelJson.at("/image/projection/from").asText());
    assertEquals(
        "[\"ftfy\",\"html.unescape\",\"html.unescape\",\"whitespace\"]",
        r.modelJson.at("/text/clean").toString());
    assertCleaningMatters("open_clip", r);
  }

  /**
   * Without its text.clean the same bundle tokenizes an escaped prompt otherwise than the original
   * code (its canary, which holds one, then refuses it), and text ftfy would re-decode as mojibake
   * is refused, not embedded otherwise.
   */
  private static void assertCleaningMatters(String family, Result r) throws Exception {
    JsonNode ref = reference(family);
    int i = TEXTS.indexOf(LYMPHOCYTES);
    long[] want = longs(ref.at("/texts/" + i + "/input_ids"));
    try (VisionLanguageModel model = VisionLanguageModel.load(r.bundle, cpu())) {
      UncleanableTextException refused =
          assertThrows(
              UncleanableTextException.class,
              () -> model.texts().encode("caf\u00c3\u00a9 au lait"));
      assertTrue(refused.getMessage().contains("mojibake"), refused.getMessage());
    }
    Path raw = work.resolve(family + "-without-clean");
    BundleCopies.copy(r.bundle, raw);
    ObjectNode json = (ObjectNode) JSON.readTree(raw.resolve("model.json").toFile());
    ((ObjectNode) json.get("text")).remove("clean");
    JSON.writeValue(raw.resolve("model.json").toFile(), json);
    BundleException canary =
        assertThrows(BundleException.class, () -> VisionLanguageModel.load(raw, cpu()).close());
    assertTrue(canary.getMessage().contains("&amp; plasma cells&nbsp;"), canary.getMessage());
    Files.delete(raw.resolve("canary.json"));
    try (VisionLanguageModel model = VisionLanguageModel.load(raw, cpu())) {
      long[] got = model.texts().tokenizer().encode(LYMPHOCYTES).getIds();
      assertFalse(Arrays.equals(want, got), family + ": the same ids without text.clean");
      double cosine =
          Embeddings.dot(
              floats(ref.at("/texts/" + i + "/embedding")), model.texts().encode(LYMPHOCYTES));
      System.out.printf(
          Locale.ROOT, "%s: \"%s\" without text.clean: cosine %.6f%n", family, LYMPHOCYTES, cosine);
    }
  }

  /** BiomedCLIP's tower layout: a timm trunk and a Linear head.proj, the projection exported. */
  @Test
  void openClipTimmTowerMatchesTheOriginalCode() throws Exception {
    Result r = exportAndCompare("open_clip-timm", "open_clip", List.of("--vision", "timm"));
    assertEquals(
        "visual.head.proj (Linear, no bias)", r.modelJson.at("/image/projection/from").asText());
  }

  /** A ResNet tower's attention pool ends in its own c_proj: no projection to export. */
  @Test
  void openClipResNetTowerHasNoProjection() throws Exception {
    JsonNode ref = reference("open_clip-resnet", "open_clip", List.of("--vision", "resnet"));
    assertTrue(ref.at("/images/0/feature").isMissingNode(), "a ResNet reference with features");
    Path bundle = work.resolve("open_clip-resnet").resolve("bundle");
    export("open_clip", ref, List.of(), bundle);
    assertFalse(Files.exists(bundle.resolve("image_projection.pt")));
    JsonNode modelJson = JSON.readTree(bundle.resolve("model.json").toFile());
    assertTrue(modelJson.at("/image/projection").isMissingNode(), modelJson.toString());
    JsonNode canary = JSON.readTree(bundle.resolve("canary.json").toFile());
    assertTrue(canary.path("projections").isMissingNode(), "canary projections without a file");
    try (VisionLanguageModel model = VisionLanguageModel.load(bundle, cpu())) {
      assertTrue(model.canary().passed(), model.canary().describe());
      assertTrue(model.projection().isEmpty());
      for (int i = 0; i < images.size(); i++) {
        assertCosine(
            floats(ref.at("/images/" + i + "/embedding")),
            model.images().encode(decode(images.get(i))),
            "open_clip ResNet image " + images.get(i));
      }
    }
  }

  @Test
  void hfClipMatchesTheOriginalCode() throws Exception {
    Result r = exportAndCompare("hf-clip");
    assertEquals("floor", r.modelJson.at("/image/crop_offset").asText());
    assertEquals(49407, r.modelJson.at("/text/pad_id").asInt());
    assertEquals("[\"ftfy\",\"whitespace\"]", r.modelJson.at("/text/clean").toString());
    assertCleaningMatters("hf-clip", r);
    assertEquals("[\"input_ids\",\"attention_mask\"]", r.modelJson.at("/text/inputs").toString());

    // Without the Hugging Face crop offsets the odd-margin crop lands one pixel off: visibly
    // further from the original code than with them (the canary, whose margins are even, cannot
    // tell). On this smooth tile and a small random model one pixel costs about 5e-5 of cosine.
    Path torchvisionCrop = work.resolve("hf-clip-round");
    BundleCopies.copy(r.bundle, torchvisionCrop);
    ObjectNode json = (ObjectNode) JSON.readTree(torchvisionCrop.resolve("model.json").toFile());
    ((ObjectNode) json.get("image")).remove("crop_offset");
    JSON.writeValue(torchvisionCrop.resolve("model.json").toFile(), json);
    double floorGap = 1 - r.imageCosines.get(2);
    try (VisionLanguageModel model = VisionLanguageModel.load(torchvisionCrop, cpu())) {
      double roundGap =
          1 - Embeddings.dot(model.images().encode(decode(images.get(2))), r.imageReference.get(2));
      assertTrue(
          roundGap > 1e-5 && roundGap > 20 * floorGap,
          "1 - cosine with torchvision's offsets "
              + roundGap
              + ", with Hugging Face's "
              + floorGap);
    }
  }

  @Test
  void conchMatchesTheOriginalCode() throws Exception {
    assumeTrue(
        Files.isDirectory(nodeModules().resolve("tokenizers")),
        "npm tokenizers not in " + nodeModules() + ": CONCH's tokenizer cannot run, skipped");
    Result r = exportAndCompare("conch");
    assertEquals(448, r.modelJson.at("/image/size").asInt());
    assertEquals(127, r.modelJson.at("/text/context_length").asInt());
    assertEquals("conch", r.modelJson.at("/source/family").asText());
    // CONCH's tokenizer is its tokenizers file alone: nothing cleans text before it
    assertTrue(r.modelJson.at("/text/clean").isMissingNode(), r.modelJson.toString());
    // TRIDENT's name is CONCH v1's: a CoCa of another config (this small one) is not that model
    assertTrue(r.modelJson.path("aka").isMissingNode(), r.modelJson.toString());
  }

  @Test
  void conchPreProjectionFeaturesRefuseText() throws Exception {
    assumeTrue(Files.isDirectory(nodeModules().resolve("tokenizers")), "npm tokenizers missing");
    Path bundle = conchPreProjectionBundle();
    JsonNode modelJson = JSON.readTree(bundle.resolve("model.json").toFile());
    assertEquals("pre-projection", modelJson.at("/image/feature").asText());
    try (VisionLanguageModel model = VisionLanguageModel.load(bundle, cpu())) {
      assertTrue(model.canary().passed());
      BundleException e = assertThrows(BundleException.class, model::texts);
      assertTrue(e.getMessage().contains("pre-projection"), e.getMessage());
    }
  }

  /**
   * A pre-projection bundle records the projection too: its image tower gives the original code's
   * pre-projection features, and those, through the bundle's image_projection.pt, the original
   * code's projected embeddings.
   */
  @Test
  void conchPreProjectionBundleCarriesTheProjection() throws Exception {
    assumeTrue(Files.isDirectory(nodeModules().resolve("tokenizers")), "npm tokenizers missing");
    JsonNode ref = reference("conch");
    Path bundle = conchPreProjectionBundle();
    assertProjectionMatchesTheOriginalCode("conch pre-projection", ref, bundle);
    List<float[]> features = new ArrayList<>();
    try (VisionLanguageModel model = VisionLanguageModel.load(bundle, cpu())) {
      for (int i = 0; i < images.size(); i++) {
        float[] feature = model.images().encode(decode(images.get(i)));
        float[] want = Embeddings.l2Normalize(floats(ref.at("/images/" + i + "/feature")));
        assertCosine(want, feature, "conch pre-projection tower, image " + images.get(i));
        features.add(feature);
      }
    }
    // the tower's unit features: the projection is linear, so their scale does not matter
    List<float[]> projected =
        DirectProjection.projectAndNormalise(bundle.resolve("image_projection.pt"), features);
    for (int i = 0; i < images.size(); i++) {
      assertCosine(
          floats(ref.at("/images/" + i + "/projected")),
          projected.get(i),
          "conch pre-projection tower then projection, image " + images.get(i));
    }
  }

  private static synchronized Path conchPreProjectionBundle() throws Exception {
    Path bundle = work.resolve("conch").resolve("bundle-pre-projection");
    if (!Files.isRegularFile(bundle.resolve("model.json"))) {
      export("conch", reference("conch"), List.of("--image-feature", "pre-projection"), bundle);
    }
    return bundle;
  }

  /**
   * model.json's image.projection and canary.json's "projections" describe the bundle's
   * image_projection.pt, and that file, loaded directly, takes each reference image's
   * pre-projection feature (original code) to unit(original projection of it) and to the original
   * code's projected image embedding.
   */
  private static void assertProjectionMatchesTheOriginalCode(
      String family, JsonNode ref, Path bundle) throws Exception {
    JsonNode modelJson = JSON.readTree(bundle.resolve("model.json").toFile());
    int embeddingDim = modelJson.get("embedding_dim").asInt();
    int inputDim = ref.at("/images/0/feature").size();
    assertTrue(inputDim > 0, family + ": the reference has no pre-projection features");
    assertEquals(
        inputDim, modelJson.at("/image/projection/input_dim").asInt(), family + " input_dim");
    assertFalse(modelJson.at("/image/projection/from").asText().isBlank(), family + " from");
    Path file = bundle.resolve("image_projection.pt");
    assertTrue(Files.isRegularFile(file), file + " is missing");

    JsonNode canary = JSON.readTree(bundle.resolve("canary.json").toFile());
    JsonNode rows = canary.path("projections");
    assertEquals(canary.get("images").size(), rows.size(), family + " canary projections");
    List<float[]> canaryFeatures = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      JsonNode row = rows.get(i);
      assertEquals(canary.at("/images/" + i + "/file").asText(), row.get("file").asText());
      assertEquals(inputDim, row.get("feature").size(), family + " canary feature");
      assertEquals(embeddingDim, row.get("embedding").size(), family + " canary embedding");
      canaryFeatures.add(floats(row.get("feature")));
    }
    List<float[]> got = DirectProjection.projectAndNormalise(file, canaryFeatures);
    for (int i = 0; i < rows.size(); i++) {
      assertCosine(
          floats(rows.get(i).get("embedding")), got.get(i), family + " canary projection " + i);
    }

    List<float[]> features = new ArrayList<>();
    ref.get("images").forEach(image -> features.add(floats(image.get("feature"))));
    got = DirectProjection.projectAndNormalise(file, features);
    for (int i = 0; i < features.size(); i++) {
      JsonNode image = ref.get("images").get(i);
      String what = family + " projection of image " + images.get(i);
      assertEquals(embeddingDim, got.get(i).length, what);
      assertCosine(floats(image.get("projected")), got.get(i), what + " vs original projection");
      assertCosine(floats(image.get("embedding")), got.get(i), what + " vs projected embedding");
    }

    // PathLens's own loading of it (canary "projections" checked) gives the same
    try (VisionLanguageModel model = VisionLanguageModel.load(bundle, cpu())) {
      assertTrue(model.canary().passed(), model.canary().describe());
      ImageProjection projection =
          model
              .projection()
              .orElseThrow(() -> new AssertionError(family + ": loaded without its projection"));
      assertEquals(inputDim, projection.inputDim());
      assertEquals(modelJson.at("/image/projection/from").asText(), projection.from());
      List<float[]> loaded = projection.project(features);
      for (int i = 0; i < features.size(); i++) {
        assertCosine(
            floats(ref.get("images").get(i).get("projected")),
            loaded.get(i),
            family + " ImageProjection of image " + images.get(i));
      }
    }
  }

  private static void assertCosine(float[] want, float[] got, String what) {
    double cosine = Embeddings.dot(want, got);
    assertTrue(cosine >= MIN_COSINE, String.format(Locale.ROOT, "%s: cosine %.6f", what, cosine));
  }

  private record Result(
      Path bundle, JsonNode modelJson, List<float[]> imageReference, List<Double> imageCosines) {}

  private Result exportAndCompare(String family) throws Exception {
    return exportAndCompare(family, family, List.of());
  }

  /**
   * Exports the model of {@code reference(name, family, referenceArgs)} and compares it with the
   * original code, its image projection included.
   */
  private Result exportAndCompare(String name, String family, List<String> referenceArgs)
      throws Exception {
    Path dir = work.resolve(name);
    JsonNode ref = reference(name, family, referenceArgs);
    Path bundle = dir.resolve("bundle");
    export(family, ref, List.of(), bundle);

    List<float[]> imageReference = new ArrayList<>();
    List<Double> imageCosines = new ArrayList<>();
    try (VisionLanguageModel model = VisionLanguageModel.load(bundle, cpu())) {
      assertTrue(model.canary().passed(), model.canary().describe());
      JsonNode refImages = ref.get("images");
      for (int i = 0; i < images.size(); i++) {
        float[] want = floats(refImages.get(i).get("embedding"));
        imageReference.add(want);
        float[] got = model.images().encode(decode(images.get(i)));
        double cosine = Embeddings.dot(want, got);
        imageCosines.add(cosine);
        assertTrue(
            cosine >= MIN_COSINE,
            String.format(Locale.ROOT, "%s image %s: cosine %.6f", family, images.get(i), cosine));
      }
      JsonNode refTexts = ref.get("texts");
      List<float[]> got = model.texts().encode(TEXTS);
      for (int i = 0; i < TEXTS.size(); i++) {
        long[] wantIds = longs(refTexts.get(i).get("input_ids"));
        if (family.equals("conch")) {
          // CONCH's tokenize() gives 127 ids and a <pad>; the bundle's tower appends that pad
          assertEquals(0, wantIds[wantIds.length - 1]);
          wantIds = Arrays.copyOf(wantIds, wantIds.length - 1);
        }
        long[] gotIds = model.texts().tokenizer().encode(TEXTS.get(i)).getIds();
        assertArrayEquals(wantIds, gotIds, family + " token ids of \"" + TEXTS.get(i) + "\"");
        double cosine = Embeddings.dot(floats(refTexts.get(i).get("embedding")), got.get(i));
        assertTrue(
            cosine >= MIN_COSINE,
            String.format(
                Locale.ROOT, "%s text \"%s\": cosine %.6f", family, TEXTS.get(i), cosine));
      }
    }
    assertProjectionMatchesTheOriginalCode(name, ref, bundle);
    return new Result(
        bundle, JSON.readTree(bundle.resolve("model.json").toFile()), imageReference, imageCosines);
  }

  /** Exports the reference's model files with {@code extra} arguments after its own. */
  private static void export(String family, JsonNode ref, List<String> extra, Path bundle) {
    List<String> args = new ArrayList<>(strings(ref.get("export_args")));
    assertEquals(family, args.remove(0));
    args.addAll(extra);
    List<Path> pythonPath = strings(ref.get("pythonpath")).stream().map(Path::of).toList();
    new ModelExport(
            python, pythonPath, Map.of("NODE_PATH", nodeModules().toString()), family, args, bundle)
        .run(cpu(), line -> System.out.println("  [export] " + line));
  }

  /** The family's reference: {@code work/FAMILY/reference.json}, its small model's files beside. */
  private static JsonNode reference(String family) throws Exception {
    return reference(family, family, List.of());
  }

  /**
   * Runs the original code once per {@code name} (a family, or a variant of one with {@code args}
   * for the script): writes {@code work/NAME/reference.json} and the model files a user would have.
   */
  private static synchronized JsonNode reference(String name, String family, List<String> args)
      throws Exception {
    if (REFERENCES.containsKey(name)) {
      return REFERENCES.get(name);
    }
    Path dir = work.resolve(name);
    Files.writeString(dir.resolveSibling("texts.json"), JSON.writeValueAsString(TEXTS));
    List<String> command =
        new ArrayList<>(
            List.of(
                python,
                Fixtures.dir().resolve("scripts/refmodels_reference.py").toString(),
                family,
                "--size",
                "small",
                "--work",
                dir.toString(),
                "--texts-file",
                dir.resolveSibling("texts.json").toString(),
                "--images"));
    images.forEach(p -> command.add(p.toString()));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("REFMODELS", refmodels.toString());
    builder.environment().put("REFMODELS_NODE_MODULES", nodeModules().toString());
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(10, TimeUnit.MINUTES), "reference timed out");
    assertEquals(0, process.exitValue(), "refmodels_reference.py " + name + ":\n" + output);
    JsonNode ref = JSON.readTree(dir.resolve("reference.json").toFile());
    REFERENCES.put(name, ref);
    return ref;
  }

  private static String pythonWithTorch() {
    return TestData.pythonWithTorch()
        .orElseThrow(
            () ->
                new org.opentest4j.TestAbortedException(
                    "no Python with torch (PATHLENS_PYTHON or /usr/bin/python3): skipped"));
  }

  private static Path nodeModules() {
    String env = System.getenv("REFMODELS_NODE_MODULES");
    return env != null && !env.isBlank()
        ? Path.of(env)
        : Path.of(System.getProperty("user.home"), ".cache/refmodels-node/node_modules");
  }

  private static EncoderOptions cpu() {
    return EncoderOptions.defaults().withDevice(EncoderOptions.DeviceChoice.CPU);
  }

  private static RgbImage decode(Path file) throws IOException {
    return new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS).decode(file);
  }

  private static Path crop(Path source, int width, int height, Path out) throws IOException {
    BufferedImage image = ImageIO.read(source.toFile());
    BufferedImage cropped = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    cropped.getGraphics().drawImage(image.getSubimage(300, 200, width, height), 0, 0, null);
    ImageIO.write(cropped, "png", out.toFile());
    return out;
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  private static float[] floats(JsonNode array) {
    float[] out = new float[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) array.get(i).asDouble();
    }
    return out;
  }

  private static long[] longs(JsonNode array) {
    long[] out = new long[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asLong();
    }
    return out;
  }
}
