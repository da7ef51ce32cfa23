package org.pathlens.eval.robustness;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import org.pathlens.eval.metrics.Bootstrap;
import org.pathlens.prompts.fewshot.LabelledEmbeddings;
import org.pathlens.prompts.fewshot.LinearProbe;

/**
 * PathoROB's average performance drop: how much a linear probe loses on a balanced test set when
 * its training set lets the medical center stand in for the class. APD = mean over the correlated
 * levels s of acc_s / acc_0 − 1; 0 for embeddings that give the probe no center shortcut, negative
 * the more it takes one.
 *
 * <p>The splits, exactly (classes and centers in sorted order, C classes, M ≥ 2 centers):
 *
 * <ol>
 *   <li>Each (class, center) cell's tiles, in input order, are shuffled with one {@link
 *       SplittableRandom}({@code seed}), cells taken in (class, center) order.
 *   <li>With n the smallest cell, the first t = max(1, ⌊n · testShare⌋) tiles of every cell form
 *       the <em>test set</em>: balanced over classes and centers, the same for every level.
 *   <li>Each class gets T training tiles at every level, T the largest multiple of M ≤ n − t, so
 *       the level-0 set is exactly balanced and the level-1 set can still fill a class from one
 *       center.
 *   <li>Class i's own center is center i mod M. At level s its training tiles take o = round(T ·
 *       (1/M + s · (1 − 1/M))) from its own center; the other T − o are spread evenly over the
 *       other centers in order, the first (T − o) mod (M − 1) taking one more. A cell gives the
 *       first tiles after its test tiles, so the levels' training sets overlap as much as they can
 *       and differ only by the correlation.
 *   <li>s = 0: every center alike; s = 1: each class seen only at its own center.
 * </ol>
 *
 * <p>Every probe is {@link LinearProbe} with its defaults. The interval resamples the test set's
 * slides with the probes held fixed.
 */
public final class PerformanceDrop {

  /** Correlation levels when a config does not say: PathoROB-like steps up to full confounding. */
  public static final List<Double> DEFAULT_LEVELS = List.of(0.25, 0.5, 0.75, 1.0);

  /** Share of the smallest cell held out for testing when a config does not say. */
  public static final double DEFAULT_TEST_SHARE = 0.5;

  /**
   * @param levels correlation levels s in (0, 1]; level 0 is always trained as the reference
   * @param testShare share of the smallest (class, center) cell held out, in (0, 1)
   */
  public record Options(List<Double> levels, double testShare, long seed) {
    public Options {
      levels = List.copyOf(levels);
      if (levels.isEmpty()) {
        throw new IllegalArgumentException("levels: need at least one correlation level in (0, 1]");
      }
      for (double s : levels) {
        if (!(s > 0 && s <= 1)) {
          throw new IllegalArgumentException(
              "levels: " + s + " is not in (0, 1] (level 0 is the reference, always run)");
        }
      }
      if (!(testShare > 0 && testShare < 1)) {
        throw new IllegalArgumentException("test_share must be in (0, 1), got " + testShare);
      }
    }

    public static Options defaults(long seed) {
      return new Options(DEFAULT_LEVELS, DEFAULT_TEST_SHARE, seed);
    }
  }

  /**
   * The probes' verdicts on the test set.
   *
   * @param levels 0 first, then the configured levels
   * @param correct per level, per test tile: whether that level's probe got it right
   * @param testSlides each test tile's slide, the bootstrap's unit
   * @param trainPerClass T, the training tiles per class at every level
   */
  public record Result(
      List<Double> levels, boolean[][] correct, String[] testSlides, int trainPerClass) {

    /**
     * Accuracy of level {@code level}'s probe (index into {@link #levels}) over every test tile.
     */
    public double accuracy(int level) {
      return accuracy(level, all(testSlides.length));
    }

    /** APD over every test tile. */
    public double apd() {
      return apd(all(testSlides.length));
    }

    /**
     * APD over the test tiles at {@code indices}; NaN when the balanced probe gets none of them
     * right.
     */
    public double apd(int[] indices) {
      double reference = accuracy(0, indices);
      if (reference == 0) {
        return Double.NaN;
      }
      double sum = 0;
      for (int l = 1; l < levels.size(); l++) {
        sum += accuracy(l, indices) / reference;
      }
      return sum / (levels.size() - 1) - 1;
    }

    public Bootstrap.Interval interval(Bootstrap bootstrap) {
      return bootstrap.interval(testSlides.length, testSlides, this::apd);
    }

    /** The interval of one level's accuracy, resampling the same slides. */
    public Bootstrap.Interval accuracyInterval(int level, Bootstrap bootstrap) {
      return bootstrap.interval(testSlides.length, testSlides, idx -> accuracy(level, idx));
    }

    private double accuracy(int level, int[] indices) {
      int right = 0;
      for (int i : indices) {
        right += correct[level][i] ? 1 : 0;
      }
      return (double) right / indices.length;
    }
  }

  private PerformanceDrop() {}

