package org.pathlens.prompts.fewshot;

import java.util.List;
import org.pathlens.encoders.Embeddings;
import org.pathlens.prompts.ClassProbabilities;
import org.pathlens.prompts.ScaledClassifier;
import org.pathlens.prompts.Softmax;

/**
 * Prototype (nearest class mean) classifier: each class is the L2-normalised mean of its labelled
 * embeddings, exactly as a zero-shot class is the normalised mean of its prompt embeddings, but
 * built from images. Scores are cosines; probabilities are softmax(scale × cosine) with the
 * bundle's logit scale, so they are calibrated like the zero-shot ones.
 */
public final class PrototypeClassifier implements ScaledClassifier {

  private final List<String> classIds;
  private final float[][] prototypes;
  private final double logitScale;

  public PrototypeClassifier(List<String> classIds, float[][] prototypes, double logitScale) {
    this.classIds = List.copyOf(classIds);
    this.prototypes = prototypes;
    this.logitScale = logitScale;
  }

  /** Every class needs at least one labelled embedding. */
  public static PrototypeClassifier train(LabelledEmbeddings data, double logitScale) {
    float[][] prototypes = new float[data.classIds().size()][];
    for (int c = 0; c < prototypes.length; c++) {
      List<float[]> rows = data.ofClass(c);
      if (rows.isEmpty()) {
        throw new IllegalArgumentException(
            "class " + data.classIds().get(c) + " has no labelled embedding to average");
      }
      float[] sum = new float[data.dimension()];
      for (float[] row : rows) {
        for (int j = 0; j < sum.length; j++) {
          sum[j] += row[j];
        }
      }
      prototypes[c] = Embeddings.l2Normalize(sum);
    }
    return new PrototypeClassifier(data.classIds(), prototypes, logitScale);
  }

  @Override
  public double softmaxScale() {
    return logitScale;
  }

  @Override
  public List<String> classIds() {
    return classIds;
  }

  /** Prototypes in class order (unit norm); shared, do not modify. */
  public float[][] prototypes() {
    return prototypes;
  }

  @Override
  public ClassProbabilities classify(float[] imageEmbedding) {
    float[] cosines = new float[prototypes.length];
    for (int c = 0; c < cosines.length; c++) {
      cosines[c] = Embeddings.dot(imageEmbedding, prototypes[c]);
    }
    return new ClassProbabilities(classIds, cosines, Softmax.of(cosines, logitScale));
  }
}
