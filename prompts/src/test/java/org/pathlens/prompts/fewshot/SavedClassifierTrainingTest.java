package org.pathlens.prompts.fewshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.pathlens.encoders.Embeddings;
import org.pathlens.index.SavedClassifier;
import org.pathlens.prompts.ClassProbabilities;
import org.pathlens.prompts.ScaledClassifier;

/**
 * A saved classifier's examples become the classifier they describe: the prompt's embedding is one
 * more relevant example, the prototype is the normalised mean worked out here by hand, and the
 * linear probe separates its own examples with its logits' softmax.
 */
class SavedClassifierTrainingTest {

  private static final float[] X = {1, 0, 0};
  private static final float[] Y = {0, 1, 0};
  private static final float[] Z = {0, 0, 1};

  private static SavedClassifier saved(String method, String prompt, float[] promptEmbedding) {
    return new SavedClassifier(
        "tumor",
        method,
        List.of(new SavedClassifier.Example("a", X), new SavedClassifier.Example("b", X)),
        List.of(new SavedClassifier.Example("c", Y)),
        prompt,
        promptEmbedding,
        "demo",
        "0".repeat(64),
        3,
        "2026-12-07T23:00:00Z",
        "2026-12-07T23:00:00Z");
  }

  @Test
  void thePromptIsOneMoreRelevantExampleOfThePrototype() {
    ScaledClassifier plain = SavedClassifierTraining.train(saved("prototype", null, null), 10);
    assertEquals(List.of("tumor", "not tumor"), plain.classIds());
    assertEquals(10, plain.softmaxScale());
    ScaledClassifier prompted =
        SavedClassifierTraining.train(saved("prototype", "tumor epithelium", Z), 10);
    // (X + X + Z) / |X + X + Z| = (2, 0, 1) / √5: the cosine of Z to it is 1/√5.
    ClassProbabilities z = prompted.classify(Z);
    assertEquals(1 / Math.sqrt(5), z.scores()[0], 1e-6);
    assertEquals(0, z.scores()[1], 1e-6);
    double p = 1 / (1 + Math.exp(-10 / Math.sqrt(5)));
    assertEquals(p, z.probabilities()[0], 1e-6);
    assertEquals(0, plain.classify(Z).scores()[0], 1e-6);
    assertArrayEquals(
        new float[] {(float) (2 / Math.sqrt(5)), 0, (float) (1 / Math.sqrt(5))},
        ((PrototypeClassifier) prompted).prototypes()[0],
        1e-6f);
  }

  @Test
  void theLinearProbeSeparatesItsExamples() {
    ScaledClassifier probe =
        SavedClassifierTraining.train(
            saved("linear-probe", "tumor", Embeddings.l2Normalize(new float[] {1, 0, 1})), 10);
    assertEquals(1.0, probe.softmaxScale());
    assertTrue(probe.classify(X).probabilities()[0] > 0.5);
    assertTrue(probe.classify(Y).probabilities()[1] > 0.5);
    assertEquals(4, SavedClassifierTraining.examples(saved("linear-probe", "t", Z)).size());
  }
}