  /** A level as a metric-name suffix: 0.5 → {@code 0.50}. */
  public static String levelName(double s) {
    return String.format(Locale.ROOT, "%.2f", s);
  }

  public static Result run(
      List<float[]> embeddings,
      String[] classes,
      String[] centers,
      String[] slides,
      Options options) {
    int n = embeddings.size();
    if (classes.length != n || centers.length != n || slides.length != n) {
      throw new IllegalArgumentException(
          "embeddings, classes, centers and slides need one entry per tile");
    }
    List<String> classIds = List.copyOf(new TreeSet<>(List.of(classes)));
    List<String> centerIds = List.copyOf(new TreeSet<>(List.of(centers)));
    int m = centerIds.size();
    if (m < 2 || classIds.size() < 2) {
      throw new IllegalArgumentException(
          "the performance drop needs at least 2 classes and 2 centers, got "
              + classIds
              + " and "
              + centerIds);
    }
    // cells[class][center]: tile indices, shuffled.
    List<List<List<Integer>>> cells = new ArrayList<>();
    TreeMap<String, Integer> classIndex = index(classIds);
    TreeMap<String, Integer> centerIndex = index(centerIds);
    for (int c = 0; c < classIds.size(); c++) {
      List<List<Integer>> row = new ArrayList<>();
      for (int k = 0; k < m; k++) {
        row.add(new ArrayList<>());
      }
      cells.add(row);
    }
    for (int i = 0; i < n; i++) {
      cells.get(classIndex.get(classes[i])).get(centerIndex.get(centers[i])).add(i);
    }
    SplittableRandom random = new SplittableRandom(options.seed());
    int smallest = Integer.MAX_VALUE;
    String smallestCell = null;
    for (int c = 0; c < classIds.size(); c++) {
      for (int k = 0; k < m; k++) {
        List<Integer> cell = cells.get(c).get(k);
        shuffle(cell, random);
        if (cell.size() < smallest) {
          smallest = cell.size();
          smallestCell = classIds.get(c) + " at " + centerIds.get(k);
        }
      }
    }
    int test = Math.max(1, (int) Math.floor(smallest * options.testShare()));
    int perClass = (smallest - test) / m * m;
    if (perClass == 0) {
      throw new IllegalArgumentException(
          "the performance drop needs at least "
              + (m + 1)
              + " tiles in every (class, center) cell ("
              + m
              + " centers, at least one held out); "
              + smallestCell
              + " has "
              + smallest);
    }
    List<Integer> testTiles = new ArrayList<>();
    for (List<List<Integer>> row : cells) {
      for (List<Integer> cell : row) {
        testTiles.addAll(cell.subList(0, test));
      }
    }
    List<Double> levels = new ArrayList<>();
    levels.add(0.0);
    levels.addAll(options.levels());
    boolean[][] correct = new boolean[levels.size()][testTiles.size()];
    for (int l = 0; l < levels.size(); l++) {
      List<float[]> trainEmbeddings = new ArrayList<>();
      List<String> trainLabels = new ArrayList<>();
      for (int c = 0; c < classIds.size(); c++) {
        int[] counts = counts(perClass, m, c % m, levels.get(l));
        for (int k = 0; k < m; k++) {
          for (int i : cells.get(c).get(k).subList(test, test + counts[k])) {
            trainEmbeddings.add(embeddings.get(i));
            trainLabels.add(classes[i]);
          }
        }
      }
      LinearProbe probe =
          LinearProbe.train(
              LabelledEmbeddings.of(classIds, trainEmbeddings, trainLabels),
              LinearProbe.Options.defaults());
      for (int t = 0; t < testTiles.size(); t++) {
        int i = testTiles.get(t);
        correct[l][t] = probe.classify(embeddings.get(i)).prediction().equals(classes[i]);
      }
    }
    String[] testSlides = testTiles.stream().map(i -> slides[i]).toArray(String[]::new);
    return new Result(List.copyOf(levels), correct, testSlides, perClass);
  }

  /** A class's training tiles per center at level s (step 4 of the class comment). */
  static int[] counts(int perClass, int centers, int own, double s) {
    int ownCount = (int) Math.round(perClass * (1.0 / centers + s * (1 - 1.0 / centers)));
    int rest = perClass - ownCount;
    int[] counts = new int[centers];
    counts[own] = ownCount;
    int other = 0;
    for (int k = 0; k < centers; k++) {
      if (k != own) {
        counts[k] = rest / (centers - 1) + (other < rest % (centers - 1) ? 1 : 0);
        other++;
      }
    }
    return counts;
  }

  private static TreeMap<String, Integer> index(List<String> ids) {
    TreeMap<String, Integer> out = new TreeMap<>();
    for (int i = 0; i < ids.size(); i++) {
      out.put(ids.get(i), i);
    }
    return out;
  }

  private static void shuffle(List<Integer> list, SplittableRandom random) {
    for (int i = list.size() - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      Integer t = list.get(i);
      list.set(i, list.get(j));
      list.set(j, t);
    }
  }

  private static int[] all(int n) {
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      out[i] = i;
    }
    return out;
  }
}
