package org.pathlens.bench;

import java.util.Random;
import org.pathlens.fixtures.synth.ClusteredVectors;

/**
 * Text-like query vectors for {@code bench index}: in a CLIP-style model a text embedding does not
 * lie among the image embeddings of its class but off to one side, all texts shifted the same way
 * (the modality gap, Liang et al., "Mind the Gap: Understanding the Modality Gap in Multi-modal
 * Contrastive Representation Learning", NeurIPS 2022). The model used: a text query of class c is
 *
 * <pre>normalize(center(c) + g·u + noise)</pre>
 *
 * with u one fixed random unit vector shared by every text, the noise isotropic of norm about
 * {@link #NOISE} (texts of a class differ less than its images, whose noise norm is 1), and g set
 * so that the distance between the mean image and the mean text embedding, the paper's gap ‖Δgap‖,
 * is {@link #CLIP_GAP}. Quantization errors that are harmless for queries among the vectors can
 * reorder the much flatter cosines of such off-manifold queries: this is what the text rows of the
 * benchmark measure.
 */
final class ModalityGap {

  /**
   * ‖Δgap‖ of CLIP, the Euclidean distance between the centre of the image embeddings and that of
   * the text embeddings (unit vectors), as Liang et al. 2022 report it for the unmodified model
   * (the starting point of their gap-shifting experiments, section 4 and table 1).
   */
  static final double CLIP_GAP = 0.82;

  /** The norm of a text query's noise before normalising (an image's is 1). */
  static final double NOISE = 0.5;

  private ModalityGap() {}

  /**
   * The shift g along u that gives a mean-to-mean distance of {@code gap}: a text is about {@code
   * (c + g·u + n) / sqrt(1 + g² + σ²)} and the centers average out over many clusters, so the
   * distance is {@code g / sqrt(1 + g² + σ²)}; solved for g.
   */
  static double shift(double gap, double noise) {
    return gap * Math.sqrt((1 + noise * noise) / (1 - gap * gap));
  }

  /**
   * {@code count} text queries around uniformly chosen clusters of {@code source}, their clusters
   * in {@code clusterOf}.
   */
  static float[][] queries(ClusteredVectors source, int count, int[] clusterOf, long seed) {
    Random random = new Random(seed);
    int dim = source.center(0).length;
    float[] u = unit(gaussian(random, dim, 1));
    double g = shift(CLIP_GAP, NOISE);
    float[][] texts = new float[count][];
    for (int q = 0; q < count; q++) {
      clusterOf[q] = random.nextInt(source.clusters());
      float[] text = source.center(clusterOf[q]);
      float[] noise = gaussian(random, dim, NOISE / Math.sqrt(dim));
      for (int i = 0; i < dim; i++) {
        text[i] += (float) (g * u[i]) + noise[i];
      }
      texts[q] = unit(text);
    }
    return texts;
  }

  /** ‖mean(a) − mean(b)‖: the paper's gap between two sets of embeddings. */
  static double distanceOfMeans(float[][] a, float[][] b) {
    double[] mean = new double[a[0].length];
    for (float[] v : a) {
      for (int i = 0; i < mean.length; i++) {
        mean[i] += v[i] / (double) a.length;
      }
    }
    for (float[] v : b) {
      for (int i = 0; i < mean.length; i++) {
        mean[i] -= v[i] / (double) b.length;
      }
    }
    double sum = 0;
    for (double x : mean) {
      sum += x * x;
    }
    return Math.sqrt(sum);
  }

  private static float[] gaussian(Random random, int dim, double scale) {
    float[] v = new float[dim];
    for (int i = 0; i < dim; i++) {
      v[i] = (float) (scale * random.nextGaussian());
    }
    return v;
  }

  private static float[] unit(float[] v) {
    double norm = 0;
    for (float x : v) {
      norm += x * x;
    }
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (v[i] / Math.sqrt(norm));
    }
    return v;
  }
}
