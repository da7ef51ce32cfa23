package org.pathlens.prompts;

import java.util.List;

/**
 * A zero-shot result for one image.
 *
 * @param classIds class ids in prompt-set order
 * @param cosines cosine similarity of the image to each class embedding
 * @param probabilities softmax(logit_scale × cosine), same order
 */
public record ClassProbabilities(List<String> classIds, float[] cosines, float[] probabilities) {

  /** Index of the most probable class; ties go to the earlier class, so results are repeatable. */
  public int predictedIndex() {
    int best = 0;
    for (int i = 1; i < cosines.length; i++) {
      if (cosines[i] > cosines[best]) {
        best = i;
      }
    }
    return best;
  }

  public String prediction() {
    return classIds.get(predictedIndex());
  }
}
