package org.pathlens.encoders.preprocess.stain;

/**
 * Macenko's parameters.
 *
 * @param io the white level: optical density is {@code ln(io / I)}, and normalised tiles are
 *     rendered back with it. 255 (the 8-bit white) rather than the 240 of the common Python
 *     implementation: every pixel then has a density of at least 0, and bare glass comes back white
 *     instead of grey
 * @param beta pixels with a density below this in any channel are transparent (glass) and left out
 *     of the stain-vector estimate (0.15, as in the paper's implementation)
 * @param alpha the extreme angles of the tissue's densities in the stain plane are taken at the
 *     {@code alpha}-th and {@code (100 - alpha)}-th percentiles rather than at the minimum and
 *     maximum, for robustness to outliers (1, as in the paper)
 */
public record MacenkoParameters(double io, double beta, double alpha) {

  public static final MacenkoParameters DEFAULT = new MacenkoParameters(255, 0.15, 1);

  /** Concentrations are scaled so that this percentile of each matches the target's. */
  static final double MAX_CONCENTRATION_PERCENTILE = 99;

  public MacenkoParameters {
    if (!(io > 1 && io <= 255)) {
      throw new IllegalArgumentException("Macenko io (white level) must be in (1, 255], got " + io);
    }
    if (!(beta >= 0 && beta < 5)) {
      throw new IllegalArgumentException(
          "Macenko beta (transparency threshold) must be in [0, 5), got " + beta);
    }
    if (!(alpha >= 0 && alpha < 50)) {
      throw new IllegalArgumentException(
          "Macenko alpha (angle percentile) must be in [0, 50), got " + alpha);
    }
  }
}
