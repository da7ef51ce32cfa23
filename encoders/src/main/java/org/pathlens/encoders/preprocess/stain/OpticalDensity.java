package org.pathlens.encoders.preprocess.stain;

/**
 * Beer–Lambert optical density of 8-bit samples, {@code OD = ln(Io / max(I, 1))}, and back.
 *
 * <p>Natural logarithm, as the widely used Macenko implementations compute it (the β = 0.15
 * transparency threshold is quoted in those units). A byte of 0 counts as 1, so that black pixels
 * have a finite density.
 */
final class OpticalDensity {

  private final double io;
  private final double[] density = new double[256];

  OpticalDensity(double io) {
    if (!(io > 1 && io <= 255)) {
      throw new IllegalArgumentException("Io (the white level) must be in (1, 255], got " + io);
    }
    this.io = io;
    for (int v = 0; v < 256; v++) {
      density[v] = Math.log(io / Math.max(v, 1));
    }
  }

  double of(int sample) {
    return density[sample];
  }

  /** The sample of density {@code od}, rounded and clipped to 0..255. */
  int toByte(double od) {
    double value = io * Math.exp(-od);
    return value >= 255 ? 255 : (int) Math.round(value);
  }

  /**
   * A pixel is tissue when every channel absorbs at least {@code beta}; glass and near-white are
   * not.
   */
  boolean isTissue(int r, int g, int b, double beta) {
    return density[r] >= beta && density[g] >= beta && density[b] >= beta;
  }
}
