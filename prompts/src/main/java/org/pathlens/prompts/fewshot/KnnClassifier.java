package org.pathlens.prompts.fewshot;

import java.util.List;
import org.pathlens.encoders.Embeddings;
import org.pathlens.prompts.ClassProbabilities;
import org.pathlens.prompts.Classifier;

/**
 * k-nearest-neighbour vote among labelled embeddings by cosine. Scores are vote counts and
 * probabilities vote fractions; a neighbour tie at the k-th place goes to the earlier labelled row
 * and a vote tie to the earlier class, so results are repeatable.
 */
public final class KnnClassifier implements Classifier {

  private final LabelledEmbeddings data;
  private final int k;

  public KnnClassifier(LabelledEmbeddings data, int k) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be >= 1, got " + k);
    }
    this.data = data;
    this.k = Math.min(k, data.size());
  }

  @Override
  public List<String> classIds() {
    return data.classIds();
  }

  public int k() {
    return k;
  }

  @Override
  public ClassProbabilities classify(float[] imageEmbedding) {
    int n = data.size();
    float[] similarity = new float[n];
    for (int i = 0; i < n; i++) {
      similarity[i] = Embeddings.dot(imageEmbedding, data.embeddings()[i]);
    }
    // Selection of the k best by (similarity desc, row asc): k·n, fine for few-shot sizes.
    boolean[] taken = new boolean[n];
    float[] votes = new float[data.classIds().size()];
    for (int round = 0; round < k; round++) {
      int best = -1;
      for (int i = 0; i < n; i++) {
        if (!taken[i] && (best < 0 || similarity[i] > similarity[best])) {
          best = i;
        }
      }
      taken[best] = true;
      votes[data.labels()[best]]++;
    }
    float[] probabilities = new float[votes.length];
    for (int c = 0; c < votes.length; c++) {
      probabilities[c] = votes[c] / k;
    }
    return new ClassProbabilities(data.classIds(), votes, probabilities);
  }
}
