package org.pathlens.encoders.preprocess.stain;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.pathlens.encoders.preprocess.RgbImage;

/**
 * Macenko's description of a staining: the unit optical-density vectors of hematoxylin and eosin
 * (R, G, B) and the 99th percentile of each stain's concentration.
 *
 * @param hematoxylin unit OD vector of hematoxylin (the stain absorbing more red)
 * @param eosin unit OD vector of eosin
 * @param maxConcentrations 99th-percentile concentration of hematoxylin and of eosin
 * @param parameters the white level, transparency threshold and angle percentile it was estimated
 *     with; a source is estimated with its target's
 */
public record MacenkoStains(
    double[] hematoxylin, double[] eosin, double[] maxConcentrations, MacenkoParameters parameters)
    implements StainTarget {

  public MacenkoStains {
    if (hematoxylin == null || hematoxylin.length != 3 || eosin == null || eosin.length != 3) {
      throw new IllegalArgumentException("Macenko stain vectors need 3 values each (R, G, B)");
    }
    if (maxConcentrations == null
        || maxConcentrations.length != 2
        || !(maxConcentrations[0] > 0)
        || !(maxConcentrations[1] > 0)
        || Double.isInfinite(maxConcentrations[0])
        || Double.isInfinite(maxConcentrations[1])) {
      throw new IllegalArgumentException(
          "Macenko max concentrations need 2 positive finite values (H, E), got "
              + Arrays.toString(maxConcentrations));
    }
    hematoxylin = unit(hematoxylin, "hematoxylin");
    eosin = unit(eosin, "eosin");
    maxConcentrations = maxConcentrations.clone();
    if (parameters == null) {
      throw new IllegalArgumentException("Macenko parameters missing");
    }
  }

  private static double[] unit(double[] v, String name) {
    double norm = Math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
    if (!(norm > 0) || !Double.isFinite(norm)) {
      throw new IllegalArgumentException(
          "Macenko " + name + " vector must be finite and non-zero, got " + Arrays.toString(v));
    }
    return new double[] {v[0] / norm, v[1] / norm, v[2] / norm};
  }

  @Override
  public StainMethod method() {
    return StainMethod.MACENKO;
  }

  @Override
  public double[] hematoxylin() {
    return hematoxylin.clone();
  }

  @Override
  public double[] eosin() {
    return eosin.clone();
  }

  @Override
  public double[] maxConcentrations() {
    return maxConcentrations.clone();
  }

  @Override
  public Optional<StainTarget> estimate(List<RgbImage> images) {
    return Macenko.estimate(images, parameters).map(s -> s);
  }

  @Override
  public RgbImage transfer(RgbImage image, StainTarget source) {
    if (!(source instanceof MacenkoStains from)) {
      throw new IllegalArgumentException(
          "Macenko needs Macenko stains of the source, got " + source.method());
    }
    return Macenko.transfer(image, from, this);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MacenkoStains other
        && Arrays.equals(hematoxylin, other.hematoxylin)
        && Arrays.equals(eosin, other.eosin)
        && Arrays.equals(maxConcentrations, other.maxConcentrations)
        && parameters.equals(other.parameters);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(hematoxylin) * 961
        + Arrays.hashCode(eosin) * 31
        + Arrays.hashCode(maxConcentrations)
        + parameters.hashCode();
  }

  @Override
  public String toString() {
    return "macenko(H "
        + Arrays.toString(hematoxylin)
        + ", E "
        + Arrays.toString(eosin)
        + ", max C "
        + Arrays.toString(maxConcentrations)
        + ", "
        + parameters
        + ")";
  }
}
