package org.pathlens.prompts;

import java.util.List;

/**
 * Classifies one unit-norm image embedding into a fixed list of classes. Zero-shot prompts, linear
 * probes, prototypes and kNN all answer in this form, so evaluation, the CLI and the server treat
 * them alike.
 */
public interface Classifier {

  /** The classes, in the order of every {@link ClassProbabilities} this classifier returns. */
  List<String> classIds();

  ClassProbabilities classify(float[] imageEmbedding);
}
