package org.pathlens.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Recall, the cosine shortfall and the cluster precision on a hand-computed case. */
class IndexBenchDataTest {

  // Query (1, 0) of cluster 0: v0 (cluster 0) at cosine 1, v1 (cluster 0) at 0.8, v2 (cluster 1) at
  // 0;
  // the exact top 2 is v0, v1 (mean cosine 0.9).
  private static final IndexBenchData.QuerySet QUERIES =
      new IndexBenchData.QuerySet(
          "image",
          new float[][] {{1, 0}},
          new int[] {0},
          List.<int[][]>of(new int[][] {{0, 1, 2}}));

  private static final IndexBenchData DATA =
      new IndexBenchData(
          new float[][] {{1, 0}, {0.8f, 0.6f}, {0, 1}},
          new int[] {0, 0, 1},
          List.of(QUERIES),
          2,
          3,
          List.of(IndexBenchData.FILTERS.getFirst()));

  @Test
  void exactAnswersInAnyOrderHaveRecallOneAndNoShortfall() {
    List<List<Integer>> found = List.of(List.of(1, 0));
    assertEquals(1.0, DATA.recall(QUERIES, 0, found, 2), 1e-12);
    assertEquals(0.0, DATA.cosineShortfall(QUERIES, 0, found), 1e-7);
    assertEquals(1.0, DATA.clusterPrecision(QUERIES, found), 1e-12);
  }

  @Test
  void aMissedNeighbourCostsItsCosineGapOverK() {
    List<List<Integer>> found = List.of(List.of(0, 2));
    assertEquals(0.5, DATA.recall(QUERIES, 0, found, 2), 1e-12);
    assertEquals((1 + 0.8 - (1 + 0)) / 2.0, DATA.cosineShortfall(QUERIES, 0, found), 1e-6);
    assertEquals(0.5, DATA.clusterPrecision(QUERIES, found), 1e-12);
  }

  @Test
  void deeperRecallCountsTheDeeperExactAnswers() {
    // The exact top 3 is v0, v1, v2; found v0, v2 and nothing else.
    assertEquals(2 / 3.0, DATA.recall(QUERIES, 0, List.of(List.of(0, 2)), 3), 1e-12);
    // At 2 only the first two found count against v0, v1.
    assertEquals(0.5, DATA.recall(QUERIES, 0, List.of(List.of(0, 2, 1)), 2), 1e-12);
  }

  @Test
  void textQueriesLieAcrossTheCitedGapAndCloserToNothing() {
    IndexBenchData data = IndexBenchData.generate(4000, 512, 200, 256, 10, 10, 7);
    IndexBenchData.QuerySet images = data.querySets().get(0);
    IndexBenchData.QuerySet texts = data.querySets().get(1);
    assertEquals(List.of("image", "text"), List.of(images.name(), texts.name()));
    // The model's g is solved for the paper's 0.82; the centers of 256 random clusters average
    // out to within a few hundredths.
    assertEquals(
        ModalityGap.CLIP_GAP, ModalityGap.distanceOfMeans(data.vectors(), texts.queries()), 0.03);
    assertEquals(0, ModalityGap.distanceOfMeans(data.vectors(), images.queries()), 0.1);
    // Off to one side, a text's best matches are farther than an image's.
    double image = data.meanTopCosine(images);
    double text = data.meanTopCosine(texts);
    assertTrue(text < image - 0.1, "text " + text + ", image " + image);
  }

  @Test
  void aMissingResultCountsAsCosineZero() {
    assertEquals((1 + 0.8 - 1) / 2.0, DATA.cosineShortfall(QUERIES, 0, List.of(List.of(0))), 1e-6);
    assertEquals(0.5, DATA.clusterPrecision(QUERIES, List.of(List.of(0))), 1e-12);
  }
}
