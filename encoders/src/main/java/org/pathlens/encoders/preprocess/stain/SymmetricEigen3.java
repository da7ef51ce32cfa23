package org.pathlens.encoders.preprocess.stain;

import java.util.Arrays;

/**
 * Eigenvalues and eigenvectors of a symmetric 3 × 3 matrix by cyclic Jacobi rotations (Golub &amp;
 * Van Loan, Matrix Computations, §8.5): exact to rounding for a covariance matrix, and small enough
 * not to need a linear-algebra library for Macenko's one 3 × 3 decomposition per estimate.
 */
final class SymmetricEigen3 {

  /** Eigenvalues, largest first. */
  final double[] values = new double[3];

  /** vectors[k]: the unit eigenvector of values[k]. */
  final double[][] vectors = new double[3][3];

  SymmetricEigen3(double[][] symmetric) {
    double[][] a = {symmetric[0].clone(), symmetric[1].clone(), symmetric[2].clone()};
    double[][] v = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
    for (int sweep = 0; sweep < 50; sweep++) {
      double off = a[0][1] * a[0][1] + a[0][2] * a[0][2] + a[1][2] * a[1][2];
      if (off < 1e-30 * (a[0][0] * a[0][0] + a[1][1] * a[1][1] + a[2][2] * a[2][2]) || off == 0) {
        break;
      }
      rotate(a, v, 0, 1);
      rotate(a, v, 0, 2);
      rotate(a, v, 1, 2);
    }
    Integer[] order = {0, 1, 2};
    Arrays.sort(order, (i, j) -> Double.compare(a[j][j], a[i][i]));
    for (int k = 0; k < 3; k++) {
      values[k] = a[order[k]][order[k]];
      for (int c = 0; c < 3; c++) {
        vectors[k][c] = v[c][order[k]];
      }
    }
  }

  /**
   * One Jacobi rotation zeroing a[p][q]; v accumulates the rotations (eigenvectors in its columns).
   */
  private static void rotate(double[][] a, double[][] v, int p, int q) {
    if (a[p][q] == 0) {
      return;
    }
    double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
    double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
    if (theta == 0) {
      t = 1;
    }
    double c = 1 / Math.sqrt(t * t + 1), s = t * c;
    for (int k = 0; k < 3; k++) { // A <- A J
      double akp = a[k][p], akq = a[k][q];
      a[k][p] = c * akp - s * akq;
      a[k][q] = s * akp + c * akq;
    }
    for (int k = 0; k < 3; k++) { // A <- J^T A
      double apk = a[p][k], aqk = a[q][k];
      a[p][k] = c * apk - s * aqk;
      a[q][k] = s * apk + c * aqk;
    }
    for (int k = 0; k < 3; k++) {
      double vkp = v[k][p], vkq = v[k][q];
      v[k][p] = c * vkp - s * vkq;
      v[k][q] = s * vkp + c * vkq;
    }
  }
}
