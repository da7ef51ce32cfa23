package org.pathlens.encoders.bundle;

/** How an image is brought to the model's square input, as {@code model.json} names it. */
public enum ResizeMode {
  /** Resize the shorter side to the input size keeping the aspect ratio, then center-crop. */
  SHORTEST,
  /** Resize both sides to the input size, distorting the aspect ratio. */
  SQUASH;

  public static ResizeMode parse(String value) {
    return switch (value) {
      case "shortest" -> SHORTEST;
      case "squash" -> SQUASH;
      default ->
          throw new IllegalArgumentException(
              "image.resize must be \"shortest\" or \"squash\", got \"" + value + "\"");
    };
  }
}
