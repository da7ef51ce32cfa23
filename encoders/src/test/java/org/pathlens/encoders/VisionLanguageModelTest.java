package org.pathlens.encoders;

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
    // The translator reuses one native batch buffer: it must grow for a larger batch and hand
    // libtorch only the slots of a smaller one (3, then 7 in passes of 5 + 2, then 1).
    try (VisionLanguageModel vlm =
        VisionLanguageModel.load(
            BundleCopies.tinyClip(), EncoderOptions.defaults().withBatchSize(5))) {
      List<float[]> got = new ArrayList<>(vlm.images().encode(images.subList(0, 3)));
      List<float[]> all = vlm.images().encode(images);
      got.add(vlm.images().encode(images.get(6)));
      for (int i = 0; i < 3; i++) {
        assertArrayEquals(one.get(i), got.get(i), 1e-5f, "first call, image " + i);
      }
      for (int i = 0; i < images.size(); i++) {
        assertArrayEquals(one.get(i), all.get(i), 1e-5f, "second call, image " + i);
      }
      assertArrayEquals(one.get(6), got.get(3), 1e-5f, "third call");
    }
  }

  @Test
  void aPromptAloneGetsTheEmbeddingItGetsInABatch() {
    List<String> prompts = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      prompts.add("an H&E image of tissue type " + i + " with crowded glands");
    }
    try (VisionLanguageModel vlm =
        VisionLanguageModel.load(BundleCopies.tinyClip(), EncoderOptions.defaults())) {
      List<float[]> batched = vlm.texts().encode(prompts); // passes of 9: all intra-op threads
      for (int i = 0; i < prompts.size(); i++) {
        assertArrayEquals(batched.get(i), vlm.texts().encode(prompts.get(i)), 1e-5f, "prompt " + i);
      }
      // The tiny model's single-prompt passes take well under a millisecond: after the first of
      // them ran on every intra-op thread, the rest ran single-threaded (the lane), where there is
      // more than one thread to begin with; the embeddings above are the same either way.
      boolean lane = TorchRuntime.singleThreadLane().active();
      assertEquals(lane, vlm.texts().runsSingleThreaded(1));
      assertFalse(vlm.texts().runsSingleThreaded(TorchScriptEncoder.ALWAYS_PARALLEL));
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
