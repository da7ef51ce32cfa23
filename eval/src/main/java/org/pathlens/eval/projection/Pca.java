package org.pathlens.eval.projection;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * Principal component analysis of embeddings, for the 2-D maps in evaluation reports: deterministic
 * (no seed, unlike UMAP or t-SNE), linear (distances along an axis mean something) and cheap.
 *
 * <p>Fitted from the sample covariance C = Σ (x − μ)(x − μ)ᵀ / (n − 1), accumulated a block of rows
 * at a time so that n tiles never need an n × D matrix, then EJML's symmetric eigendecomposition of
 * the D × D matrix C. The components are C's leading eigenvectors, the right singular vectors of
 * the centred data as {@code numpy.linalg.svd} and scikit-learn's PCA give them; an eigenvalue is
 * the variance along its component (scikit-learn's {@code explained_variance_}, S² / (n − 1)), its
 * ratio that over trace(C), the total variance. A component's sign is arbitrary; here its largest
 * entry by magnitude is positive (the first such entry on a tie), so a map never flips between
 * runs.
 *
 * @param mean μ, per dimension
 * @param components unit vectors, the first explaining the most variance
 * @param explainedVariance the variance along each component
 * @param explainedVarianceRatio its share of the total variance
 */
public record Pca(
    double[] mean,
    double[][] components,
    double[] explainedVariance,
    double[] explainedVarianceRatio) {

  private static final int BLOCK_ROWS = 512;

  public static Pca fit(List<float[]> vectors, int componentCount) {
    int n = vectors.size();
    if (n < 2) {
      throw new IllegalArgumentException("PCA needs at least 2 vectors, got " + n);
    }
    int d = vectors.getFirst().length;
    if (componentCount < 1 || componentCount > d) {
      throw new IllegalArgumentException(
          "PCA components must be in 1.." + d + ", got " + componentCount);
    }
    double[] mean = new double[d];
    for (float[] v : vectors) {
      if (v.length != d) {
        throw new IllegalArgumentException(
            "PCA needs vectors of one dimension: " + v.length + " != " + d);
      }
      for (int j = 0; j < d; j++) {
        mean[j] += v[j];
      }
    }
    for (int j = 0; j < d; j++) {
      mean[j] /= n;
    }
    DMatrixRMaj covariance = new DMatrixRMaj(d, d);
    for (int from = 0; from < n; from += BLOCK_ROWS) {
      int rows = Math.min(BLOCK_ROWS, n - from);
      DMatrixRMaj block = new DMatrixRMaj(rows, d);
      for (int r = 0; r < rows; r++) {
        float[] v = vectors.get(from + r);
        for (int j = 0; j < d; j++) {
          block.unsafe_set(r, j, v[j] - mean[j]);
        }
      }
      CommonOps_DDRM.multAddTransA(block, block, covariance);
    }
    CommonOps_DDRM.scale(1.0 / (n - 1), covariance);
    double total = CommonOps_DDRM.trace(covariance);

    EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(d, true, true);
    if (!eig.decompose(covariance.copy())) {
      throw new IllegalStateException(
          "PCA: the eigendecomposition of the " + d + " x " + d + " covariance did not converge");
    }
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < eig.getNumberOfEigenvalues(); i++) {
      order.add(i);
    }
    // Largest variance first; equal ones keep EJML's order, which is itself deterministic.
    order.sort(Comparator.comparingDouble((Integer i) -> -eig.getEigenvalue(i).getReal()));
    double[][] components = new double[componentCount][];
    double[] variance = new double[componentCount];
    double[] ratio = new double[componentCount];
    for (int c = 0; c < componentCount; c++) {
      int i = order.get(c);
      components[c] = signFixed(unit(eig.getEigenVector(i).getData()));
      // A covariance is positive semi-definite; a tiny negative eigenvalue is rounding.
      variance[c] = Math.max(0, eig.getEigenvalue(i).getReal());
      ratio[c] = total > 0 ? variance[c] / total : Double.NaN;
    }
    return new Pca(mean, components, variance, ratio);
  }

  /** The coordinates of each vector along the components: (x − μ) · component. */
  public double[][] transform(List<float[]> vectors) {
    double[][] out = new double[vectors.size()][components.length];
    for (int i = 0; i < vectors.size(); i++) {
      float[] v = vectors.get(i);
      for (int c = 0; c < components.length; c++) {
        double sum = 0;
        for (int j = 0; j < mean.length; j++) {
          sum += (v[j] - mean[j]) * components[c][j];
        }
        out[i][c] = sum;
      }
    }
    return out;
  }

  private static double[] unit(double[] v) {
    double norm = 0;
    for (double x : v) {
      norm += x * x;
    }
    norm = Math.sqrt(norm);
    double[] out = new double[v.length];
    for (int j = 0; j < v.length; j++) {
      out[j] = v[j] / norm;
    }
    return out;
  }

  private static double[] signFixed(double[] v) {
    int largest = 0;
    for (int j = 1; j < v.length; j++) {
      if (Math.abs(v[j]) > Math.abs(v[largest])) {
        largest = j;
      }
    }
    if (v[largest] < 0) {
      for (int j = 0; j < v.length; j++) {
        v[j] = -v[j];
      }
    }
    return v;
  }
}
