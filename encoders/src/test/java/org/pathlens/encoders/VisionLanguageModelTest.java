package org.pathlens.encoders;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.encoders.bundle.BundleException;
import org.pathlens.encoders.preprocess.RgbImage;

/** Loading a bundle through DJL: probes, batching and the errors of a bundle that does not fit. */
class VisionLanguageModelTest {

  @TempDir Path tmp;

  @Test
  void embeddingsAreUnitNormAndBatchSizeDoesNotChangeThem() {
    List<RgbImage> images = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      images.add(noise(100 + 13 * i, 90 + 7 * i, i));
    }
    List<float[]> one;
    List<float[]> three;
    try (VisionLanguageModel vlm =
        VisionLanguageModel.load(
            BundleCopies.tinyClip(), EncoderOptions.defaults().withBatchSize(1))) {
      one = vlm.images().encode(images);
      assertEquals(vlm.bundle().config().embeddingDim(), one.getFirst().length);
    }
    try (VisionLanguageModel vlm =
        VisionLanguageModel.load(
            BundleCopies.tinyClip(), EncoderOptions.defaults().withBatchSize(3))) {
      three = vlm.images().encode(images);
    }
    for (int i = 0; i < images.size(); i++) {
      assertEquals(1.0, Embeddings.dot(one.get(i), one.get(i)), 1e-5);
      assertArrayEquals(one.get(i), three.get(i), 1e-5f, "image " + i);
    }
  }

  @Test
  void embeddingDimMismatchFailsAtLoadNamingTheEncoder() {
    Path copy = BundleCopies.copy(BundleCopies.tinyClip(), tmp);
    BundleCopies.edit(
        copy.resolve("model.json"),
        s -> s.replaceFirst("\"embedding_dim\": *\\d+", "\"embedding_dim\": 7"));
    BundleException e =
        assertThrows(
            BundleException.class, () -> VisionLanguageModel.load(copy, EncoderOptions.defaults()));
    assertEquals(
        copy.resolve("image_encoder.pt").toAbsolutePath().normalize(),
        e.file().toAbsolutePath().normalize());
    assertTrue(e.getMessage().contains("embedding_dim is 7"), e.getMessage());
  }

  @Test
  void declaringAnAttentionMaskTheModelDoesNotTakeFailsAtLoad() {
    Path copy = BundleCopies.copy(BundleCopies.tinyClip(), tmp);
    BundleCopies.edit(
        copy.resolve("model.json"),
        s -> s.replaceFirst("\\[\\s*\"input_ids\"\\s*\\]", "[\"input_ids\", \"attention_mask\"]"));
    BundleException e =
        assertThrows(
            BundleException.class, () -> VisionLanguageModel.load(copy, EncoderOptions.defaults()));
    assertTrue(
        e.getMessage()
            .contains("text_encoder.pt: fails on int64 inputs [input_ids, attention_mask]"),
        e.getMessage());
  }

  @Test
  void aCorruptTorchScriptArchiveIsNamedNotCrashed() throws IOException {
    Path copy = BundleCopies.copy(BundleCopies.tinyClip(), tmp);
    byte[] bytes = Files.readAllBytes(copy.resolve("image_encoder.pt"));
    Files.write(copy.resolve("image_encoder.pt"), Arrays.copyOf(bytes, bytes.length / 2));
    BundleException e =
        assertThrows(
            BundleException.class, () -> VisionLanguageModel.load(copy, EncoderOptions.defaults()));
    assertTrue(
        e.getMessage().contains("image_encoder.pt: libtorch cannot load it as TorchScript"),
        e.getMessage());
  }

  @Test
  void aBrokenTokenizerIsNamed() throws IOException {
    Path copy = BundleCopies.copy(BundleCopies.tinyClip(), tmp);
    Files.writeString(copy.resolve("tokenizer.json"), "{\"model\": {\"type\": \"Nonsense\"}}");
    BundleException e =
        assertThrows(
            BundleException.class, () -> VisionLanguageModel.load(copy, EncoderOptions.defaults()));
    assertTrue(
        e.getMessage().contains("tokenizer.json: not a HuggingFace tokenizers file"),
        e.getMessage());
  }

  @Test
  void aTokenizerPaddingWithTheWrongIdIsCaught() {
    Path copy = BundleCopies.copy(BundleCopies.tinyClip(), tmp);
    BundleCopies.edit(
        copy.resolve("model.json"), s -> s.replaceFirst("\"pad_id\": *\\d+", "\"pad_id\": 3"));
    BundleException e =
        assertThrows(
            BundleException.class, () -> VisionLanguageModel.load(copy, EncoderOptions.defaults()));
    assertTrue(e.getMessage().contains("tokenizer.json: pads with id"), e.getMessage());
    assertTrue(e.getMessage().contains("text.pad_id is 3"), e.getMessage());
  }

  @Test
  void fp16OnCpuIsRefused() {
    var options =
        EncoderOptions.defaults().withDevice(EncoderOptions.DeviceChoice.CPU).withFp16(true);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> VisionLanguageModel.load(BundleCopies.tinyClip(), options));
    assertTrue(e.getMessage().contains("fp16 needs a GPU"), e.getMessage());
  }

  static RgbImage noise(int width, int height, long seed) {
    Random random = new Random(seed);
    byte[] rgb = new byte[width * height * 3];
    random.nextBytes(rgb);
    return new RgbImage(width, height, rgb);
  }
}
