package org.pathlens.eval.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;

/**
 * Percentile bootstrap confidence intervals with a fixed seed, so a report is the same on every
 * run. Resamples items, or whole groups (slides, patients) when the predictions carry groups: tiles
 * of one slide are correlated, and resampling them one by one would give intervals that are too
 * narrow.
 *
 * @param resamples how many bootstrap replicates (1000 gives stable 95 % bounds to about ±0.005)
 * @param seed the random seed
 * @param level the coverage, e.g. 0.95
 */
public record Bootstrap(int resamples, long seed, double level) {

  public static final long DEFAULT_SEED = 20260;

  public Bootstrap {
    if (resamples < 1) {
      throw new IllegalArgumentException("resamples must be >= 1, got " + resamples);
    }
    if (!(level > 0 && level < 1)) {
      throw new IllegalArgumentException("level must be in (0, 1), got " + level);
    }
  }

  public static Bootstrap defaults() {
    return new Bootstrap(1000, DEFAULT_SEED, 0.95);
  }

  /** A metric's value on all items and its bootstrap interval. */
  public record Interval(double estimate, double lower, double upper) {}

  public Interval interval(Predictions p, ToDoubleFunction<Predictions> metric) {
    return intervals(p, List.of(metric)).getFirst();
  }

  /**
   * Intervals for several metrics from the same resamples (so that they are comparable). A resample
   * where a metric is undefined (NaN, e.g. AUROC without a negative) is left out of that metric's
   * interval.
   */
  public List<Interval> intervals(
      Predictions p, List<? extends ToDoubleFunction<Predictions>> metrics) {
    int[][] units = units(p.size(), p.groups());
    SplittableRandom random = new SplittableRandom(seed);
    double[][] values = new double[metrics.size()][resamples];
    for (int r = 0; r < resamples; r++) {
      int[] indices = draw(units, random);
      Predictions sample = p.select(indices);
      for (int m = 0; m < metrics.size(); m++) {
        values[m][r] = metrics.get(m).applyAsDouble(sample);
      }
    }
    List<Interval> out = new ArrayList<>();
    for (int m = 0; m < metrics.size(); m++) {
      double[] defined = Arrays.stream(values[m]).filter(v -> !Double.isNaN(v)).sorted().toArray();
      double estimate = metrics.get(m).applyAsDouble(p);
      if (defined.length == 0) {
        out.add(new Interval(estimate, Double.NaN, Double.NaN));
      } else {
        double tail = (1 - level) / 2;
        out.add(new Interval(estimate, quantile(defined, tail), quantile(defined, 1 - tail)));
      }
    }
    return out;
  }

  /**
   * Intervals of means of per-item scores (retrieval: one score per query), all from the same
   * resamples of items, or of whole groups when {@code groups} is not null.
   */
  public List<Interval> meanIntervals(List<double[]> perItem, String[] groups) {
    int n = perItem.getFirst().length;
    for (double[] scores : perItem) {
      if (scores.length != n) {
        throw new IllegalArgumentException(
            "every metric needs one score per item: " + scores.length + " != " + n);
      }
    }
    if (groups != null && groups.length != n) {
      throw new IllegalArgumentException(groups.length + " groups for " + n + " items");
    }
    int[][] units = units(n, groups);
    SplittableRandom random = new SplittableRandom(seed);
    double[][] values = new double[perItem.size()][resamples];
    for (int r = 0; r < resamples; r++) {
      int[] indices = draw(units, random);
      for (int m = 0; m < perItem.size(); m++) {
        double sum = 0;
        for (int i : indices) {
          sum += perItem.get(m)[i];
        }
        values[m][r] = sum / indices.length;
      }
    }
    List<Interval> out = new ArrayList<>();
    double tail = (1 - level) / 2;
    for (int m = 0; m < perItem.size(); m++) {
      double[] sorted = values[m].clone();
      Arrays.sort(sorted);
      out.add(
          new Interval(
              Retrieval.mean(perItem.get(m)), quantile(sorted, tail), quantile(sorted, 1 - tail)));
    }
    return out;
  }

  /**
   * The interval of any statistic of a set of items (a ratio of sums, say), from resamples of the
   * items or of whole groups. {@code statistic} gets the resampled item indices, repeats included;
   * resamples where it is NaN are left out.
   */
  public Interval interval(int n, String[] groups, ToDoubleFunction<int[]> statistic) {
    if (groups != null && groups.length != n) {
      throw new IllegalArgumentException(groups.length + " groups for " + n + " items");
    }
    int[][] units = units(n, groups);
    SplittableRandom random = new SplittableRandom(seed);
    double[] values = new double[resamples];
    for (int r = 0; r < resamples; r++) {
      values[r] = statistic.applyAsDouble(draw(units, random));
    }
    int[] all = new int[n];
    for (int i = 0; i < n; i++) {
      all[i] = i;
    }
    double[] defined = Arrays.stream(values).filter(v -> !Double.isNaN(v)).sorted().toArray();
    double estimate = statistic.applyAsDouble(all);
    if (defined.length == 0) {
      return new Interval(estimate, Double.NaN, Double.NaN);
    }
    double tail = (1 - level) / 2;
    return new Interval(estimate, quantile(defined, tail), quantile(defined, 1 - tail));
  }

  /** The resampling units: one item each, or the items of each group in first-seen order. */
  static int[][] units(int n, String[] groups) {
    if (groups == null) {
      int[][] units = new int[n][];
      for (int i = 0; i < n; i++) {
        units[i] = new int[] {i};
      }
      return units;
    }
    Map<String, List<Integer>> byGroup = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      byGroup.computeIfAbsent(groups[i], g -> new ArrayList<>()).add(i);
    }
    return byGroup.values().stream()
        .map(l -> l.stream().mapToInt(Integer::intValue).toArray())
        .toArray(int[][]::new);
  }

  static int[] draw(int[][] units, SplittableRandom random) {
    List<int[]> chosen = new ArrayList<>(units.length);
    int total = 0;
    for (int u = 0; u < units.length; u++) {
      int[] unit = units[random.nextInt(units.length)];
      chosen.add(unit);
      total += unit.length;
    }
    int[] indices = new int[total];
    int next = 0;
    for (int[] unit : chosen) {
      System.arraycopy(unit, 0, indices, next, unit.length);
      next += unit.length;
    }
    return indices;
  }

  /** Linear interpolation between order statistics (numpy's default "linear" method). */
  static double quantile(double[] sorted, double q) {
    double position = q * (sorted.length - 1);
    int below = (int) Math.floor(position);
    int above = Math.min(below + 1, sorted.length - 1);
    double fraction = position - below;
    return sorted[below] + fraction * (sorted[above] - sorted[below]);
  }
}
