package org.pathlens.prompts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pathlens.encoders.EncoderOptions;
import org.pathlens.encoders.VisionLanguageModel;
import org.pathlens.testkit.TestData;

class ClassEmbeddingCacheTest {

  private static final String BUNDLE_HASH = "ab".repeat(32);

  @TempDir Path tmp;

  private static PromptSet set(String synonym) {
    Map<String, List<String>> classes = new LinkedHashMap<>();
    classes.put("A", List.of(synonym));
    classes.put("B", List.of("b"));
    return new PromptSet("t", "", List.of("CLASSNAME."), classes);
  }

  private static Supplier<float[][]> counting(AtomicInteger calls, float[][] value) {
    return () -> {
      calls.incrementAndGet();
      return value;
    };
  }

  @Test
  void computesOncePerBundleAndPromptSet() {
    ClassEmbeddingCache cache = ClassEmbeddingCache.inMemory();
    AtomicInteger calls = new AtomicInteger();
    float[][] value = {{1, 0}, {0, 1}};
    assertTrue(cache.classEmbeddings(BUNDLE_HASH, set("a"), counting(calls, value)) == value);
    assertTrue(cache.classEmbeddings(BUNDLE_HASH, set("a"), counting(calls, null)) == value);
    assertEquals(1, calls.get());
    cache.classEmbeddings(BUNDLE_HASH, set("a2"), counting(calls, value));
    cache.classEmbeddings("cd".repeat(32), set("a"), counting(calls, value));
    assertEquals(3, calls.get());
    assertEquals(3, cache.computedCount());
  }

  @Test
  void aDirectoryCarriesEntriesToTheNextProcessExactly() {
    float[][] value = {{0.1f, (float) Math.PI, -1e-8f}, {1f / 3, 0.7071068f, 2.5e-5f}};
    AtomicInteger calls = new AtomicInteger();
    ClassEmbeddingCache.inDirectory(tmp)
        .classEmbeddings(BUNDLE_HASH, set("a"), counting(calls, value));
    ClassEmbeddingCache next = ClassEmbeddingCache.inDirectory(tmp);
    float[][] read = next.classEmbeddings(BUNDLE_HASH, set("a"), counting(calls, null));
    assertEquals(1, calls.get());
    assertEquals(0, next.computedCount());
    for (int c = 0; c < value.length; c++) {
      assertArrayEquals(value[c], read[c], 0f);
    }
  }

  @Test
  void aDamagedOrForeignFileIsRecomputedAndRewritten() throws IOException {
    float[][] value = {{1, 0}, {0, 1}};
    Path file = ClassEmbeddingCache.inDirectory(tmp).file(BUNDLE_HASH, set("a")).orElseThrow();
    Files.createDirectories(tmp);
    Files.writeString(
        file, "{\"bundle_hash\": \"" + BUNDLE_HASH + "\", \"embeddings\": [[1, 0], [0");
    AtomicInteger calls = new AtomicInteger();
    ClassEmbeddingCache.inDirectory(tmp)
        .classEmbeddings(BUNDLE_HASH, set("a"), counting(calls, value));
    assertEquals(1, calls.get());
    // Rewritten: the next process reads it.
    ClassEmbeddingCache.inDirectory(tmp)
        .classEmbeddings(BUNDLE_HASH, set("a"), counting(calls, value));
    assertEquals(1, calls.get());
    // A file under the right name but holding another bundle's entry is not trusted.
    Files.writeString(file, Files.readString(file).replace(BUNDLE_HASH, "ef".repeat(32)));
    ClassEmbeddingCache.inDirectory(tmp)
        .classEmbeddings(BUNDLE_HASH, set("a"), counting(calls, value));
    assertEquals(2, calls.get());
  }

  @Test
  void cachedClassifierEqualsAFreshlyBuiltOne() {
    PromptSet prompts = set("tumour");
    try (VisionLanguageModel model =
        VisionLanguageModel.load(TestData.bundle("tiny-clip-bpe"), EncoderOptions.defaults())) {
      ZeroShotClassifier fresh =
          ZeroShotClassifier.build(prompts, model.texts(), model.logitScale());
      ClassEmbeddingCache.inDirectory(tmp).classifier(model, prompts);
      ZeroShotClassifier cached = ClassEmbeddingCache.inDirectory(tmp).classifier(model, prompts);
      for (int c = 0; c < 2; c++) {
        assertArrayEquals(fresh.classEmbeddings()[c], cached.classEmbeddings()[c], 0f);
      }
      assertEquals(model.logitScale(), cached.logitScale());
    }
  }
}
