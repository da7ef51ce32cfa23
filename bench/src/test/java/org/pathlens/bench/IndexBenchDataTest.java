package org.pathlens.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Recall, the cosine shortfall and the cluster precision on a hand-computed case. */
class IndexBenchDataTest {

  // Query (1, 0) of cluster 0: v0 (cluster 0) at cosine 1, v1 (cluster 0) at 0.8, v2 (cluster 1) at
  // 0;
  // the exact top 2 is v0, v1 (mean cosine 0.9).
  private static final IndexBenchData DATA =
      new IndexBenchData(
          new float[][] {{1, 0}, {0.8f, 0.6f}, {0, 1}},
          new int[] {0, 0, 1},
          new float[][] {{1, 0}},
          new int[] {0},
          2,
          List.of(IndexBenchData.FILTERS.getFirst()),
          List.<int[][]>of(new int[][] {{0, 1}}));

  @Test
  void exactAnswersInAnyOrderHaveRecallOneAndNoShortfall() {
    List<List<Integer>> found = List.of(List.of(1, 0));
    assertEquals(1.0, DATA.recall(0, found), 1e-12);
    assertEquals(0.0, DATA.cosineShortfall(0, found), 1e-7);
    assertEquals(1.0, DATA.clusterPrecision(found), 1e-12);
  }

  @Test
  void aMissedNeighbourCostsItsCosineGapOverK() {
    List<List<Integer>> found = List.of(List.of(0, 2));
    assertEquals(0.5, DATA.recall(0, found), 1e-12);
    assertEquals((1 + 0.8 - (1 + 0)) / 2.0, DATA.cosineShortfall(0, found), 1e-6);
    assertEquals(0.5, DATA.clusterPrecision(found), 1e-12);
  }

  @Test
  void aMissingResultCountsAsCosineZero() {
    assertEquals((1 + 0.8 - 1) / 2.0, DATA.cosineShortfall(0, List.of(List.of(0))), 1e-6);
    assertEquals(0.5, DATA.clusterPrecision(List.of(List.of(0))), 1e-12);
  }
}
