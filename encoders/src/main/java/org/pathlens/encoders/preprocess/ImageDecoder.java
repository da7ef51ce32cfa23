package org.pathlens.encoders.preprocess;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import javax.imageio.IIOException;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.FileImageInputStream;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes PNG, JPEG, TIFF, BMP and GIF files into the RGB pixels that Python's {@code
 * Image.open(path).convert("RGB")} (Pillow 9.4) gives, so that a model sees the same input as in
 * its published evaluation.
 *
 * <p>What this class does, and why:
 *
 * <ul>
 *   <li>The image size is read from the header and checked against {@code maxPixels} before any
 *       pixel is decoded, so a small file claiming 100000 x 100000 pixels (a decompression bomb)
 *       is rejected at once, without allocating its raster.
 *   <li>Pixels are converted from the raw decoded samples by {@link PilRgbConversion}, never via
 *       {@code BufferedImage.getRGB}: Java colour-manages gray, 16-bit and CMYK images, PIL does
 *       not.
 *   <li>Only the first image of a multi-image file (GIF animation, multi-page TIFF) is read, like
 *       PIL's {@code open}.
 *   <li>EXIF orientation is not applied: neither PIL's {@code open}/{@code convert} nor torchvision
 *       apply it, and the reference numbers were computed without it.
 *   <li>A JPEG without its end-of-image marker is rejected as truncated. Java's JPEG reader only
 *       warns and fills the missing part with gray; PIL raises "image file is truncated" exactly
 *       when the data ends before the marker (checked by experiment: a file cut in half fails in
 *       PIL, the same cut with the marker appended decodes). Corrupt data that the decoder
 *       recovers from is tolerated, as PIL tolerates it.
 * </ul>
 *
 * <p>JPEG pixels are not bit-identical to PIL's: the JDK decodes with IJG libjpeg 6b code, PIL
 * with libjpeg-turbo; the golden tests measure the difference (at most a few levels, in
 * chroma-subsampled images). Thread-safe: every call uses its own reader.
 */
public final class ImageDecoder {

  /** Largest limit accepted: the RGB array of the image must fit in one Java array. */
  public static final long MAX_SUPPORTED_PIXELS = (Integer.MAX_VALUE - 8) / 3;

  /**
   * Default limit: PIL's own decompression-bomb threshold ({@code Image.MAX_IMAGE_PIXELS},
   * 89,478,485 pixels). Tiles are far smaller; whole slides are read through the slide readers.
   */
  public static final long DEFAULT_MAX_PIXELS = 89_478_485L;

  private static final int TAIL_BYTES = 1024;

  private final long maxPixels;

  /**
   * @param maxPixels images with more pixels (width x height) are rejected before decoding
   */
  public ImageDecoder(long maxPixels) {
    if (maxPixels <= 0 || maxPixels > MAX_SUPPORTED_PIXELS) {
      throw new IllegalArgumentException(
          "maxPixels must be in 1.." + MAX_SUPPORTED_PIXELS + ", got " + maxPixels);
    }
    this.maxPixels = maxPixels;
  }

  public long maxPixels() {
    return maxPixels;
  }

  /** Decodes a file; the exception message names {@code file}. */
  public RgbImage decode(Path file) throws ImageDecodeException {
    String name = file.toString();
    long size;
    try {
      size = Files.size(file);
    } catch (NoSuchFileException e) {
      throw new ImageDecodeException(name, "no such file", e);
    } catch (IOException e) {
      throw new ImageDecodeException(name, "cannot read the file: " + e.getMessage(), e);
    }
    if (size == 0) {
      throw new ImageDecodeException(name, "empty file (0 bytes), not an image");
    }
    // A file-backed stream: the header check runs before the file is read in full.
    try (ImageInputStream in = new FileImageInputStream(file.toFile())) {
      return decode(in, name, n -> tail(file, size, n));
    } catch (FileNotFoundException e) {
      throw new ImageDecodeException(name, "cannot open the file: " + e.getMessage(), e);
    } catch (ImageDecodeException e) {
      throw e;
    } catch (IOException e) {
      throw new ImageDecodeException(name, "cannot read the file: " + e.getMessage(), e);
    }
  }

