package org.pathlens.index.batch;

import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Per-batch running mean and sum of squared deviations of every feature (Welford's update), all
 * that {@link ComBat} needs: a fit streams over an index of any size in memory proportional to
 * batches × dimension, and never subtracts two large sums.
 */
public final class BatchStatistics {

  /** One batch's running statistics. */
  public static final class Batch {
    private long count;
    private final double[] mean;
    private final double[] squares;

    private Batch(int dimension) {
      mean = new double[dimension];
      squares = new double[dimension];
    }

    public long count() {
      return count;
    }

    /** Per feature, the batch's mean. */
    public double mean(int feature) {
      return mean[feature];
    }

    /** Per feature, the sum of squared deviations from the batch's mean. */
    public double squares(int feature) {
      return squares[feature];
    }
  }

  private final int dimension;
  private final SortedMap<String, Batch> batches = new TreeMap<>();

  public BatchStatistics(int dimension) {
    if (dimension < 1) {
      throw new IllegalArgumentException("dimension must be at least 1, got " + dimension);
    }
    this.dimension = dimension;
  }

  /** Counts one sample of {@code batch}. */
  public void add(String batch, float[] sample) {
    if (sample.length != dimension) {
      throw new IllegalArgumentException(
          "sample of batch "
              + batch
              + " has dimension "
              + sample.length
              + ", expected "
              + dimension);
    }
    Batch b = batches.computeIfAbsent(batch, k -> new Batch(dimension));
    b.count++;
    for (int g = 0; g < dimension; g++) {
      double delta = sample[g] - b.mean[g];
      b.mean[g] += delta / b.count;
      b.squares[g] += delta * (sample[g] - b.mean[g]);
    }
  }

  public int dimension() {
    return dimension;
  }

  /** The batches seen, by name. */
  public SortedMap<String, Batch> batches() {
    return Collections.unmodifiableSortedMap(batches);
  }
}
