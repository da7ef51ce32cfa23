package org.pathlens.prompts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The classifier against a case small enough to compute by hand. */
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
    assertArrayEquals(new float[] {0.6f, 0.8f}, result.cosines(), 1e-7f);
    // softmax(6, 8) = (1 / (1 + e^2), e^2 / (1 + e^2)) = (0.11920292, 0.88079708)
    assertArrayEquals(new float[] {0.11920292f, 0.88079708f}, result.probabilities(), 1e-6f);
    assertEquals("B", result.prediction());
  }

  @Test
  void largeScalesDoNotOverflow() {
    float[] p = ZeroShotClassifier.softmax(new float[] {1f, 0.5f, -1f}, 1000.0);
    assertArrayEquals(new float[] {1f, 0f, 0f}, p, 1e-12f);
  }

  @Test
  void tiesGoToTheEarlierClass() {
    ClassProbabilities result =
        new ClassProbabilities(List.of("A", "B"), new float[] {0.5f, 0.5f}, new float[] {0.5f, 0.5f});
    assertEquals("A", result.prediction());
  }
}
