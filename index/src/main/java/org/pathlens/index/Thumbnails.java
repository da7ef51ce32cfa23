package org.pathlens.index;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import org.pathlens.encoders.preprocess.ImageDecodeException;
import org.pathlens.encoders.preprocess.ImageDecoder;

/**
 * A slide's stored thumbnail, read back only once it proves to be what the ingest wrote: its
 * SHA-256 equals the one its {@link SlideRecord} keeps, or, for a record without one (earlier
 * versions, a backend that keeps the hash elsewhere), it decodes as a PNG. A garbled thumbnail is
 * an error for its slide, never bytes served as {@code image/png}.
 */
public final class Thumbnails {

  private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

  private Thumbnails() {}

  /**
   * A thumbnail that fails its hash or does not decode; the message names the file and why (the
   * caller names the slide).
   */
  public static final class DamagedThumbnailException extends IOException {
    DamagedThumbnailException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * The bytes of {@code file}, the thumbnail of {@code record}'s slide, once verified.
   *
   * @throws DamagedThumbnailException if they fail the record's hash or (no hash) do not decode
   * @throws IOException if the file cannot be read
   */
  public static byte[] readVerified(Path file, SlideRecord record) throws IOException {
    byte[] png = Files.readAllBytes(file);
    String expected = record.thumbnailSha256();
    if (expected != null) {
      String actual = sha256(png);
      if (!actual.equals(expected)) {
        throw new DamagedThumbnailException(
            "thumbnail "
                + file
                + ": SHA-256 "
                + actual
                + " differs from the "
                + expected
                + " its record keeps: the file was altered",
            null);
      }
      return png;
    }
    if (!Arrays.equals(PNG_SIGNATURE, 0, PNG_SIGNATURE.length, png, 0, Math.min(8, png.length))) {
      throw new DamagedThumbnailException("thumbnail " + file + " is not a PNG file", null);
    }
    try {
      new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS).decode(png, file.toString());
    } catch (ImageDecodeException e) {
      throw new DamagedThumbnailException(
          "thumbnail "
              + file
              + " does not decode (its record keeps no hash to check): "
              + e.getMessage(),
          e);
    }
    return png;
  }

  /** SHA-256 of {@code bytes}, lower-case hex. */
  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
