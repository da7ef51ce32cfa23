package org.pathlens.encoders.preprocess;

/**
 * What an image's header says about it, read without decoding a pixel: enough to refuse it, or to
 * know what decoding it will cost, before the cost is paid.
 *
 * @param format "PNG", "JPEG", "TIFF", "BMP" or "GIF"
 * @param width pixels
 * @param height pixels
 * @param bitsPerPixel bits of one pixel in the decoder's raster, all its samples together (64 for
 *     16-bit RGBA, 24 for 8-bit RGB, 8 for a palette)
 */
public record ImageHeader(String format, int width, int height, int bitsPerPixel) {

  /** RGB bytes of one pixel in the decoded {@link RgbImage}. */
  private static final int RGB_BYTES = 3;

  public long pixels() {
    return (long) width * height;
  }

  /**
   * The memory a decode of the whole image holds at its peak: the decoder's raster, at {@link
   * #bitsPerPixel} (at least a byte a pixel, as Java's rasters store it), and the RGB copy that
   * {@link ImageDecoder} converts it to while the raster is still held. (A 9,400 px square 16-bit
   * RGBA PNG: 88 M pixels × 11 bytes, 972 MB, from a 690 KB file.)
   */
  public long decodedBytes() {
    return pixels() * (Math.max(1, Math.ceilDiv(bitsPerPixel, 8)) + RGB_BYTES);
  }
}
