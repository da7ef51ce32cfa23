package org.pathlens.eval.projection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * PCA against numpy's SVD of the same matrix: the expected numbers are printed by {@code
 * /usr/bin/python3 fixtures/scripts/make_pca_golden.py}, which holds the matrix too.
 */
class PcaTest {

  static final float[][] X = {
    {0.12f, -0.40f, 0.33f, 0.05f, -0.21f},
    {0.48f, -0.11f, 0.02f, 0.31f, 0.09f},
    {-0.27f, 0.36f, -0.15f, 0.22f, 0.44f},
    {0.05f, 0.08f, 0.61f, -0.34f, -0.12f},
    {0.39f, -0.25f, -0.07f, 0.18f, 0.27f},
    {-0.44f, 0.19f, 0.28f, -0.09f, 0.03f},
    {0.16f, 0.52f, -0.31f, 0.07f, -0.38f},
    {-0.08f, -0.33f, 0.14f, 0.46f, 0.21f},
    {0.29f, 0.04f, -0.22f, -0.41f, 0.15f},
    {-0.13f, 0.27f, 0.09f, 0.12f, -0.06f},
  };

  // From make_pca_golden.py (numpy.linalg.svd in float64, sign: largest entry positive).
  static final double[][] COMPONENTS = {
    {-0.500009742955, 0.785732412765, -0.109410946565, -0.303828187459, -0.168322635901},
    {-0.283468988576, -0.268054674743, 0.8010909061, -0.367860622335, -0.265939742354}
  };
  static final double[] VARIANCE = {0.131525761344, 0.110372983104};
  static final double[] RATIO = {0.336158531766, 0.282095458469};
  static final double[][] PROJECTED = {
    {-0.35854960654, 0.375554648126},
    {-0.406265429714, -0.227993918991},
    {0.325067600189, -0.337534787729},
    {0.126311527834, 0.610567754542},
    {-0.452220516886, -0.237099512187},
    {0.392647038113, 0.323765418855},
    {0.436885105918, -0.357240056337},
    {-0.378023379732, -0.00124020918115},
    {0.0415118440485, -0.157701566332},
    {0.272635816771, 0.00892222923439}
  };

  @Test
  void matchesNumpySvd() {
    Pca pca = Pca.fit(List.of(X), 2);
    for (int c = 0; c < 2; c++) {
      assertArrayEquals(COMPONENTS[c], pca.components()[c], 1e-9, "component " + c);
    }
    assertArrayEquals(VARIANCE, pca.explainedVariance(), 1e-9);
    assertArrayEquals(RATIO, pca.explainedVarianceRatio(), 1e-9);
    double[][] projected = pca.transform(List.of(X));
    for (int i = 0; i < X.length; i++) {
      assertArrayEquals(PROJECTED[i], projected[i], 1e-9, "row " + i);
    }
  }

  @Test
  void blocksOfRowsAddUpToTheWholeCovariance() {
    // More rows than one accumulation block, in a plane of R^4 with most variance along (1, 1, 0,
    // 0).
    SplittableRandom random = new SplittableRandom(3);
    List<float[]> vectors = new ArrayList<>();
    for (int i = 0; i < 1300; i++) {
      float a = (float) random.nextGaussian() * 3, b = (float) random.nextGaussian();
      vectors.add(new float[] {a + 1, a - 2, b, 0.5f});
    }
    Pca pca = Pca.fit(vectors, 3);
    double s = Math.sqrt(0.5);
    assertArrayEquals(new double[] {s, s, 0, 0}, pca.components()[0], 0.01);
    assertArrayEquals(new double[] {0, 0, 1, 0}, pca.components()[1], 0.01);
    // Two directions carry all the variance; the constant fourth coordinate none.
    assertEquals(1.0, pca.explainedVarianceRatio()[0] + pca.explainedVarianceRatio()[1], 1e-9);
    assertEquals(0.0, pca.explainedVariance()[2], 1e-9);
    assertTrue(
        pca.explainedVariance()[0] > 15 && pca.explainedVariance()[0] < 21,
        "2 · 9 = 18: " + pca.explainedVariance()[0]);
  }

  @Test
  void tooFewVectorsOrComponentsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> Pca.fit(List.of(new float[] {1, 2}), 1));
    assertThrows(IllegalArgumentException.class, () -> Pca.fit(List.of(X), 6));
  }
}
