package org.pathlens.eval.robustness;

import java.util.List;
import java.util.stream.Stream;
import org.pathlens.eval.metrics.AdjustedRandIndex;
import org.pathlens.eval.metrics.Bootstrap;

/**
 * PathoROB's clustering score: cluster the embeddings with k-means (k = the number of classes,
 * k-means++ seeded with {@code seed}) and compare the clusters with the classes and with the
 * centers: ARI(clusters, class) − ARI(clusters, center). Near 1 when the clusters are the classes
 * and ignore the center; negative when they follow the center more than the biology.
 */
public final class ClusteringScore {

  /**
   * One clustering and its agreement with classes and centers.
   *
   * @param clusters each tile's cluster as text, so {@link AdjustedRandIndex} compares it with
   *     labels
   */
  public record Result(String[] clusters, String[] classes, String[] centers, String[] slides) {

    /** ARI(clusters, class) − ARI(clusters, center) over the tiles at {@code indices}. */
    public double score(int[] indices) {
      return AdjustedRandIndex.of(clusters, classes, indices)
          - AdjustedRandIndex.of(clusters, centers, indices);
    }

    public double score() {
      return AdjustedRandIndex.of(clusters, classes) - AdjustedRandIndex.of(clusters, centers);
    }

    /**
     * The score and its interval from resampling slides with the clustering held fixed: how much it
     * depends on which tiles were drawn, not on k-means' own seed.
     */
    public Bootstrap.Interval interval(Bootstrap bootstrap) {
      return bootstrap.interval(clusters.length, slides, this::score);
    }
  }

  private ClusteringScore() {}

  /**
   * @param slides the bootstrap's resampling unit (one per tile; a tile without a slide is its own)
   */
  public static Result of(
      List<float[]> embeddings, String[] classes, String[] centers, String[] slides, long seed) {
    int n = embeddings.size();
    if (classes.length != n || centers.length != n || slides.length != n) {
      throw new IllegalArgumentException(
          "embeddings, classes, centers and slides need one entry per tile");
    }
    int k = (int) Stream.of(classes).distinct().count();
    int[] assignments = KMeans.cluster(embeddings, k, seed).assignments();
    String[] clusters = new String[n];
    for (int i = 0; i < n; i++) {
      clusters[i] = Integer.toString(assignments[i]);
    }
    return new Result(clusters, classes.clone(), centers.clone(), slides.clone());
  }
}
