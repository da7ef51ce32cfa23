package org.pathlens.eval.robustness;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pathlens.eval.metrics.Bootstrap;

/** k-means and the clustering score on 2-D points whose clusters can be read off a sketch. */
class ClusteringScoreTest {

  /** Three tight groups at (0,0), (10,0), (0,10), four points each. */
  private static List<float[]> threeGroups() {
    List<float[]> points = new ArrayList<>();
    float[][] centers = {{0, 0}, {10, 0}, {0, 10}};
    float[][] offsets = {{0.1f, 0}, {-0.1f, 0}, {0, 0.1f}, {0, -0.1f}};
    for (float[] c : centers) {
      for (float[] o : offsets) {
        points.add(new float[] {c[0] + o[0], c[1] + o[1]});
      }
    }
    return points;
  }

  @Test
  void kMeansFindsTheThreeGroupsWithTheirMeansForAnySeed() {
    for (long seed = 0; seed < 5; seed++) {
      KMeans.Result r = KMeans.cluster(threeGroups(), 3, seed);
      for (int g = 0; g < 3; g++) {
        for (int i = 1; i < 4; i++) {
          assertEquals(r.assignments()[4 * g], r.assignments()[4 * g + i], "seed " + seed);
        }
      }
      assertEquals(3, Arrays.stream(r.assignments()).distinct().count(), "seed " + seed);
      double[] mean = r.centroids()[r.assignments()[4]];
      assertArrayEquals(new double[] {10, 0}, mean, 1e-6);
    }
    KMeans.Result a = KMeans.cluster(threeGroups(), 3, 7);
    KMeans.Result b = KMeans.cluster(threeGroups(), 3, 7);
    assertArrayEquals(a.assignments(), b.assignments());
  }

  @Test
  void clustersThatAreTheClassesScoreOneMinusTheirAgreementWithCenters() {
    // Groups are the classes; centers alternate inside each group, so the clusters say nothing
    // about the center.
    String[] classes = {"A", "A", "A", "A", "B", "B", "B", "B", "C", "C", "C", "C"};
    String[] centers = {"x", "y", "x", "y", "x", "y", "x", "y", "x", "y", "x", "y"};
    String[] slides = {"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"};
    ClusteringScore.Result r = ClusteringScore.of(threeGroups(), classes, centers, slides, 1);
    // ARI(clusters, class) = 1. Clusters vs centers: every cell holds 2: index 6, rows 3*6=18, cols
    // 2*15=30, total 66;
    // expected 18*30/66, max 24: ARI = (6 - 540/66) / (24 - 540/66).
    double centerAri = (6 - 540.0 / 66) / (24 - 540.0 / 66);
    assertEquals(1 - centerAri, r.score(), 1e-12);
    assertTrue(centerAri < 0);
    Bootstrap.Interval interval = r.interval(new Bootstrap(200, 3, 0.95));
    assertEquals(r.score(), interval.estimate(), 1e-12);
    assertTrue(interval.lower() <= interval.upper());
  }

  @Test
  void clustersThatAreTheCentersScoreMinusOne() {
    // Now each group is one center and holds every class alike: clusters follow the center only.
    String[] centers = {"x", "x", "x", "x", "y", "y", "y", "y", "z", "z", "z", "z"};
    String[] classes = {"A", "B", "C", "A", "B", "C", "A", "B", "C", "A", "B", "C"};
    String[] slides = centers.clone();
    ClusteringScore.Result r = ClusteringScore.of(threeGroups(), classes, centers, slides, 1);
    // ARI(clusters, center) = 1; clusters vs classes: cells (x:A2,B1,C1), (y:A1,B2,C1),
    // (z:A1,B1,C2): index 3,
    // rows 3*6=18, cols 3*6=18, total 66: expected 18*18/66, max 18.
    double classAri = (3 - 324.0 / 66) / (18 - 324.0 / 66);
    assertEquals(classAri - 1, r.score(), 1e-12);
  }
}
