package org.pathlens.encoders.preprocess.stain;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.pathlens.encoders.preprocess.RgbImage;

/**
 * Reinhard's description of a staining: the mean and standard deviation of L*, a* and b* (CIE Lab,
 * D65) over the pixels.
 *
 * @param mean L*, a*, b* means
 * @param std L*, a*, b* population standard deviations
 */
public record LabStatistics(double[] mean, double[] std) implements StainTarget {

  public LabStatistics {
    if (mean == null || mean.length != 3 || std == null || std.length != 3) {
      throw new IllegalArgumentException(
          "Reinhard statistics need 3 means and 3 standard deviations (L*, a*, b*)");
    }
    for (int c = 0; c < 3; c++) {
      if (!Double.isFinite(mean[c]) || !(std[c] >= 0) || Double.isInfinite(std[c])) {
        throw new IllegalArgumentException(
            "Reinhard statistics must be finite with std >= 0, got mean "
                + Arrays.toString(mean)
                + ", std "
                + Arrays.toString(std));
      }
    }
    mean = mean.clone();
    std = std.clone();
  }

  @Override
  public StainMethod method() {
    return StainMethod.REINHARD;
  }

  @Override
  public double[] mean() {
    return mean.clone();
  }

  @Override
  public double[] std() {
    return std.clone();
  }

  @Override
  public Optional<StainTarget> estimate(List<RgbImage> images) {
    return Reinhard.estimate(images).map(s -> s);
  }

  @Override
  public RgbImage transfer(RgbImage image, StainTarget source) {
    if (!(source instanceof LabStatistics from)) {
      throw new IllegalArgumentException(
          "Reinhard needs Reinhard statistics of the source, got " + source.method());
    }
    return Reinhard.transfer(image, from, this);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LabStatistics other
        && Arrays.equals(mean, other.mean)
        && Arrays.equals(std, other.std);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std);
  }

  @Override
  public String toString() {
    return "reinhard(mean " + Arrays.toString(mean) + ", std " + Arrays.toString(std) + ")";
  }
}
