package org.pathlens.prompts;

import java.util.List;

/**
 * One image's result from any {@link Classifier}.
 *
 * @param classIds class ids in the classifier's order (a prompt set's file order for zero-shot)
 * @param scores the classifier's raw per-class score, the larger the likelier: the cosine to the
 *     class embedding (zero-shot, prototype), the logit (linear probe), the neighbour votes (kNN)
 * @param probabilities per-class probabilities in the same order, summing to 1
 */
public record ClassProbabilities(List<String> classIds, float[] scores, float[] probabilities) {

  /**
   * Index of the highest-scoring class; ties go to the earlier class, so results are repeatable.
   */
  public int predictedIndex() {
    int best = 0;
    for (int i = 1; i < scores.length; i++) {
      if (scores[i] > scores[best]) {
        best = i;
      }
    }
    return best;
  }

  public String prediction() {
    return classIds.get(predictedIndex());
  }
}
