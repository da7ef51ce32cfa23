package org.pathlens.slides;

/**
 * OpenSlide's pixels to RGB. OpenSlide returns premultiplied ARGB in native-endian 32-bit words;
 * colour is un-premultiplied where a pixel is partly transparent (slide edges at fractional
 * downsamples), and fully transparent pixels (outside the scanned area or the slide) become white,
 * the colour of empty glass.
 */
final class ArgbPixels {
  private ArgbPixels() {}

  /**
   * Writes {@code count} pixels of {@code argb} as interleaved RGB into {@code rgb} from {@code
   * offset}.
   */
  static void toRgb(int[] argb, int count, byte[] rgb, int offset) {
    for (int i = 0, o = offset; i < count; i++, o += 3) {
      int p = argb[i];
      int a = p >>> 24;
      if (a == 255) {
        rgb[o] = (byte) (p >>> 16);
        rgb[o + 1] = (byte) (p >>> 8);
        rgb[o + 2] = (byte) p;
      } else if (a == 0) {
        rgb[o] = rgb[o + 1] = rgb[o + 2] = (byte) 255;
      } else {
        rgb[o] = unpremultiply((p >>> 16) & 0xFF, a);
        rgb[o + 1] = unpremultiply((p >>> 8) & 0xFF, a);
        rgb[o + 2] = unpremultiply(p & 0xFF, a);
      }
    }
  }

  /**
   * {@code c * 255 / a} rounded, as cairo and openslide-write-png do; clamped for malformed input.
   */
  static byte unpremultiply(int c, int a) {
    return (byte) Math.min(255, (c * 255 + a / 2) / a);
  }
}
