package org.pathlens.eval.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;

/**
 * The paired bootstrap of a difference between two systems, A and B, measured on the same items
 * (Efron &amp; Tibshirani 1993, ch. 16; Koehn 2004 for system comparison). Each resample draws the
 * items (or whole groups of them: slides) once and computes both systems' statistic on that same
 * draw, so that what the two share — the easy and the hard tiles, the odd slide — cancels in B − A
 * instead of widening its interval, as two separate intervals would.
 *
 * <p>The draws are {@link Bootstrap}'s, with its seed: A's and B's own intervals here are the ones
 * {@code pathlens eval run} reports for each on these items.
 *
 * <p><b>p-value.</b> Two-sided, of "B − A = 0": twice the smaller share of resampled differences on
 * either side of 0, zeros counting on both sides, each share taken as (1 + count) / (R + 1) so that
 * a finite bootstrap never claims p = 0 (Davison &amp; Hinkley 1997, ch. 4), capped at 1. It is
 * close to the smallest α at which the percentile interval at level 1 − α leaves 0 out, so p below
 * 0.05 goes with a 95 % interval of B − A that excludes 0; identical systems get p = 1.
 */
public final class PairedBootstrap {

  /**
   * One statistic of both systems, computed on a resample's item indices (repeats included); NaN
   * where undefined on a resample (AUROC without a negative), which leaves that resample out.
   */
  public record Statistic(String name, ToDoubleFunction<int[]> a, ToDoubleFunction<int[]> b) {}

  /**
   * What the comparison found for one statistic.
   *
   * @param a A's value on all items and its interval
   * @param b B's
   * @param difference B − A on all items and the percentile interval of the resampled B − A
   * @param pValue the two-sided bootstrap p-value of B − A = 0 (class comment); NaN with no
   *     resample
   * @param resamples resamples where both A and B were defined, those the difference uses
   */
  public record Difference(
      String name,
      Bootstrap.Interval a,
      Bootstrap.Interval b,
      Bootstrap.Interval difference,
      double pValue,
      int resamples) {}

  private PairedBootstrap() {}

  /**
   * Every statistic from the same resamples of {@code n} items, or of their groups when {@code
   * groups} is not null.
   */
  public static List<Difference> differences(
      Bootstrap bootstrap, int n, String[] groups, List<Statistic> statistics) {
    if (groups != null && groups.length != n) {
      throw new IllegalArgumentException(groups.length + " groups for " + n + " items");
    }
    int[][] units = Bootstrap.units(n, groups);
    SplittableRandom random = new SplittableRandom(bootstrap.seed());
    int resamples = bootstrap.resamples();
    double[][] a = new double[statistics.size()][resamples];
    double[][] b = new double[statistics.size()][resamples];
    for (int r = 0; r < resamples; r++) {
      int[] indices = Bootstrap.draw(units, random);
      for (int s = 0; s < statistics.size(); s++) {
        a[s][r] = statistics.get(s).a().applyAsDouble(indices);
        b[s][r] = statistics.get(s).b().applyAsDouble(indices);
      }
    }
    int[] all = new int[n];
    for (int i = 0; i < n; i++) {
      all[i] = i;
    }
    List<Difference> out = new ArrayList<>();
    for (int s = 0; s < statistics.size(); s++) {
      Statistic statistic = statistics.get(s);
      double estimateA = statistic.a().applyAsDouble(all);
      double estimateB = statistic.b().applyAsDouble(all);
      double[] differences = new double[resamples];
      int defined = 0;
      for (int r = 0; r < resamples; r++) {
        if (!Double.isNaN(a[s][r]) && !Double.isNaN(b[s][r])) {
          differences[defined++] = b[s][r] - a[s][r];
        }
      }
      differences = Arrays.copyOf(differences, defined);
      out.add(
          new Difference(
              statistic.name(),
              interval(bootstrap, estimateA, a[s]),
              interval(bootstrap, estimateB, b[s]),
              interval(bootstrap, estimateB - estimateA, differences),
              pValue(differences),
              defined));
    }
    return List.copyOf(out);
  }

  /** A classification metric of two systems' predictions for the same items, in the same order. */
  public static Statistic of(Metric metric, Predictions a, Predictions b) {
    requirePaired(a, b);
    return new Statistic(
        metric.name().toLowerCase(Locale.ROOT),
        i -> metric.of(a.select(i)),
        i -> metric.of(b.select(i)));
  }

  /** The mean of per-item scores (retrieval: one per query) of two systems, for the same items. */
  public static Statistic mean(String name, double[] a, double[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException(
          name + ": " + a.length + " scores of A, " + b.length + " of B");
    }
    return new Statistic(name, i -> meanAt(a, i), i -> meanAt(b, i));
  }

  /** The p-value of the class comment, from the resampled differences B − A. */
  static double pValue(double[] differences) {
    if (differences.length == 0) {
      return Double.NaN;
    }
    int atMost = 0;
    int atLeast = 0;
    for (double d : differences) {
      if (d <= 0) {
        atMost++;
      }
      if (d >= 0) {
        atLeast++;
      }
    }
    double smaller = (1.0 + Math.min(atMost, atLeast)) / (differences.length + 1.0);
    return Math.min(1, 2 * smaller);
  }

  private static Bootstrap.Interval interval(
      Bootstrap bootstrap, double estimate, double[] resampled) {
    double[] defined = Arrays.stream(resampled).filter(v -> !Double.isNaN(v)).sorted().toArray();
    if (defined.length == 0) {
      return new Bootstrap.Interval(estimate, Double.NaN, Double.NaN);
    }
    double tail = (1 - bootstrap.level()) / 2;
    return new Bootstrap.Interval(
        estimate, Bootstrap.quantile(defined, tail), Bootstrap.quantile(defined, 1 - tail));
  }

  private static void requirePaired(Predictions a, Predictions b) {
    if (a.size() != b.size()) {
      throw new IllegalArgumentException(
          "paired predictions need the same items: A has " + a.size() + ", B " + b.size());
    }
    for (int i = 0; i < a.size(); i++) {
      if (!a.classIds().get(a.truth()[i]).equals(b.classIds().get(b.truth()[i]))) {
        throw new IllegalArgumentException(
            "item "
                + i
                + ": A's truth is "
                + a.classIds().get(a.truth()[i])
                + ", B's "
                + b.classIds().get(b.truth()[i])
                + "; paired predictions need the same items in the same order");
      }
    }
  }

  private static double meanAt(double[] scores, int[] indices) {
    if (indices.length == 0) {
      return Double.NaN;
    }
    double sum = 0;
    for (int i : indices) {
      sum += scores[i];
    }
    return sum / indices.length;
  }
}
