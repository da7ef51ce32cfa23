package org.pathlens.prompts;

import java.util.List;
import org.pathlens.encoders.Embeddings;
import org.pathlens.encoders.TextEncoder;

/**
 * The CONCH zero-shot procedure: per class, embed every synonym × template prompt, L2-normalise
 * each (the encoder does), average them, L2-normalise the mean. An image's logits are its cosines
 * to the class embeddings; probabilities are softmax(logit_scale × cosine).
 */
public final class ZeroShotClassifier {

  private final PromptSet prompts;
  private final float[][] classEmbeddings;
  private final double logitScale;

  public ZeroShotClassifier(PromptSet prompts, float[][] classEmbeddings, double logitScale) {
    this.prompts = prompts;
    this.classEmbeddings = classEmbeddings;
    this.logitScale = logitScale;
  }

  /** Embeds the prompts of {@code prompts} with {@code encoder}. */
  public static ZeroShotClassifier build(PromptSet prompts, TextEncoder encoder, double logitScale) {
    List<String> ids = prompts.classIds();
    float[][] classEmbeddings = new float[ids.size()][];
    for (int c = 0; c < ids.size(); c++) {
      List<float[]> vectors = encoder.encode(prompts.prompts(ids.get(c)));
      float[] mean = new float[vectors.getFirst().length];
      for (float[] v : vectors) {
        for (int i = 0; i < mean.length; i++) {
          mean[i] += v[i];
        }
      }
      classEmbeddings[c] = Embeddings.l2Normalize(mean);
    }
    return new ZeroShotClassifier(prompts, classEmbeddings, logitScale);
  }

  public PromptSet prompts() {
    return prompts;
  }

  /** Class embeddings in class order (unit norm); shared, do not modify. */
  public float[][] classEmbeddings() {
    return classEmbeddings;
  }

  /** Classifies one unit-norm image embedding. */
  public ClassProbabilities classify(float[] imageEmbedding) {
    float[] cosines = new float[classEmbeddings.length];
    for (int c = 0; c < cosines.length; c++) {
      cosines[c] = Embeddings.dot(imageEmbedding, classEmbeddings[c]);
    }
    return new ClassProbabilities(prompts.classIds(), cosines, softmax(cosines, logitScale));
  }

  /** softmax(scale × x), computed stably by subtracting the maximum first. */
  static float[] softmax(float[] x, double scale) {
    double max = Double.NEGATIVE_INFINITY;
    for (float v : x) {
      max = Math.max(max, scale * v);
    }
    double[] e = new double[x.length];
    double sum = 0;
    for (int i = 0; i < x.length; i++) {
      e[i] = Math.exp(scale * x[i] - max);
      sum += e[i];
    }
    float[] p = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      p[i] = (float) (e[i] / sum);
    }
    return p;
  }
}
