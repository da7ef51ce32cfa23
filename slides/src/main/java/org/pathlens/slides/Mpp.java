package org.pathlens.slides;

/** Microns per pixel at level 0, along x and y. */
public record Mpp(double x, double y) {

  public Mpp {
    if (!(x > 0) || !(y > 0) || Double.isInfinite(x) || Double.isInfinite(y)) {
      throw new IllegalArgumentException(
          "microns per pixel must be positive and finite, got " + x + " x " + y);
    }
  }

  public static Mpp square(double mpp) {
    return new Mpp(mpp, mpp);
  }

  /** The coarser of the two axes: tiling uses it so that no axis is upsampled unnoticed. */
  public double coarser() {
    return Math.max(x, y);
  }
}
