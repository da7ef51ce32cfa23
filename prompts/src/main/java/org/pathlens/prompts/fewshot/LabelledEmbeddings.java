package org.pathlens.prompts.fewshot;

import java.util.ArrayList;
import java.util.List;

/**
 * Training data for few-shot classifiers: unit-norm image embeddings with their class.
 *
 * @param classIds the classes, in the order every trained classifier reports them
 * @param embeddings one row per labelled tile, all of one dimension
 * @param labels index into {@code classIds} per row
 */
public record LabelledEmbeddings(List<String> classIds, float[][] embeddings, int[] labels) {

  public LabelledEmbeddings {
    classIds = List.copyOf(classIds);
    if (embeddings.length != labels.length) {
      throw new IllegalArgumentException(
          embeddings.length + " embeddings but " + labels.length + " labels");
    }
    if (embeddings.length == 0) {
      throw new IllegalArgumentException("no labelled embeddings to train on");
    }
    for (int i = 0; i < embeddings.length; i++) {
      if (embeddings[i].length != embeddings[0].length) {
        throw new IllegalArgumentException(
            "embedding "
                + i
                + " has dimension "
                + embeddings[i].length
                + ", the first has "
                + embeddings[0].length);
      }
      if (labels[i] < 0 || labels[i] >= classIds.size()) {
        throw new IllegalArgumentException(
            "label " + labels[i] + " of embedding " + i + " is not a class index of " + classIds);
      }
    }
  }

  /** Builds the set from parallel lists, class order as given by {@code classIds}. */
  public static LabelledEmbeddings of(
      List<String> classIds, List<float[]> embeddings, List<String> labels) {
    int[] y = new int[labels.size()];
    for (int i = 0; i < y.length; i++) {
      y[i] = classIds.indexOf(labels.get(i));
      if (y[i] < 0) {
        throw new IllegalArgumentException(
            "label \"" + labels.get(i) + "\" is not one of the classes " + classIds);
      }
    }
    return new LabelledEmbeddings(classIds, embeddings.toArray(float[][]::new), y);
  }

  public int size() {
    return labels.length;
  }

  public int dimension() {
    return embeddings[0].length;
  }

  /** The rows of one class, in input order. */
  public List<float[]> ofClass(int classIndex) {
    List<float[]> rows = new ArrayList<>();
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] == classIndex) {
        rows.add(embeddings[i]);
      }
    }
    return rows;
  }
}
