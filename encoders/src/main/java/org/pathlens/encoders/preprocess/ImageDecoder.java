package org.pathlens.encoders.preprocess;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import javax.imageio.IIOException;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
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
 *       pixel is decoded, so a small file claiming 100000 x 100000 pixels (a decompression bomb) is
 *       rejected at once, without allocating its raster.
 *   <li>Pixels are converted from the raw decoded samples by {@link PilRgbConversion}, never via
 *       {@code BufferedImage.getRGB}: Java colour-manages gray, 16-bit and CMYK images, PIL does
 *       not. For the same reason ICC profiles embedded in JPEGs are removed before decoding ({@link
 *       JpegIccStripper}); the PNG and TIFF readers do not apply them.
 *   <li>A JPEG without its end-of-image marker is rejected as truncated. Java's JPEG reader only
 *       warns and fills the missing part with gray; PIL raises "image file is truncated" exactly
 *       when the data ends before the marker (checked by experiment: a file cut in half fails in
 *       PIL, the same cut with the marker appended decodes). Corrupt data that the decoder recovers
 *       from is tolerated, as PIL tolerates it.
 *   <li>Only the first image of a multi-image file (GIF animation, multi-page TIFF) is read, like
 *       PIL's {@code open}.
 *   <li>A decoder made with {@link #reducedAbove} (the server's, for uploads) decodes images over a
 *       threshold at reduced scale; every other decode is exact.
 *   <li>EXIF orientation is not applied: neither PIL's {@code open}/{@code convert} nor torchvision
 *       apply it, and the reference numbers were computed without it.
 * </ul>
 *
 * <p>JPEG decoding: through libjpeg-turbo itself where {@code libturbojpeg.so.0} is installed
 * ({@link TurboJpeg}, several times faster), else with the JDK's IJG libjpeg 6b code. PIL decodes
 * with libjpeg-turbo; with the default (islow) IDCT and fancy upsampling all three give identical
 * pixels in every file we tried (the golden JPEGs, 76 generated variants of quality, subsampling
 * and progressive mode, 13 real slide/tile JPEGs). Thread-safe: every call uses its own reader.
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

  /**
   * Larger JPEG files take the general path, whose pixel-count check reads only the header before
   * the file is read whole.
   */
  private static final long TURBO_MAX_FILE_BYTES = 64L << 20;

  private final long maxPixels;
  private final TurboJpeg turbo;

  /** Images up to this many pixels are decoded exactly; Long.MAX_VALUE: all of them. */
  private final long exactPixels;

  /** The short side a reduced-scale decode keeps at least. */
  private final int minShortSide;

  /**
   * @param maxPixels images with more pixels (width x height) are rejected before decoding
   */
  public ImageDecoder(long maxPixels) {
    this(maxPixels, TurboJpeg.instance());
  }

  /** A decoder that decodes JPEGs with {@code turbo}, or with the JDK alone when it is null. */
  ImageDecoder(long maxPixels, TurboJpeg turbo) {
    this(maxPixels, turbo, Long.MAX_VALUE, 1);
  }

  private ImageDecoder(long maxPixels, TurboJpeg turbo, long exactPixels, int minShortSide) {
    if (maxPixels <= 0 || maxPixels > MAX_SUPPORTED_PIXELS) {
      throw new IllegalArgumentException(
          "maxPixels must be in 1.." + MAX_SUPPORTED_PIXELS + ", got " + maxPixels);
    }
    if (exactPixels < 1 || minShortSide < 1) {
      throw new IllegalArgumentException(
          "exactPixels and minShortSide must be positive, got "
              + exactPixels
              + " and "
              + minShortSide);
    }
    this.maxPixels = maxPixels;
    this.turbo = turbo;
    this.exactPixels = exactPixels;
    this.minShortSide = minShortSide;
  }

  /**
   * This decoder, but decoding images over {@code exactPixels} at reduced scale: every s-th pixel
   * of every s-th row, s the largest whole number that keeps the short side at least {@code
   * minShortSide} (a model that sees 224 px gains nothing from 9,400). The codec skips the other
   * rows as it decodes (PNG and JPEG row by row), so neither its raster nor the RGB copy is ever
   * full size. Images up to {@code exactPixels} are decoded exactly as before, bit for bit; above
   * it the pixels kept are exactly those of the full decode (point sampling), and what the model
   * then sees differs from the full decode's resize (measured in docs/api.md).
   */
  public ImageDecoder reducedAbove(long exactPixels, int minShortSide) {
    return new ImageDecoder(maxPixels, turbo, exactPixels, minShortSide);
  }

  /**
   * The subsampling step for an image of {@code header}: 1 (an exact decode) up to the exact-decode
   * threshold, else the largest step that keeps the short side at least the minimum.
   */
  public int subsampling(ImageHeader header) {
    if (header.pixels() <= exactPixels) {
      return 1;
    }
    return Math.max(1, Math.min(header.width(), header.height()) / minShortSide);
  }

  /**
   * The memory decoding the image of {@code header} with this decoder holds at its peak: {@link
   * ImageHeader#decodedBytes} of the size it is decoded at, plus two rows of the full width for the
   * codec's row buffers. Only PNG and JPEG are counted at their reduced size: the other readers may
   * decode a whole strip or frame before they subsample it, so they are counted at full size.
   */
  public long decodeCost(ImageHeader header) {
    int step = subsampling(header);
    if (step == 1 || !(header.format().equals("PNG") || header.format().equals("JPEG"))) {
      return header.decodedBytes();
    }
    ImageHeader reduced =
        new ImageHeader(
            header.format(),
            Math.ceilDiv(header.width(), step),
            Math.ceilDiv(header.height(), step),
            header.bitsPerPixel());
    long rowBytes = (long) header.width() * Math.max(1, Math.ceilDiv(header.bitsPerPixel(), 8));
    return reduced.decodedBytes() + 2 * rowBytes;
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
    if (turbo != null && size <= TURBO_MAX_FILE_BYTES) {
      RgbImage jpeg = decodeJpegFile(file);
      if (jpeg != null) {
        return jpeg;
      }
    }
    // File-backed stream: the header is checked before the file is read in full.
    return decode(
        new Source() {
          @Override
          public ImageInputStream open() throws IOException {
            return new FileImageInputStream(file.toFile());
          }

          @Override
          public byte[] all() throws IOException {
            return Files.readAllBytes(file);
          }
        },
        name);
  }

  /**
   * A JPEG tile read once and decoded by libjpeg-turbo, without the JDK's reader lookup and header
   * pass (a tenth of the time of a 224 px tile); null for anything else, which the general path
   * then decodes or refuses with its messages (a file that is not a JPEG, is truncated, too large
   * in pixels, CMYK).
   */
  private RgbImage decodeJpegFile(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      return null;
    }
    boolean jpeg =
        bytes.length > 3
            && bytes[0] == (byte) 0xFF
            && bytes[1] == (byte) 0xD8
            && bytes[2] == (byte) 0xFF;
    // Over the exact-decode threshold, the general path decodes at reduced scale.
    return jpeg && hasEndMarker(bytes)
        ? turbo.decode(bytes, Math.min(maxPixels, exactPixels))
        : null;
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
    return decode(inMemory(bytes), name);
  }

  /** Encoded bytes, opened as a stream first so that a large file is not read for nothing. */
  private interface Source {
    ImageInputStream open() throws IOException;

    byte[] all() throws IOException;
  }

  /** Bytes already in memory as a {@link Source}. */
  private static Source inMemory(byte[] bytes) {
    return new Source() {
      @Override
      public ImageInputStream open() {
        return memoryStream(bytes);
      }

      @Override
      public byte[] all() {
        return bytes;
      }
    };
  }

  @FunctionalInterface
  private interface ReaderAction<T> {
    T run(ImageReader reader, String format) throws IOException;
  }

  /**
   * The header of an image held in memory, its pixel count checked against the limit; no pixel is
   * decoded. What a server reads to refuse an upload, or to reserve the memory its decode will
   * take, before queueing the work.
   *
   * @throws ImageTooLargeException over the pixel limit
   * @throws ImageDecodeException not an image, or a header that does not parse
   */
  public ImageHeader header(byte[] bytes, String name) throws ImageDecodeException {
    if (bytes.length == 0) {
      throw new ImageDecodeException(name, "empty file (0 bytes), not an image");
    }
    return withReader(
        inMemory(bytes), name, (reader, format) -> checkedHeader(reader, name, format));
  }

  private RgbImage decode(Source source, String name) throws ImageDecodeException {
    return withReader(
        source,
        name,
        (reader, format) -> {
          int step = subsampling(checkedHeader(reader, name, format));
          // No parameters for an exact decode: the call every golden test pins.
          ImageReadParam reduced = step == 1 ? null : reader.getDefaultReadParam();
          if (reduced != null) {
            reduced.setSourceSubsampling(step, step, 0, 0);
          }
          if (!format.equals("JPEG")) {
            return PilRgbConversion.toRgb(reader.read(0, reduced), name);
          }
          byte[] bytes = source.all();
          if (!hasEndMarker(bytes)) {
            throw new ImageDecodeException(
                name, "truncated JPEG file: no end-of-image marker (FF D9) at the end of the data");
          }
          RgbImage fast = turbo == null || step > 1 ? null : turbo.decode(bytes, maxPixels);
          if (fast != null) {
            return fast; // libjpeg-turbo, as Pillow decodes; ICC profiles are ignored there too
          }
          byte[] withoutIcc = JpegIccStripper.strip(bytes);
          if (withoutIcc == bytes) {
            return PilRgbConversion.toRgb(reader.read(0, reduced), name);
          }
          return withReader(
              new Source() {
                @Override
                public ImageInputStream open() {
                  return memoryStream(withoutIcc);
                }

                @Override
                public byte[] all() {
                  return withoutIcc;
                }
              },
              name,
              (r, f) -> PilRgbConversion.toRgb(r.read(0, reduced), name));
        });
  }

  /** Opens the source, finds its reader, runs {@code action}, and turns failures into messages. */
  private static <T> T withReader(Source source, String name, ReaderAction<T> action)
      throws ImageDecodeException {
    try (ImageInputStream in = source.open()) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw new ImageDecodeException(
            name,
            WholeSlideImages.isSlideName(name) || WholeSlideImages.isBigTiff(in)
                ? WholeSlideImages.NOT_A_TILE
                : "not a recognised image format (expected PNG, JPEG, TIFF, BMP or GIF)");
      }
      ImageReader reader = readers.next();
      String format = formatName(reader);
      try {
        reader.setInput(in);
        return action.run(reader, format);
      } catch (ImageDecodeException e) {
        throw e;
      } catch (IIOException e) {
        throw new ImageDecodeException(
            name, "corrupt or truncated " + format + " file: " + describe(e), e);
      } catch (IOException e) {
        throw new ImageDecodeException(
            name, "cannot read the " + format + " file: " + describe(e), e);
      } catch (RuntimeException e) {
        // ImageIO's readers signal some malformed files with unchecked exceptions
        // (IndexOutOfBounds, IllegalArgument, NegativeArraySize...).
        throw new ImageDecodeException(name, "corrupt " + format + " file: " + describe(e), e);
      } finally {
        reader.dispose();
      }
    } catch (ImageDecodeException e) {
      throw e;
    } catch (IOException e) {
      throw new ImageDecodeException(name, "cannot read the file: " + describe(e), e);
    }
  }

  /** The header, refused when its size is invalid or over {@link #maxPixels}. */
  private ImageHeader checkedHeader(ImageReader reader, String name, String format)
      throws IOException {
    if (WholeSlideImages.isSlideName(name)
        || (format.equals("TIFF") && reader.isImageTiled(0) && reader.getNumImages(true) > 1)) {
      throw new ImageDecodeException(name, WholeSlideImages.NOT_A_TILE);
    }
    int width = reader.getWidth(0);
    int height = reader.getHeight(0);
    if (width <= 0 || height <= 0) {
      throw new ImageDecodeException(
          name, format + " header gives an invalid size " + width + "x" + height);
    }
    // The size first: the image type below may read past the header, which a bomb may not have.
    if ((long) width * height > maxPixels) {
      throw new ImageTooLargeException(name, format, width, height, maxPixels);
    }
    return new ImageHeader(format, width, height, bitsPerPixel(reader));
  }

  /** Bits of a pixel where the reader cannot say: 16-bit RGBA's, the most a pixel takes here. */
  private static final int UNKNOWN_BITS_PER_PIXEL = 64;

  /**
   * Bits of a pixel in the raster the reader will decode into, from the image type the file
   * declares. Where the reader cannot tell (it reads the chunks before the pixel data, which a
   * damaged file may lack), {@value #UNKNOWN_BITS_PER_PIXEL}: the estimate sizes a memory
   * reservation, so it errs high, and the decode itself names what is wrong with the file.
   */
  private static int bitsPerPixel(ImageReader reader) {
    try {
      ImageTypeSpecifier type = reader.getRawImageType(0);
      if (type == null) {
        Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0);
        type = types.hasNext() ? types.next() : null;
      }
      if (type == null) {
        return UNKNOWN_BITS_PER_PIXEL;
      }
      int bits = 0;
      for (int size : type.getSampleModel().getSampleSize()) {
        bits += size;
      }
      return bits;
    } catch (IOException | RuntimeException e) {
      return UNKNOWN_BITS_PER_PIXEL;
    }
  }

  /**
   * Whether FF D9 occurs in the last kilobyte. Inside entropy-coded data FF is always followed by
   * 00 or a restart marker, so FF D9 near the end is the end-of-image marker; looking further back
   * than the last two bytes tolerates padding after it.
   */
  private static boolean hasEndMarker(byte[] jpeg) {
    for (int i = jpeg.length - 2, stop = Math.max(0, jpeg.length - TAIL_BYTES); i >= stop; i--) {
      if (jpeg[i] == (byte) 0xFF && jpeg[i + 1] == (byte) 0xD9) {
        return true;
      }
    }
    return false;
  }

  /** Not ImageIO.createImageInputStream: that may spill to temporary files. */
  private static ImageInputStream memoryStream(byte[] bytes) {
    return new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes));
  }

  /** "PNG", "JPEG", "TIFF", "BMP", "GIF" (the reader's format names normalised). */
  private static String formatName(ImageReader reader) {
    try {
      for (String n : reader.getOriginatingProvider().getFormatNames()) {
        String upper = n.toUpperCase(Locale.ROOT);
        if (upper.equals("JPEG") || upper.equals("TIFF")) {
          return upper;
        }
      }
      return reader.getFormatName().toUpperCase(Locale.ROOT);
    } catch (IOException | RuntimeException e) {
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
