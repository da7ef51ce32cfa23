package org.pathlens.encoders.preprocess;

import org.pathlens.encoders.bundle.CropOffset;

/**
 * torchvision 0.14's {@code CenterCrop}: the window starts at {@code int(round((size - crop) /
 * 2.0))}, and Python's {@code round} rounds halves to even, so an odd margin of 1 gives offset 0
 * and a margin of 3 gives offset 2 (not 1 and 2 as rounding half up would). An image smaller than
 * the crop is first padded with black as torchvision does ({@code (crop - size) // 2} before).
 */
public final class CenterCrop {

  private CenterCrop() {}

  /**
   * Offset of a {@code crop}-long window centered in {@code size}, as torchvision computes it;
   * {@code crop <= size}.
   */
  public static int offset(int size, int crop) {
    return offset(size, crop, CropOffset.ROUND);
  }

  /**
   * Offset of a {@code crop}-long window centered in {@code size}, rounded as torchvision or
   * Hugging Face image processors do; {@code crop <= size}.
   */
  public static int offset(int size, int crop, CropOffset rounding) {
    if (crop > size) {
      throw new IllegalArgumentException("crop " + crop + " is larger than the size " + size);
    }
    return switch (rounding) {
      // (size - crop) / 2.0 is an integer or an integer plus one half: Math.rint rounds the
      // latter to even, like Python 3's round.
      case ROUND -> (int) Math.rint((size - crop) / 2.0);
      case FLOOR -> (size - crop) / 2;
    };
  }

  /** The {@code width x height} center of {@code src}, padded with black if it is smaller. */
  public static RgbImage apply(RgbImage src, int width, int height) {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException("crop size must be positive, got " + width + "x" + height);
    }
    RgbImage img = src;
    if (width > src.width() || height > src.height()) {
      img = pad(src, Math.max(width, src.width()), Math.max(height, src.height()));
    }
    return PilResize.crop(
        img, offset(img.width(), width), offset(img.height(), height), width, height);
  }

  /** torchvision pads {@code (new - old) // 2} on the left/top, the rest on the right/bottom. */
  private static RgbImage pad(RgbImage src, int width, int height) {
    int left = (width - src.width()) / 2;
    int top = (height - src.height()) / 2;
    byte[] out = new byte[width * height * 3];
    for (int y = 0; y < src.height(); y++) {
      System.arraycopy(
          src.rgb(), y * src.width() * 3, out, ((top + y) * width + left) * 3, src.width() * 3);
    }
    return new RgbImage(width, height, out);
  }
}
