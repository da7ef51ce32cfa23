package org.pathlens.prompts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.pathlens.encoders.EncoderOptions;
import org.pathlens.encoders.VisionLanguageModel;
import org.pathlens.encoders.preprocess.ImageDecoder;
import org.pathlens.fixtures.Fixtures;
import org.pathlens.testkit.TestData;

/**
 * A class-embedding cache file altered after it was written (the issue: swapping two rows changed
 * 16 of 72 predictions, negating one changed 13, silently) is never used: the demo bundle's
 * classification of the golden tiles with demo-crc9 equals the fresh computation, the file is
 * rewritten, and the next process reads the rewritten file without computing.
 */
class TamperedClassEmbeddingCacheTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  static VisionLanguageModel model;
  static PromptSet prompts;
  static ZeroShotClassifier fresh;
  static List<float[]> tiles = new ArrayList<>();

  @TempDir Path tmp;

  @BeforeAll
  static void load() throws IOException {
    Path golden = TestData.golden("zeroshot");
    JsonNode reference = JSON.readTree(golden.resolve("zeroshot.json").toFile());
    model = VisionLanguageModel.load(Fixtures.demoBundle(), EncoderOptions.defaults());
    prompts = PromptSetReader.read(Fixtures.root().resolve(reference.get("prompts").asText()));
    fresh = ZeroShotClassifier.build(prompts, model.texts(), model.logitScale());
    ImageDecoder decoder = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS);
    for (JsonNode item : reference.get("items")) {
      tiles.add(model.images().encode(decoder.decode(golden.resolve(item.get("input").asText()))));
    }
  }

  @AfterAll
  static void close() {
    model.close();
  }

  /** What was done to the cache file between two processes. */
  enum Tampering {
    SWAP_TWO_ROWS {
      @Override
      byte[] apply(byte[] file) throws IOException {
        ObjectNode root = (ObjectNode) JSON.readTree(file);
        ArrayNode rows = (ArrayNode) root.get("embeddings");
        JsonNode first = rows.get(0);
        rows.set(0, rows.get(8));
        rows.set(8, first);
        return JSON.writeValueAsBytes(root);
      }
    },
    NEGATE_A_ROW {
      @Override
      byte[] apply(byte[] file) throws IOException {
        ObjectNode root = (ObjectNode) JSON.readTree(file);
        ArrayNode row = (ArrayNode) root.get("embeddings").get(3);
        for (int i = 0; i < row.size(); i++) {
          row.set(i, JSON.getNodeFactory().numberNode(-row.get(i).floatValue()));
        }
        return JSON.writeValueAsBytes(root);
      }
    },
    GARBLE_BYTES {
      @Override
      byte[] apply(byte[] file) {
        byte[] out = file.clone();
        for (int i = out.length / 2; i < out.length / 2 + 40; i++) {
          out[i] = (byte) (31 * i);
        }
        return out;
      }
    },
    NO_HASH {
      @Override
      byte[] apply(byte[] file) throws IOException {
        ObjectNode root = (ObjectNode) JSON.readTree(file);
        root.remove("content_sha256"); // as files of earlier versions are
        return JSON.writeValueAsBytes(root);
      }
    };

    abstract byte[] apply(byte[] file) throws IOException;
  }

  @ParameterizedTest
  @EnumSource(Tampering.class)
  void aTamperedFileIsRecomputedRewrittenAndNeverChangesAnAnswer(Tampering tampering)
      throws IOException {
    ClassEmbeddingCache.inDirectory(tmp).classifier(model, prompts);
    Path file =
        ClassEmbeddingCache.inDirectory(tmp)
            .file(model.bundle().contentHash(), prompts)
            .orElseThrow();
    byte[] written = Files.readAllBytes(file);
    byte[] tampered = tampering.apply(written);
    assertNotEquals(new String(written), new String(tampered));
    Files.write(file, tampered);

    ClassEmbeddingCache next = ClassEmbeddingCache.inDirectory(tmp);
    ZeroShotClassifier cached = next.classifier(model, prompts);
    assertEquals(1, next.rejectedCount());
    assertEquals(1, next.computedCount());
    for (int c = 0; c < fresh.classIds().size(); c++) {
      assertArrayEquals(fresh.classEmbeddings()[c], cached.classEmbeddings()[c], 0f);
    }
    for (float[] tile : tiles) {
      ClassProbabilities expected = fresh.classify(tile);
      ClassProbabilities actual = cached.classify(tile);
      assertEquals(expected.prediction(), actual.prediction());
      assertArrayEquals(expected.probabilities(), actual.probabilities(), 0f);
    }

    // Rewritten whole: the process after reads it and computes nothing.
    assertArrayEquals(written, Files.readAllBytes(file));
    ClassEmbeddingCache after = ClassEmbeddingCache.inDirectory(tmp);
    after.classifier(model, prompts);
    assertEquals(0, after.computedCount());
    assertEquals(0, after.rejectedCount());
  }
}
