package org.pathlens.encoders;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.pathlens.encoders.preprocess.ImageDecoder;
import org.pathlens.encoders.preprocess.RgbImage;
import org.pathlens.fixtures.Fixtures;
import org.pathlens.testkit.TestData;

/**
 * Golden-vector tests: for every bundle with reference outputs under {@code fixtures/golden/}
 * (written by {@code fixtures/scripts/make_golden.py} with Debian's torch/torchvision/Pillow), the
 * Java engine must give the same token ids and embeddings with cosine ≥ 0.9999 per item.
 */
class GoldenEmbeddingTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final double MIN_COSINE = 0.9999;

  @TestFactory
  Stream<DynamicTest> everyGoldenBundle() throws IOException {
    List<Path> goldens;
    try (Stream<Path> dirs = Files.list(Fixtures.dir().resolve("golden"))) {
      goldens =
          dirs.filter(d -> Files.isRegularFile(d.resolve("image_embeddings.json")))
              .sorted()
              .toList();
    }
    // Both committed bundles must keep their references: the demo model (WordPiece, attention
    // mask, shortest/bicubic) and the third-party-style CLIP (BPE, input_ids only,
    // squash/bilinear).
    assertEquals(
        List.of(TestData.golden("demo-bundle"), TestData.golden("tiny-clip-bpe")),
        goldens.stream().filter(d -> !d.getFileName().toString().equals("preprocess")).toList());
    return goldens.stream()
        .flatMap(
            dir ->
                Stream.of(
                    DynamicTest.dynamicTest(dir.getFileName() + " images", () -> checkImages(dir)),
                    DynamicTest.dynamicTest(dir.getFileName() + " texts", () -> checkTexts(dir))));
  }

  private static void checkImages(Path golden) throws Exception {
    JsonNode root = JSON.readTree(golden.resolve("image_embeddings.json").toFile());
    ImageDecoder decoder = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS);
    List<RgbImage> images = new ArrayList<>();
    for (JsonNode item : root.get("items")) {
      images.add(decoder.decode(golden.resolve(item.get("input").asText())));
    }
    try (VisionLanguageModel vlm =
        VisionLanguageModel.load(bundleOf(root), EncoderOptions.defaults().withBatchSize(4))) {
      List<float[]> actual = vlm.images().encode(images);
      int i = 0;
      for (JsonNode item : root.get("items")) {
        double cosine = Embeddings.dot(floats(item.get("embedding")), actual.get(i++));
        System.out.printf(
            "golden %s %s cosine %.7f%n", golden.getFileName(), item.get("input").asText(), cosine);
        assertTrue(cosine >= MIN_COSINE, item.get("input").asText() + ": cosine " + cosine);
      }
    }
  }

  private static void checkTexts(Path golden) throws Exception {
    JsonNode root = JSON.readTree(golden.resolve("text_embeddings.json").toFile());
    List<String> texts = new ArrayList<>();
    root.get("items").forEach(item -> texts.add(item.get("input").asText()));
    try (VisionLanguageModel vlm =
        VisionLanguageModel.load(bundleOf(root), EncoderOptions.defaults())) {
      List<float[]> actual = vlm.texts().encode(texts);
      int i = 0;
      for (JsonNode item : root.get("items")) {
        String text = item.get("input").asText();
        var encoding = vlm.texts().tokenizer().encode(text);
        assertArrayEquals(
            longs(item.get("input_ids")), encoding.getIds(), "input_ids of \"" + text + "\"");
        assertArrayEquals(
            longs(item.get("attention_mask")),
            encoding.getAttentionMask(),
            "attention_mask of \"" + text + "\"");
        double cosine = Embeddings.dot(floats(item.get("embedding")), actual.get(i++));
        assertTrue(cosine >= MIN_COSINE, "\"" + text + "\": cosine " + cosine);
      }
      assertEquals(texts.size(), i);
    }
  }

  private static Path bundleOf(JsonNode root) {
    return Fixtures.root().resolve(root.get("bundle").asText());
  }

  private static float[] floats(JsonNode array) {
    float[] v = new float[array.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) array.get(i).asDouble();
    }
    return v;
  }

  private static long[] longs(JsonNode array) {
    long[] v = new long[array.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = array.get(i).asLong();
    }
    return v;
  }
}
