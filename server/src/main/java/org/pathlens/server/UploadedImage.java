package org.pathlens.server;

import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeoutException;
import javax.imageio.ImageIO;
import javax.imageio.stream.ImageInputStream;

/**
 * The image of a multipart upload (part {@value #PART}), checked before any work is queued: present
 * (400), within the byte limit (413), and in a format an image reader recognises (415). The pixel
 * limit is checked next, from the header, before any work is queued ({@link
 * PathLensServer#asyncDecoding}: 413).
 *
 * @param name the client's file name, for messages only (never a path on this machine)
 * @param bytes the encoded image
 */
record UploadedImage(String name, byte[] bytes) {

  static final String PART = "image";

  static UploadedImage from(Context ctx, long maxBytes) {
    if (!ctx.isMultipartFormData()) {
      throw new ApiException(
          415, "send the image as multipart/form-data in a part named '" + PART + "'", PART);
    }
    UploadedFile file = part(ctx, maxBytes);
    if (file == null) {
      throw ApiException.badParameter(PART, "no part named '" + PART + "' in the upload");
    }
    if (file.size() > maxBytes) {
      throw tooLarge(file.size(), maxBytes);
    }
    byte[] bytes;
    try (InputStream in = file.content()) {
      bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
    } catch (IOException e) {
      throw new ApiException(400, "cannot read the uploaded image: " + e.getMessage(), PART, e);
    }
    if (bytes.length > maxBytes) {
      throw tooLarge(bytes.length, maxBytes);
    }
    if (bytes.length == 0) {
      throw ApiException.badParameter(PART, "the uploaded image is empty");
    }
    String name = file.filename() == null || file.filename().isBlank() ? "upload" : file.filename();
    if (!isImage(bytes)) {
      throw new ApiException(
          415,
          name + ": not a recognised image format (expected PNG, JPEG, TIFF, BMP or GIF)",
          PART);
    }
    return new UploadedImage(name, bytes);
  }

  /**
   * The part, parsed by Jetty; a body over Jetty's multipart limit (one sent without a length, so
   * the declared-length check could not see it) is a 413, one that stalled a 408, any other
   * unparsable body a 400.
   */
  private static UploadedFile part(Context ctx, long maxBytes) {
    try {
      return ctx.uploadedFile(PART);
    } catch (Exception e) { // Kotlin code: the servlet's checked exceptions arrive undeclared
      Throwable root = e;
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof IllegalStateException
            && String.valueOf(t.getMessage()).contains("max length exceeded")) {
          throw new ApiException(413, "upload over the limit of " + maxBytes + " bytes", PART, e);
        }
        if (t instanceof TimeoutException) {
          // The read deadline or the minimum data rate (PathLensServer) cut a stalled upload.
          throw new ApiException(
              408, "the upload stalled and was cut off (" + t.getMessage() + ")", PART, e);
        }
        root = t;
      }
      throw new ApiException(400, "malformed multipart body: " + root.getMessage(), PART, e);
    }
  }

  static ApiException tooLarge(long size, long maxBytes) {
    return new ApiException(
        413, "upload of " + size + " bytes is over the limit of " + maxBytes + " bytes", PART);
  }

  /** Whether an image reader recognises the bytes, judged from their header alone. */
  private static boolean isImage(byte[] bytes) {
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
      return in != null && ImageIO.getImageReaders(in).hasNext();
    } catch (IOException e) {
      return false;
    }
  }

  /** The bytes in a temporary file in {@code dir}, for the library calls that take a file. */
  Path toTemporaryFile(Path dir) throws IOException {
    Path file = Files.createTempFile(dir, "upload-", ".img");
    Files.write(file, bytes);
    return file;
  }
}
