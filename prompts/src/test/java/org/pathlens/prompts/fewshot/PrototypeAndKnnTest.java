package org.pathlens.prompts.fewshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.pathlens.prompts.ClassProbabilities;

/** Prototype and kNN classifiers on cases computed by hand. */
class PrototypeAndKnnTest {

  // Class A: e1 and e2; class B: e3 and -e1 (unusual, to make the prototype's mean visible).
  private static final LabelledEmbeddings DATA =
      new LabelledEmbeddings(
          List.of("A", "B"),
          new float[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}, {-1, 0, 0}},
          new int[] {0, 0, 1, 1});

  @Test
  void prototypeIsTheNormalisedClassMean() {
    PrototypeClassifier classifier = PrototypeClassifier.train(DATA, 10.0);
    float r = (float) (1 / Math.sqrt(2));
    assertArrayEquals(new float[] {r, r, 0}, classifier.prototypes()[0], 1e-7f);
    assertArrayEquals(new float[] {-r, 0, r}, classifier.prototypes()[1], 1e-7f);
    // Image (0.6, 0, 0.8): cosines 0.6/√2 = 0.424264 and 0.2/√2 = 0.141421;
    // softmax(10 × ·) = 1 / (1 + e^(−2.828427)) = 0.944193 for A.
    ClassProbabilities p = classifier.classify(new float[] {0.6f, 0f, 0.8f});
    assertArrayEquals(new float[] {0.424264f, 0.141421f}, p.scores(), 1e-6f);
    assertArrayEquals(new float[] {0.944193f, 0.055807f}, p.probabilities(), 1e-6f);
    assertEquals("A", p.prediction());
  }

  @Test
  void prototypeNeedsEveryClass() {
    LabelledEmbeddings missing =
        new LabelledEmbeddings(List.of("A", "B"), new float[][] {{1, 0}}, new int[] {0});
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> PrototypeClassifier.train(missing, 1));
    assertEquals("class B has no labelled embedding to average", e.getMessage());
  }

  @Test
  void knnVotesAmongTheNearest() {
    // Image (0.6, 0.1, 0.79): similarities 0.6 (A), 0.1 (A), 0.79 (B), −0.6 (B).
    float[] image = {0.6f, 0.1f, 0.79f};
    ClassProbabilities one = new KnnClassifier(DATA, 1).classify(image);
    assertEquals("B", one.prediction());
    assertArrayEquals(new float[] {0, 1}, one.probabilities(), 0f);
    ClassProbabilities three = new KnnClassifier(DATA, 3).classify(image);
    assertArrayEquals(new float[] {2, 1}, three.scores(), 0f);
    assertArrayEquals(new float[] {2f / 3, 1f / 3}, three.probabilities(), 1e-7f);
    assertEquals("A", three.prediction());
    // k larger than the data uses all of it: 2 votes each, the tie goes to the earlier class.
    KnnClassifier all = new KnnClassifier(DATA, 10);
    assertEquals(4, all.k());
    assertEquals("A", all.classify(image).prediction());
  }

  @Test
  void knnNeighbourTiesGoToTheEarlierRow() {
    // Both rows are equally similar to e3; k = 1 takes row 0 (class B), not row 1 (class A).
    LabelledEmbeddings tied =
        new LabelledEmbeddings(
            List.of("A", "B"), new float[][] {{1, 0, 0}, {0, 1, 0}}, new int[] {1, 0});
    assertEquals("B", new KnnClassifier(tied, 1).classify(new float[] {0, 0, 1}).prediction());
  }

  @Test
  void labelsOutsideTheClassesAreNamed() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> LabelledEmbeddings.of(List.of("A", "B"), List.of(new float[] {1}), List.of("C")));
    assertEquals("label \"C\" is not one of the classes [A, B]", e.getMessage());
  }
}
