package org.pathlens.eval.metrics;

import java.util.HashMap;
import java.util.Map;

/**
 * Hubert and Arabie's adjusted Rand index of two partitions of the same items: 1 when they agree,
 * about 0 for independent ones (it can be negative), from the pair counts of their contingency
 * table. Labels are compared by equality only, so cluster numbers and class names mix freely.
 */
public final class AdjustedRandIndex {

  private AdjustedRandIndex() {}

  public static double of(String[] a, String[] b) {
    return of(a, b, all(a.length));
  }

  /**
   * ARI over the items at {@code indices}; a repeated index counts as another item, as a bootstrap
   * resample takes it.
   */
  public static double of(String[] a, String[] b, int[] indices) {
    if (a.length != b.length) {
      throw new IllegalArgumentException(
          "partitions of different sizes: " + a.length + " and " + b.length);
    }
    Map<String, Long> rows = new HashMap<>();
    Map<String, Long> columns = new HashMap<>();
    Map<String, Long> cells = new HashMap<>();
    for (int i : indices) {
      rows.merge(a[i], 1L, Long::sum);
      columns.merge(b[i], 1L, Long::sum);
      // A NUL never appears in a label, so the pair key is unambiguous.
      cells.merge(a[i] + '\0' + b[i], 1L, Long::sum);
    }
    double index = cells.values().stream().mapToDouble(AdjustedRandIndex::pairs).sum();
    double sumRows = rows.values().stream().mapToDouble(AdjustedRandIndex::pairs).sum();
    double sumColumns = columns.values().stream().mapToDouble(AdjustedRandIndex::pairs).sum();
    double total = pairs(indices.length);
    if (total == 0) {
      return Double.NaN;
    }
    double expected = sumRows * sumColumns / total;
    double max = (sumRows + sumColumns) / 2;
    if (max == expected) {
      // Both partitions trivial (one cluster, or all singletons) and identical: sklearn's
      // convention is 1.
      return 1.0;
    }
    return (index - expected) / (max - expected);
  }

  private static double pairs(long n) {
    return n * (n - 1) / 2.0;
  }

  private static int[] all(int n) {
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      out[i] = i;
    }
    return out;
  }
}
