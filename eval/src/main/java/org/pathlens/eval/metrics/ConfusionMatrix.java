package org.pathlens.eval.metrics;

import java.util.List;
import java.util.Locale;

/**
 * Counts of (true class, predicted class), with the per-class precision, recall and F1 derived from
 * them. A ratio with a zero denominator is 0, as scikit-learn's {@code zero_division=0}.
 *
 * @param classIds row and column order
 * @param counts {@code counts[true][predicted]}
 */
public record ConfusionMatrix(List<String> classIds, long[][] counts) {

  public static ConfusionMatrix of(Predictions p) {
    long[][] counts = new long[p.classCount()][p.classCount()];
    for (int i = 0; i < p.size(); i++) {
      counts[p.truth()[i]][p.predicted()[i]]++;
    }
    return new ConfusionMatrix(p.classIds(), counts);
  }

  public int classCount() {
    return counts.length;
  }

  public long total() {
    long sum = 0;
    for (long[] row : counts) {
      for (long v : row) {
        sum += v;
      }
    }
    return sum;
  }

  /** Items whose true class is {@code c}. */
  public long support(int c) {
    long sum = 0;
    for (long v : counts[c]) {
      sum += v;
    }
    return sum;
  }

  /** Items predicted as {@code c}. */
  public long predictedCount(int c) {
    long sum = 0;
    for (long[] row : counts) {
      sum += row[c];
    }
    return sum;
  }

  public double precision(int c) {
    long predicted = predictedCount(c);
    return predicted == 0 ? 0 : (double) counts[c][c] / predicted;
  }

  public double recall(int c) {
    long support = support(c);
    return support == 0 ? 0 : (double) counts[c][c] / support;
  }

  public double f1(int c) {
    double p = precision(c);
    double r = recall(c);
    return p + r == 0 ? 0 : 2 * p * r / (p + r);
  }

  /** The matrix as an aligned text table, true classes down, predictions across. */
  public String toText() {
    String corner = "true\\pred";
    int first = corner.length() + 1;
    int width = Long.toString(total()).length() + 2;
    for (String id : classIds) {
      first = Math.max(first, id.length() + 1);
      width = Math.max(width, id.length() + 2);
    }
    StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%-" + first + "s", corner));
    for (String id : classIds) {
      out.append(String.format(Locale.ROOT, "%" + width + "s", id));
    }
    out.append('\n');
    for (int t = 0; t < counts.length; t++) {
      out.append(String.format(Locale.ROOT, "%-" + first + "s", classIds.get(t)));
      for (long v : counts[t]) {
        out.append(String.format(Locale.ROOT, "%" + width + "d", v));
      }
      out.append('\n');
    }
    return out.toString();
  }
}
