package org.pathlens.encoders.preprocess;

/**
 * An 8-bit RGB image, the equivalent of a PIL image in mode {@code "RGB"}.
 *
 * <p>Pixels are interleaved and row-major: the red sample of pixel (x, y) is at {@code rgb[(y *
 * width + x) * 3]}. The array is shared, not copied: whoever builds an {@code RgbImage} hands the
 * array over and must not modify it afterwards, so that images can be passed between threads
 * freely.
 */
public record RgbImage(int width, int height, byte[] rgb) {

  public RgbImage {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException(
          "image size must be positive, got " + width + "x" + height);
    }
    if (rgb.length != 3L * width * height) {
      throw new IllegalArgumentException(
          "rgb has "
              + rgb.length
              + " bytes, a "
              + width
              + "x"
              + height
              + " image needs "
              + 3L * width * height);
    }
  }

  /** Red, green or blue sample (0..255) of pixel (x, y); for tests and diagnostics, not loops. */
  public int sample(int x, int y, int channel) {
    return rgb[(y * width + x) * 3 + channel] & 0xFF;
  }

  @Override
  public String toString() {
    return "RgbImage[" + width + "x" + height + "]";
  }
}
