package org.pathlens.prompts;

/**
 * A {@link Classifier} whose probabilities are softmax(scale × scores), so that scores pooled over
 * many tiles (a slide's top-K mean, {@code SlidePooling}) become probabilities the same way one
 * tile's do: zero-shot and prototype classifiers (cosines, the bundle's logit scale) and linear
 * probes (logits, scale 1).
 */
public interface ScaledClassifier extends Classifier {

  /** The factor the scores are multiplied by before the softmax. */
  double softmaxScale();
}