  /**
   * Decodes an image held in memory (an upload, a tile from an archive).
   *
   * @param name names the image in error messages, e.g. the upload's file name
   */
  public RgbImage decode(byte[] bytes, String name) throws ImageDecodeException {
    if (bytes.length == 0) {
      throw new ImageDecodeException(name, "empty file (0 bytes), not an image");
    }
    // MemoryCacheImageInputStream, not ImageIO.createImageInputStream: the latter may spill to
    // temporary files.
    try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
      return decode(in, name, n -> Arrays.copyOfRange(bytes, Math.max(0, bytes.length - n), bytes.length));
    } catch (ImageDecodeException e) {
      throw e;
    } catch (IOException e) {
      throw new ImageDecodeException(name, "cannot read the image: " + e.getMessage(), e);
    }
  }

  /** The last bytes of the encoded image, for the JPEG end-marker check. */
  @FunctionalInterface
  private interface Tail {
    byte[] last(int n) throws IOException;
  }

  private RgbImage decode(ImageInputStream in, String name, Tail tail)
      throws ImageDecodeException {
    Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
    if (!readers.hasNext()) {
      throw new ImageDecodeException(
          name, "not a recognised image format (expected PNG, JPEG, TIFF, BMP or GIF)");
    }
    ImageReader reader = readers.next();
    String format = formatName(reader);
    try {
      reader.setInput(in);
      checkSize(reader, name, format);
      if ((format.equals("JPEG") || format.equals("JPG")) && !hasEndMarker(tail.last(TAIL_BYTES))) {
        throw new ImageDecodeException(
            name, "truncated JPEG file: no end-of-image marker (FF D9) at the end of the data");
      }
      BufferedImage image = reader.read(0);
      return PilRgbConversion.toRgb(image, name);
    } catch (ImageDecodeException e) {
      throw e;
    } catch (IIOException e) {
      throw new ImageDecodeException(
          name, "corrupt or truncated " + format + " file: " + describe(e), e);
    } catch (IOException e) {
      throw new ImageDecodeException(name, "cannot read the " + format + " file: " + describe(e), e);
    } catch (RuntimeException e) {
      // ImageIO's readers signal some malformed files with unchecked exceptions
      // (IndexOutOfBounds, IllegalArgument, NegativeArraySize...).
      throw new ImageDecodeException(name, "corrupt " + format + " file: " + describe(e), e);
    } finally {
      reader.dispose();
    }
  }

  private void checkSize(ImageReader reader, String name, String format) throws IOException {
    int width = reader.getWidth(0);
    int height = reader.getHeight(0);
    if (width <= 0 || height <= 0) {
      throw new ImageDecodeException(
          name, format + " header gives an invalid size " + width + "x" + height);
    }
    long pixels = (long) width * height;
    if (pixels > maxPixels) {
      throw new ImageDecodeException(
          name,
          format + " image is " + width + "x" + height + " = " + pixels
              + " pixels, over the limit of " + maxPixels
              + " (decompression bomb or a slide rather than a tile? raise the limit if intended)");
    }
  }

  /**
   * Whether an FF D9 marker occurs in the tail. Inside entropy-coded data FF is always followed by
   * 00 or a restart marker, so FF D9 near the end is the end-of-image marker; looking at the last
   * kilobyte rather than the last two bytes tolerates padding after it.
   */
  private static boolean hasEndMarker(byte[] tail) {
    for (int i = tail.length - 2; i >= 0; i--) {
      if (tail[i] == (byte) 0xFF && tail[i + 1] == (byte) 0xD9) {
        return true;
      }
    }
    return false;
  }

  private static byte[] tail(Path file, long size, int n) throws IOException {
    int len = (int) Math.min(size, n);
    ByteBuffer buf = ByteBuffer.allocate(len);
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      channel.position(size - len);
      while (buf.hasRemaining() && channel.read(buf) >= 0) {
        // keep reading until the tail is full
      }
    }
    return Arrays.copyOf(buf.array(), buf.position());
  }

  private static String formatName(ImageReader reader) {
    try {
      return reader.getOriginatingProvider().getFormatNames()[0].toUpperCase(Locale.ROOT);
    } catch (RuntimeException e) {
      return "image";
    }
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    String text = message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    Throwable cause = e.getCause();
    if (cause != null && cause != e && cause.getMessage() != null) {
      text += " (" + cause.getClass().getSimpleName() + ": " + cause.getMessage() + ")";
    }
    return text;
  }
}
