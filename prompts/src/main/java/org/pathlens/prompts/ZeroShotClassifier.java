package org.pathlens.prompts;

import java.util.List;
import org.pathlens.encoders.Embeddings;
import org.pathlens.encoders.TextEncoder;

/**
 * The CONCH zero-shot procedure: per class, embed every synonym × template prompt, L2-normalise
 * each (the encoder does), average them, L2-normalise the mean. An image's logits are its cosines
 * to the class embeddings; probabilities are softmax(logit_scale × cosine).
 */
public final class ZeroShotClassifier implements ScaledClassifier {

  private final PromptSet prompts;
  private final List<String> classIds;
  private final float[][] classEmbeddings;
  private final double logitScale;

  public ZeroShotClassifier(PromptSet prompts, float[][] classEmbeddings, double logitScale) {
    if (classEmbeddings.length != prompts.classes().size()) {
      throw new IllegalArgumentException(
          "prompt set "
              + prompts.name()
              + " has "
              + prompts.classes().size()
              + " classes but "
              + classEmbeddings.length
              + " class embeddings were given");
    }
    this.prompts = prompts;
    this.classIds = prompts.classIds();
    this.classEmbeddings = classEmbeddings;
    this.logitScale = logitScale;
  }

  /** Embeds the prompts of {@code prompts} with {@code encoder}. */
  public static ZeroShotClassifier build(
      PromptSet prompts, TextEncoder encoder, double logitScale) {
    return new ZeroShotClassifier(
        prompts, PromptEmbeddings.encode(prompts, encoder).classEmbeddings(), logitScale);
  }

  public PromptSet prompts() {
    return prompts;
  }

  @Override
  public double softmaxScale() {
    return logitScale;
  }

  @Override
  public List<String> classIds() {
    return classIds;
  }

  /** Class embeddings in class order (unit norm); shared, do not modify. */
  public float[][] classEmbeddings() {
    return classEmbeddings;
  }

  public double logitScale() {
    return logitScale;
  }

  /** Classifies one unit-norm image embedding. */
  @Override
  public ClassProbabilities classify(float[] imageEmbedding) {
    float[] cosines = new float[classEmbeddings.length];
    for (int c = 0; c < cosines.length; c++) {
      cosines[c] = Embeddings.dot(imageEmbedding, classEmbeddings[c]);
    }
    return new ClassProbabilities(classIds, cosines, Softmax.of(cosines, logitScale));
  }
}
