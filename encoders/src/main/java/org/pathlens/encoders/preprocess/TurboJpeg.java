package org.pathlens.encoders.preprocess;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * JPEG decoding through libjpeg-turbo's TurboJPEG API ({@code libturbojpeg.so.0}, Debian's {@code
 * libturbojpeg0}), called through the FFM API: the library Pillow decodes with, with the settings
 * Pillow uses (accurate integer IDCT, fancy upsampling), so the pixels are Pillow's; and several
 * times faster than the JDK's decoder.
 *
 * <p>Only plain cases are taken: 8-bit YCbCr or grayscale JPEGs that decode without a fatal error.
 * Anything else (CMYK, a library that is absent or fails) returns null, and {@link ImageDecoder}
 * decodes with the JDK instead, with its error messages. {@code -Dpathlens.jpeg=imageio} turns this
 * path off.
 */
final class TurboJpeg {

  static final String PROPERTY = "pathlens.jpeg";
  private static final String SONAME = "libturbojpeg.so.0";

  private static final int TJPF_RGB = 0;
  private static final int TJCS_RGB = 0;
  private static final int TJCS_YCBCR = 1;
  private static final int TJCS_GRAY = 2;
  private static final int TJERR_WARNING = 0;

  private final MethodHandle initDecompress;
  private final MethodHandle decompressHeader;
  private final MethodHandle decompress;
  private final MethodHandle destroy;
  private final MethodHandle errorCode;

  private TurboJpeg(SymbolLookup lookup) {
    Linker linker = Linker.nativeLinker();
    // Decoding a tile takes about a millisecond and never calls back: the arrays are passed as
    // they lie on the Java heap (critical calls), with no copy in or out.
    Linker.Option heap = Linker.Option.critical(true);
    initDecompress = bind(linker, lookup, "tjInitDecompress", FunctionDescriptor.of(ADDRESS));
    decompressHeader =
        linker.downcallHandle(
            lookup.find("tjDecompressHeader3").orElseThrow(),
            FunctionDescriptor.of(
                JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS, ADDRESS, ADDRESS),
            heap);
    decompress =
        linker.downcallHandle(
            lookup.find("tjDecompress2").orElseThrow(),
            FunctionDescriptor.of(
                JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT,
                JAVA_INT, JAVA_INT),
            heap);
    destroy = bind(linker, lookup, "tjDestroy", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    errorCode = bind(linker, lookup, "tjGetErrorCode", FunctionDescriptor.of(JAVA_INT, ADDRESS));
  }

  private static MethodHandle bind(
      Linker linker, SymbolLookup lookup, String name, FunctionDescriptor descriptor) {
    return linker.downcallHandle(lookup.find(name).orElseThrow(), descriptor);
  }

  /** The library, or null where it is absent, turned off, or cannot be bound. */
  static TurboJpeg instance() {
    return Holder.INSTANCE;
  }

  private static final class Holder {
    static final TurboJpeg INSTANCE = load();
  }

  private static TurboJpeg load() {
    if ("imageio".equals(System.getProperty(PROPERTY))) {
      return null;
    }
    try {
      return new TurboJpeg(SymbolLookup.libraryLookup(SONAME, Arena.global()));
    } catch (RuntimeException e) {
      // absent (IllegalArgumentException), native access off (IllegalCallerException), too old
      return null;
    }
  }

  /**
   * The RGB pixels of {@code jpeg}, or null when this decoder does not take the file (see above).
   *
   * @param maxPixels images with more pixels are left to the JDK path, which refuses them by name
   */
  RgbImage decode(byte[] jpeg, long maxPixels) {
    try {
      MemorySegment handle = (MemorySegment) initDecompress.invokeExact();
      if (handle.equals(MemorySegment.NULL)) {
        return null;
      }
      try (Arena arena = Arena.ofConfined()) {
        MemorySegment ints = arena.allocate(JAVA_INT, 4);
        MemorySegment source = MemorySegment.ofArray(jpeg);
        int header =
            (int)
                decompressHeader.invokeExact(
                    handle,
                    source,
                    (long) jpeg.length,
                    ints,
                    ints.asSlice(4),
                    ints.asSlice(8),
                    ints.asSlice(12));
        int width = ints.getAtIndex(JAVA_INT, 0);
        int height = ints.getAtIndex(JAVA_INT, 1);
        int colorspace = ints.getAtIndex(JAVA_INT, 3);
        if (header != 0
            || width <= 0
            || height <= 0
            || (long) width * height > maxPixels
            || !(colorspace == TJCS_YCBCR || colorspace == TJCS_GRAY || colorspace == TJCS_RGB)) {
          return null;
        }
        byte[] rgb = new byte[Math.multiplyExact(Math.multiplyExact(width, height), 3)];
        int result =
            (int)
                decompress.invokeExact(
                    handle,
                    source,
                    (long) jpeg.length,
                    MemorySegment.ofArray(rgb),
                    width,
                    width * 3,
                    height,
                    TJPF_RGB,
                    0);
        // A warning (corrupt data the decoder recovered from) keeps the image, as Pillow does.
        if (result != 0 && (int) errorCode.invokeExact(handle) != TJERR_WARNING) {
          return null;
        }
        return new RgbImage(width, height, rgb);
      } finally {
        int ignored = (int) destroy.invokeExact(handle);
      }
    } catch (Throwable e) {
      return null;
    }
  }
}
