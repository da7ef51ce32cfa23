package org.pathlens.encoders.bundle;

/** Resampling filter, as PIL names them; both are antialiased when downsampling. */
public enum Interpolation {
  BICUBIC,
  BILINEAR;

  public static Interpolation parse(String value) {
    return switch (value) {
      case "bicubic" -> BICUBIC;
      case "bilinear" -> BILINEAR;
      default ->
          throw new IllegalArgumentException(
              "image.interpolation must be \"bicubic\" or \"bilinear\", got \"" + value + "\"");
    };
  }
}
