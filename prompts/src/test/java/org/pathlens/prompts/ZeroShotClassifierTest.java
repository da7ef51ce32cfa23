package org.pathlens.prompts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The classifier against cases small enough to compute by hand. */
class ZeroShotClassifierTest {

  private static PromptSet twoClasses() {
    Map<String, List<String>> classes = new LinkedHashMap<>();
    classes.put("A", List.of("a"));
    classes.put("B", List.of("b"));
    return new PromptSet("t", "", List.of("CLASSNAME"), classes);
  }

  @Test
  void probabilitiesAreSoftmaxOfScaledCosines() {
    // Class embeddings e1 and e2; image (0.6, 0.8): cosines 0.6 and 0.8.
    ZeroShotClassifier classifier =
        new ZeroShotClassifier(twoClasses(), new float[][] {{1, 0}, {0, 1}}, 10.0);
    ClassProbabilities result = classifier.classify(new float[] {0.6f, 0.8f});
    assertArrayEquals(new float[] {0.6f, 0.8f}, result.scores(), 1e-7f);
    // softmax(6, 8) = (1 / (1 + e^2), e^2 / (1 + e^2)) = (0.11920292, 0.88079708)
    assertArrayEquals(new float[] {0.11920292f, 0.88079708f}, result.probabilities(), 1e-6f);
    assertEquals("B", result.prediction());
    assertEquals(List.of("A", "B"), classifier.classIds());
  }

  /**
   * Two synonyms × two templates for class A, one prompt for class B, in 3-D. Class A's prompt
   * embeddings e1, e2, e1, (e1+e2)/√2 sum to (2 + 1/√2, 1 + 1/√2, 0) = (2.70711, 1.70711, 0), norm
   * 3.20041, so A = (0.84586, 0.53340, 0). B = e3. Image (0.6, 0, 0.8): cosines 0.50752 and 0.8;
   * with logit scale 5: softmax(2.53759, 4) = (0.18810, 0.81190).
   */
  @Test
  void classEmbeddingIsTheNormalisedMeanOfItsPrompts() {
    Map<String, List<String>> classes = new LinkedHashMap<>();
    classes.put("A", List.of("a1", "a2"));
    classes.put("B", List.of("b"));
    PromptSet set = new PromptSet("t", "", List.of("CLASSNAME", "an image of CLASSNAME"), classes);
    float r = (float) (1 / Math.sqrt(2));
    float[][][][] vectors = {
      {{{1, 0, 0}, {0, 1, 0}}, {{1, 0, 0}, {r, r, 0}}},
      {{{0, 0, 1}, {0, 0, 1}}}
    };
    PromptEmbeddings prompts = new PromptEmbeddings(set, vectors);
    float[][] classEmbeddings = prompts.classEmbeddings();
    assertArrayEquals(new float[] {0.845862f, 0.533402f, 0f}, classEmbeddings[0], 1e-6f);
    assertArrayEquals(new float[] {0f, 0f, 1f}, classEmbeddings[1], 1e-7f);
    ClassProbabilities result =
        new ZeroShotClassifier(set, classEmbeddings, 5.0).classify(new float[] {0.6f, 0f, 0.8f});
    assertArrayEquals(new float[] {0.507517f, 0.8f}, result.scores(), 1e-6f);
    assertArrayEquals(new float[] {0.188098f, 0.811902f}, result.probabilities(), 1e-5f);

    // Without template 1, A is the mean of e1 and e1: e1.
    assertArrayEquals(new float[] {1f, 0f, 0f}, prompts.withoutTemplate(1)[0], 1e-7f);
    // Without synonym a1, A is the mean of e1 and (e1+e2)/√2 = (1.70711, 0.70711, 0) normalised.
    assertArrayEquals(
        new float[] {0.923880f, 0.382683f, 0f}, prompts.withoutSynonym(0, 0)[0], 1e-6f);
    assertArrayEquals(classEmbeddings[1], prompts.withoutSynonym(0, 0)[1], 0f);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> prompts.withoutSynonym(1, 0));
    assertEquals("class B has no prompt left after the ablation", e.getMessage());
  }

  @Test
  void largeScalesDoNotOverflow() {
    float[] p = Softmax.of(new float[] {1f, 0.5f, -1f}, 1000.0);
    assertArrayEquals(new float[] {1f, 0f, 0f}, p, 1e-12f);
  }

  @Test
  void tiesGoToTheEarlierClass() {
    ClassProbabilities result =
        new ClassProbabilities(
            List.of("A", "B"), new float[] {0.5f, 0.5f}, new float[] {0.5f, 0.5f});
    assertEquals("A", result.prediction());
  }

  @Test
  void classCountMustMatchThePromptSet() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new ZeroShotClassifier(twoClasses(), new float[][] {{1, 0}}, 10.0));
    assertEquals("prompt set t has 2 classes but 1 class embeddings were given", e.getMessage());
  }
}
