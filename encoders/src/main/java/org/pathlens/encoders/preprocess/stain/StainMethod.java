package org.pathlens.encoders.preprocess.stain;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.pathlens.encoders.preprocess.RgbImage;

/** The stain normalisation methods, by their command-line names. */
public enum StainMethod {
  /** Tiles are embedded as decoded. */
  NONE,
  /** Reinhard et al. 2001: per-channel mean and standard deviation matched in CIE Lab. */
  REINHARD,
  /** Macenko et al. 2009: stain vectors from optical density, concentrations rescaled. */
  MACENKO;

  /**
   * This method's description of {@code images} with its default parameters (a target from a
   * reference tile); empty for {@link #NONE} and when the images hold too little tissue.
   */
  public Optional<StainTarget> estimate(List<RgbImage> images) {
    return switch (this) {
      case NONE -> Optional.empty();
      case REINHARD -> Reinhard.estimate(images).map(s -> s);
      case MACENKO -> Macenko.estimate(images, MacenkoParameters.DEFAULT).map(s -> s);
    };
  }

  /** The lower-case name used on the command line and in JSON. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The method named {@code name} (case-insensitive); the error lists the choices. */
  public static StainMethod parse(String name) {
    for (StainMethod method : values()) {
      if (method.id().equalsIgnoreCase(name.strip())) {
        return method;
      }
    }
    throw new IllegalArgumentException(
        "unknown stain normalisation \""
            + name
            + "\": use one of "
            + String.join(", ", Arrays.stream(values()).map(StainMethod::id).toList()));
  }
}
