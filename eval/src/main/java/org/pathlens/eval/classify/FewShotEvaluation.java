package org.pathlens.eval.classify;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.pathlens.eval.metrics.Metric;
import org.pathlens.eval.metrics.Predictions;
import org.pathlens.prompts.Classifier;
import org.pathlens.prompts.fewshot.KnnClassifier;
import org.pathlens.prompts.fewshot.LabelledEmbeddings;
import org.pathlens.prompts.fewshot.LinearProbe;
import org.pathlens.prompts.fewshot.PrototypeClassifier;

/**
 * How many labels beat the prompts: few-shot classifiers trained on N labelled tiles per class
 * (drawn with a fixed seed from a training pool), evaluated on a test set that no draw touches,
 * next to zero-shot on the same test set. Each N is drawn {@code repeats} times; draws are nested
 * (the N-shot draw is the first N of one shuffled pool per class), so a larger N only adds labels.
 *
 * @param rows one per method and N, plus the zero-shot row
 * @param testSize tiles evaluated
 * @param seed the seed of the draws
 */
public record FewShotEvaluation(List<Row> rows, int testSize, int repeats, long seed) {

  /**
   * Accuracy and balanced accuracy over the repeats: mean, and the smallest and largest draw.
   *
   * @param shots labelled tiles per class (0 for zero-shot)
   */
  public record Row(
      String method,
      int shots,
      double meanAccuracy,
      double minAccuracy,
      double maxAccuracy,
      double meanBalancedAccuracy) {}

  /** kNN votes among min(5, N) neighbours: with one label per class, the nearest one decides. */
  static final int KNN_K = 5;

  /** A training pool and a disjoint test set. */
  public record Split(EmbeddedTiles pool, EmbeddedTiles test) {}

  /**
   * Splits one labelled set: per class, {@code perClass} tiles (shuffled with {@code seed}) form
   * the training pool, the rest the test set, both in CSV order.
   */
  public static Split split(EmbeddedTiles tiles, List<String> classIds, int perClass, long seed) {
    SplitIndices indices = splitIndices(tiles, classIds, perClass, seed);
    return new Split(tiles.select(indices.pool()), tiles.select(indices.test()));
  }

  /** Which tiles {@link #split} puts in the pool and in the test set, by index, each ascending. */
  public record SplitIndices(List<Integer> pool, List<Integer> test) {}

  /**
   * The indices behind {@link #split}, for callers that must name the tiles a classifier was tested
   * on.
   */
  public static SplitIndices splitIndices(
      EmbeddedTiles tiles, List<String> classIds, int perClass, long seed) {
    List<Integer> pool = new ArrayList<>();
    List<Integer> test = new ArrayList<>();
    Random random = new Random(seed);
    for (String id : classIds) {
      List<Integer> ofClass = new ArrayList<>();
      for (int i = 0; i < tiles.size(); i++) {
        if (tiles.tiles().get(i).label().equals(id)) {
          ofClass.add(i);
        }
      }
      Collections.shuffle(ofClass, random);
      if (ofClass.size() <= perClass) {
        throw new IllegalArgumentException(
            "class "
                + id
                + " has "
                + ofClass.size()
                + " tiles: too few for "
                + perClass
                + " training tiles and at least one test tile (give a training set with --train, or fewer shots)");
      }
      pool.addAll(ofClass.subList(0, perClass));
      test.addAll(ofClass.subList(perClass, ofClass.size()));
    }
    Collections.sort(pool);
    Collections.sort(test);
    return new SplitIndices(List.copyOf(pool), List.copyOf(test));
  }

