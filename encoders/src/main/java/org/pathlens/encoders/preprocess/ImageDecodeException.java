package org.pathlens.encoders.preprocess;

import java.io.IOException;

/**
 * An image file that cannot be turned into pixels: empty, truncated, corrupt, not an image, too
 * large ({@link ImageTooLargeException}), or in a pixel format PathLens does not convert. The
 * message names the file and the reason; the underlying exception, if any, is kept as the cause.
 */
public class ImageDecodeException extends IOException {

  private final String fileName;

  public ImageDecodeException(String fileName, String reason) {
    super(fileName + ": " + reason);
    this.fileName = fileName;
  }

  public ImageDecodeException(String fileName, String reason, Throwable cause) {
    super(fileName + ": " + reason, cause);
    this.fileName = fileName;
  }

  /** The name the image was decoded under (a path, or the name given with the bytes). */
  public String fileName() {
    return fileName;
  }
}
