package org.pathlens.encoders.preprocess;

/**
 * An image with more pixels than the decoder accepts, refused from its header before a pixel is
 * decoded: a decompression bomb, or a slide sent where a tile was expected.
 */
public final class ImageTooLargeException extends ImageDecodeException {

  private final long pixels;
  private final long limit;

  ImageTooLargeException(String fileName, String format, int width, int height, long limit) {
    super(
        fileName,
        format
            + " image is "
            + width
            + "x"
            + height
            + " = "
            + (long) width * height
            + " pixels, over the limit of "
            + limit
            + " (--max-pixels; a decompression bomb, or a slide rather than a tile?)");
    this.pixels = (long) width * height;
    this.limit = limit;
  }

  /** The image's pixels, width × height. */
  public long pixels() {
    return pixels;
  }

  /** The limit it is over. */
  public long limit() {
    return limit;
  }
}
