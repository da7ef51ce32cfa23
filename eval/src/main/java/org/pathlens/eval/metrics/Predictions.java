package org.pathlens.eval.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a classifier said about labelled items: the input of every classification metric.
 *
 * @param classIds the classes, in order; for ordinal sets (grades) this order is the scale that
 *     quadratic-weighted kappa uses
 * @param truth true class index per item
 * @param predicted predicted class index per item
 * @param probabilities per item, a probability (or any score, larger = likelier) per class; AUROC
 *     uses it
 * @param groups per item, the unit a bootstrap resamples (a slide, a patient); {@code null} when
 *     items are independent
 */
public record Predictions(
    List<String> classIds, int[] truth, int[] predicted, float[][] probabilities, String[] groups) {

  public Predictions {
    classIds = List.copyOf(classIds);
    int n = truth.length;
    if (predicted.length != n
        || probabilities.length != n
        || (groups != null && groups.length != n)) {
      throw new IllegalArgumentException(
          "truth, predicted, probabilities and groups must have one entry per item");
    }
    for (int i = 0; i < n; i++) {
      if (truth[i] < 0
          || truth[i] >= classIds.size()
          || predicted[i] < 0
          || predicted[i] >= classIds.size()) {
        throw new IllegalArgumentException(
            "item " + i + ": class index outside 0.." + (classIds.size() - 1));
      }
      if (probabilities[i].length != classIds.size()) {
        throw new IllegalArgumentException(
            "item "
                + i
                + ": "
                + probabilities[i].length
                + " probabilities for "
                + classIds.size()
                + " classes");
      }
    }
  }

  public int size() {
    return truth.length;
  }

  public int classCount() {
    return classIds.size();
  }

  /** The items at {@code indices} (repeats allowed), as a bootstrap resample takes them. */
  public Predictions select(int[] indices) {
    int[] t = new int[indices.length];
    int[] p = new int[indices.length];
    float[][] prob = new float[indices.length][];
    String[] g = groups == null ? null : new String[indices.length];
    for (int i = 0; i < indices.length; i++) {
      t[i] = truth[indices[i]];
      p[i] = predicted[indices[i]];
      prob[i] = probabilities[indices[i]];
      if (g != null) {
        g[i] = groups[indices[i]];
      }
    }
    return new Predictions(classIds, t, p, prob, g);
  }

  /** Items whose prediction is their true class. */
  public int correct() {
    int correct = 0;
    for (int i = 0; i < truth.length; i++) {
      correct += truth[i] == predicted[i] ? 1 : 0;
    }
    return correct;
  }

  /**
   * The items split by a key per item (a center, a scanner), keys in name order: the input of every
   * per-center number.
   *
   * @throws IllegalArgumentException when {@code keys} is not one key per item, or a key is null
   */
  public SortedMap<String, Predictions> split(List<String> keys) {
    if (keys.size() != size()) {
      throw new IllegalArgumentException(keys.size() + " keys for " + size() + " items");
    }
    SortedMap<String, List<Integer>> indices = new TreeMap<>();
    for (int i = 0; i < keys.size(); i++) {
      if (keys.get(i) == null) {
        throw new IllegalArgumentException("item " + i + " has no key");
      }
      indices.computeIfAbsent(keys.get(i), k -> new ArrayList<>()).add(i);
    }
    SortedMap<String, Predictions> out = new TreeMap<>();
    indices.forEach(
        (key, items) -> out.put(key, select(items.stream().mapToInt(Integer::intValue).toArray())));
    return out;
  }
}
