package org.pathlens.eval.metrics;

import java.util.List;
import org.pathlens.encoders.Embeddings;

/**
 * PathoROB's robustness index (Kömen, de Jong, Hense et al. 2026): how much an embedding's
 * neighbourhood follows biology rather than the medical center. For each tile, its k nearest
 * neighbours (cosine) among tiles of <em>other slides</em> (a slide's own tiles share both class
 * and center and would say nothing); SO counts neighbours of the same class from another center, OS
 * neighbours of another class from the same center. RI = ΣSO / (ΣSO + ΣOS): 1 when class always
 * wins, 0 when center always does; NaN when no neighbour is SO or OS.
 */
public final class RobustnessIndex {

  /**
   * Per tile, its SO and OS neighbour counts.
   *
   * @param slides the bootstrap's resampling unit as well as what the neighbours exclude
   */
  public record Counts(int[] so, int[] os, String[] slides, int k) {

    /**
     * RI over the tiles at {@code indices} (repeats count again, as a bootstrap resample takes
     * them).
     */
    public double index(int[] indices) {
      long sumSo = 0;
      long sumOs = 0;
      for (int i : indices) {
        sumSo += so[i];
        sumOs += os[i];
      }
      return sumSo + sumOs == 0 ? Double.NaN : (double) sumSo / (sumSo + sumOs);
    }

    /** RI over every tile and its interval, resampling slides. */
    public Bootstrap.Interval interval(Bootstrap bootstrap) {
      return bootstrap.interval(so.length, slides, this::index);
    }
  }

  private RobustnessIndex() {}

  /**
   * Counts SO and OS among each tile's {@code k} nearest neighbours from other slides; equal
   * cosines are broken by tile order, so the result is the same on every run.
   */
  public static Counts count(
      List<float[]> embeddings, String[] classes, String[] centers, String[] slides, int k) {
    int n = embeddings.size();
    if (classes.length != n || centers.length != n || slides.length != n) {
      throw new IllegalArgumentException(
          "embeddings, classes, centers and slides need one entry per tile");
    }
    if (k < 1) {
      throw new IllegalArgumentException("k must be >= 1, got " + k);
    }
    int[] so = new int[n];
    int[] os = new int[n];
    for (int q = 0; q < n; q++) {
      // Best k so far as parallel arrays kept sorted by (cosine desc, index asc).
      int[] best = new int[k];
      float[] scores = new float[k];
      int kept = 0;
      for (int c = 0; c < n; c++) {
        if (slides[c].equals(slides[q])) {
          continue;
        }
        float s = Embeddings.dot(embeddings.get(q), embeddings.get(c));
        // Candidates arrive in index order, so a tie never displaces an earlier (smaller) index.
        if (kept == k && s <= scores[k - 1]) {
          continue;
        }
        int at = kept == k ? k - 1 : kept++;
        while (at > 0 && scores[at - 1] < s) {
          best[at] = best[at - 1];
          scores[at] = scores[at - 1];
          at--;
        }
        best[at] = c;
        scores[at] = s;
      }
      for (int r = 0; r < kept; r++) {
        int c = best[r];
        boolean sameClass = classes[c].equals(classes[q]);
        boolean sameCenter = centers[c].equals(centers[q]);
        if (sameClass && !sameCenter) {
          so[q]++;
        } else if (!sameClass && sameCenter) {
          os[q]++;
        }
      }
    }
    return new Counts(so, os, slides.clone(), k);
  }
}
