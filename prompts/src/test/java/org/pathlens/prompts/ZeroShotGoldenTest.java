package org.pathlens.prompts;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pathlens.encoders.EncoderOptions;
import org.pathlens.encoders.VisionLanguageModel;
import org.pathlens.encoders.preprocess.ImageDecoder;
import org.pathlens.fixtures.Fixtures;
import org.pathlens.testkit.TestData;

/**
 * The demo bundle's zero-shot classifier against the Python reference
 * (fixtures/scripts/make_zeroshot_golden.py → fixtures/golden/zeroshot/zeroshot.json): class
 * embeddings of demo-crc9, then cosines and probabilities of tiles from the unseen center.
 */
class ZeroShotGoldenTest {

  static JsonNode golden;
  static Path dir;
  static VisionLanguageModel model;
  static ZeroShotClassifier classifier;

  @BeforeAll
  static void load() throws IOException {
    dir = TestData.golden("zeroshot");
    golden = new ObjectMapper().readTree(dir.resolve("zeroshot.json").toFile());
    model =
        VisionLanguageModel.load(
            Fixtures.root().resolve(golden.get("bundle").asText()), EncoderOptions.defaults());
    PromptSet prompts =
        PromptSetReader.read(Fixtures.root().resolve(golden.get("prompts").asText()));
    classifier = ZeroShotClassifier.build(prompts, model.texts(), model.logitScale());
  }

  @AfterAll
  static void close() {
    model.close();
  }

  @Test
  void classEmbeddingsMatchTheReference() {
    assertEquals(golden.get("logit_scale").asDouble(), classifier.logitScale(), 1e-9);
    for (int c = 0; c < classifier.classIds().size(); c++) {
      assertEquals(golden.get("class_ids").get(c).asText(), classifier.classIds().get(c));
      JsonNode expected = golden.get("class_embeddings").get(c);
      for (int i = 0; i < expected.size(); i++) {
        assertEquals(
            expected.get(i).asDouble(),
            classifier.classEmbeddings()[c][i],
            1e-5,
            classifier.classIds().get(c) + "[" + i + "]");
      }
    }
  }

  @Test
  void probabilitiesMatchTheReference() throws IOException {
    ImageDecoder decoder = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS);
    for (JsonNode item : golden.get("items")) {
      String input = item.get("input").asText();
      ClassProbabilities result =
          classifier.classify(model.images().encode(decoder.decode(dir.resolve(input))));
      for (int c = 0; c < result.classIds().size(); c++) {
        assertEquals(
            item.get("cosines").get(c).asDouble(),
            result.scores()[c],
            1e-5,
            input + " cosine " + c);
        assertEquals(
            item.get("probabilities").get(c).asDouble(),
            result.probabilities()[c],
            1e-4,
            input + " p " + c);
      }
      assertEquals(item.get("label").asText(), result.prediction(), input);
    }
  }
}