  /**
   * @param zeroShot the zero-shot classifier, evaluated on the same test set (may be null)
   * @param logitScale the bundle's, for the prototype classifier's probabilities
   */
  public static FewShotEvaluation run(
      Split split,
      List<String> classIds,
      Classifier zeroShot,
      double logitScale,
      List<Integer> shots,
      int repeats,
      long seed) {
    List<Row> rows = new ArrayList<>();
    if (zeroShot != null) {
      Predictions p = split.test().predict(zeroShot);
      double acc = Metric.accuracy(p);
      rows.add(new Row("zero-shot", 0, acc, acc, acc, Metric.balancedAccuracy(p)));
    }
    List<List<Integer>> byClass = new ArrayList<>();
    for (String id : classIds) {
      List<Integer> ofClass = new ArrayList<>();
      for (int i = 0; i < split.pool().size(); i++) {
        if (split.pool().tiles().get(i).label().equals(id)) {
          ofClass.add(i);
        }
      }
      int most = shots.stream().mapToInt(Integer::intValue).max().orElse(0);
      if (ofClass.size() < most) {
        throw new IllegalArgumentException(
            "class "
                + id
                + " has "
                + ofClass.size()
                + " training tiles, fewer than "
                + most
                + " shots");
      }
      byClass.add(ofClass);
    }
    List<String> methods = List.of("linear probe", "prototype", "kNN");
    double[][][] acc = new double[methods.size()][shots.size()][repeats];
    double[][][] bal = new double[methods.size()][shots.size()][repeats];
    for (int r = 0; r < repeats; r++) {
      Random random = new Random(seed + r);
      List<List<Integer>> shuffled = new ArrayList<>();
      for (List<Integer> ofClass : byClass) {
        List<Integer> copy = new ArrayList<>(ofClass);
        Collections.shuffle(copy, random);
        shuffled.add(copy);
      }
      for (int s = 0; s < shots.size(); s++) {
        List<float[]> x = new ArrayList<>();
        List<String> y = new ArrayList<>();
        for (int c = 0; c < classIds.size(); c++) {
          for (int i : shuffled.get(c).subList(0, shots.get(s))) {
            x.add(split.pool().embeddings().get(i));
            y.add(classIds.get(c));
          }
        }
        LabelledEmbeddings train = LabelledEmbeddings.of(classIds, x, y);
        List<Classifier> classifiers =
            List.of(
                LinearProbe.train(train, LinearProbe.Options.defaults()),
                PrototypeClassifier.train(train, logitScale),
                new KnnClassifier(train, Math.min(KNN_K, shots.get(s))));
        for (int m = 0; m < classifiers.size(); m++) {
          Predictions p = split.test().predict(classifiers.get(m));
          acc[m][s][r] = Metric.accuracy(p);
          bal[m][s][r] = Metric.balancedAccuracy(p);
        }
      }
    }
    for (int m = 0; m < methods.size(); m++) {
      for (int s = 0; s < shots.size(); s++) {
        rows.add(
            new Row(
                methods.get(m),
                shots.get(s),
                mean(acc[m][s]),
                min(acc[m][s]),
                max(acc[m][s]),
                mean(bal[m][s])));
      }
    }
    return new FewShotEvaluation(List.copyOf(rows), split.test().size(), repeats, seed);
  }

  private static double mean(double[] v) {
    double sum = 0;
    for (double d : v) {
      sum += d;
    }
    return sum / v.length;
  }

  private static double min(double[] v) {
    double m = Double.POSITIVE_INFINITY;
    for (double d : v) {
      m = Math.min(m, d);
    }
    return m;
  }

  private static double max(double[] v) {
    double m = Double.NEGATIVE_INFINITY;
    for (double d : v) {
      m = Math.max(m, d);
    }
    return m;
  }

  public String toText() {
    StringBuilder out =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "%d test tiles; %d draws of the training tiles per N (seed %d); accuracy mean [min, max], balanced accuracy mean%n",
                testSize,
                repeats,
                seed));
    out.append(
        String.format(
            Locale.ROOT,
            "%-13s %5s %8s %17s %9s%n",
            "method",
            "N",
            "accuracy",
            "[min, max]",
            "bal. acc."));
    for (Row row : rows) {
      out.append(
          String.format(
              Locale.ROOT,
              "%-13s %5s %8.4f  [%.4f, %.4f] %9.4f%n",
              row.method(),
              row.shots() == 0 ? "-" : Integer.toString(row.shots()),
              row.meanAccuracy(),
              row.minAccuracy(),
              row.maxAccuracy(),
              row.meanBalancedAccuracy()));
    }
    return out.toString();
  }
}
