package org.pathlens.encoders;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.encoders.bundle.ModelBundle;
import org.pathlens.encoders.text.TextCleaning;
import org.pathlens.encoders.text.UncleanableTextException;

/**
 * model.json's text.clean on the committed tiny bundle: with it, texts reach the tokenizer cleaned
 * (an escaped prompt embeds as the plain one), mojibake is refused before inference; without it,
 * the bundle tokenizes texts as written and keeps the content hash its indexes recorded.
 */
class TextCleaningBundleTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The committed tiny-clip bundle's content hash, as indexes built with it record it. */
  private static final String TINY_CLIP_HASH =
      "e0f19970b6ab765a06982951a9a3d59923a62b4696d2bf1123d8b9c689094bd0";

  @TempDir static Path tmp;
  private static Path cleaning;

  @BeforeAll
  static void bundleWithTheRecord() throws IOException {
    cleaning = BundleCopies.copy(BundleCopies.tinyClip(), tmp.resolve("with-clean"));
    ObjectNode json = (ObjectNode) JSON.readTree(cleaning.resolve("model.json").toFile());
    ((ObjectNode) json.get("text"))
        .putArray("clean")
        .add("ftfy")
        .add("html.unescape")
        .add("html.unescape")
        .add("whitespace");
    JSON.writeValue(cleaning.resolve("model.json").toFile(), json);
  }

  @Test
  void withoutTheRecordTextsAreTokenizedAsWrittenAndTheHashIsUnchanged() {
    ModelBundle plain = ModelBundle.load(BundleCopies.tinyClip());
    assertEquals(TextCleaning.NONE, plain.config().text().clean());
    assertEquals(TINY_CLIP_HASH, plain.contentHash());
    assertNotEquals(TINY_CLIP_HASH, ModelBundle.load(cleaning).contentHash());
    try (VisionLanguageModel model = VisionLanguageModel.load(plain, cpu())) {
      BundleTokenizer tokenizer = model.texts().tokenizer();
      assertEquals(
          "Lymphocytes &amp; plasma cells", tokenizer.clean("Lymphocytes &amp; plasma cells"));
      assertFalse(
          Arrays.equals(
              tokenizer.encode("Lymphocytes &amp; plasma cells").getIds(),
              tokenizer.encode("Lymphocytes & plasma cells").getIds()));
      // nothing to refuse where nothing is cleaned
      assertEquals(64, model.texts().encode("caf\u00c3\u00a9 au lait").length);
    }
  }

  @Test
  void withTheRecordAnEscapedPromptEmbedsAsThePlainOne() {
    try (VisionLanguageModel model = VisionLanguageModel.load(cleaning, cpu())) {
      assertTrue(model.canary().passed(), model.canary().describe());
      TextEncoder texts = model.texts();
      assertEquals(
          "Lymphocytes & plasma cells, \"stroma\" fibroblasts",
          texts
              .tokenizer()
              .clean(
                  " Lymphocytes &amp;amp; plasma\u00a0cells,\t\u201cstroma\u201d\n\ufb01broblasts "));
      List<float[]> got =
          texts.encode(List.of("Lymphocytes &amp; plasma cells", "Lymphocytes & plasma cells"));
      assertArrayEquals(got.get(1), got.get(0));
      UncleanableTextException refused =
          assertThrows(
              UncleanableTextException.class,
              () -> texts.encode(List.of("tumour", "caf\u00c3\u00a9 au lait")));
      assertTrue(
          refused.getMessage().contains("\"caf\u00c3\u00a9 au lait\""), refused.getMessage());
    }
  }

  private static EncoderOptions cpu() {
    return EncoderOptions.defaults().withDevice(EncoderOptions.DeviceChoice.CPU);
  }
}
