package org.pathlens.slides.dicom;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.charset.StandardCharsets;
import org.pathlens.encoders.preprocess.RgbImage;

/**
 * JPEG 2000 frames decoded by OpenJPEG ({@code libopenjp2.so.7}, Debian's {@code libopenjp2-7}),
 * called through the FFM API: the library Pillow decodes JPEG 2000 with, at full resolution and all
 * quality layers as Pillow asks, so the pixels are Pillow's. The frame is handed over as a memory
 * stream (read, skip and seek callbacks over a native copy of its bytes). OpenJPEG itself undoes
 * the codestream's colour transform (ICT or RCT), so three 8-bit unsigned components come out as
 * RGB; any other component layout is refused.
 *
 * <p>Thread-safe: every decode has its own codec, stream and memory; the callbacks keep their state
 * in that memory.
 */
final class OpenJpeg {
  private static final String SONAME = "libopenjp2.so.7";
  private static final int CODEC_J2K = 0, CODEC_JP2 = 2;
  private static final long STREAM_CHUNK = 1 << 20;

  /** Generously above sizeof(opj_dparameters_t) (about 8.3 kB: two 4096-byte paths). */
  private static final long PARAMETERS_BYTES = 16 << 10;

  /** opj_image_t: x0, y0, x1, y1, numcomps, color_space, then the components pointer. */
  private static final long IMAGE_NUMCOMPS = 16, IMAGE_COMPS = 24;

  /** opj_image_comp_t: dx, dy, w, h, x0, y0, prec, bpp, sgnd, resno, factor, pad, data. */
  private static final long COMP_BYTES = 64,
      COMP_DX = 0,
      COMP_DY = 4,
      COMP_W = 8,
      COMP_H = 12,
      COMP_PREC = 24,
      COMP_SGND = 32,
      COMP_DATA = 48;

  /** The callbacks' state: the data's address, its length, the read position. */
  private static final long SOURCE_BYTES = 24;

  private static final int MESSAGE_BYTES = 256;

  private final MethodHandle streamCreate;
  private final MethodHandle setRead;
  private final MethodHandle setSkip;
  private final MethodHandle setSeek;
  private final MethodHandle setUserData;
  private final MethodHandle setUserDataLength;
  private final MethodHandle streamDestroy;
  private final MethodHandle createDecompress;
  private final MethodHandle defaultParameters;
  private final MethodHandle setupDecoder;
  private final MethodHandle setErrorHandler;
  private final MethodHandle readHeader;
  private final MethodHandle decode;
  private final MethodHandle endDecompress;
  private final MethodHandle destroyCodec;
  private final MethodHandle imageDestroy;
  private final MemorySegment readCallback;
  private final MemorySegment skipCallback;
  private final MemorySegment seekCallback;
  private final MemorySegment errorCallback;

  private OpenJpeg(SymbolLookup lookup) throws ReflectiveOperationException {
    Linker linker = Linker.nativeLinker();
    streamCreate =
        bind(
            linker,
            lookup,
            "opj_stream_create",
            FunctionDescriptor.of(ADDRESS, JAVA_LONG, JAVA_INT));
    setRead =
        bind(
            linker,
            lookup,
            "opj_stream_set_read_function",
            FunctionDescriptor.ofVoid(ADDRESS, ADDRESS));
    setSkip =
        bind(
            linker,
            lookup,
            "opj_stream_set_skip_function",
            FunctionDescriptor.ofVoid(ADDRESS, ADDRESS));
    setSeek =
        bind(
            linker,
            lookup,
            "opj_stream_set_seek_function",
            FunctionDescriptor.ofVoid(ADDRESS, ADDRESS));
    setUserData =
        bind(
            linker,
            lookup,
            "opj_stream_set_user_data",
            FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, ADDRESS));
    setUserDataLength =
        bind(
            linker,
            lookup,
            "opj_stream_set_user_data_length",
            FunctionDescriptor.ofVoid(ADDRESS, JAVA_LONG));
    streamDestroy = bind(linker, lookup, "opj_stream_destroy", FunctionDescriptor.ofVoid(ADDRESS));
    createDecompress =
        bind(linker, lookup, "opj_create_decompress", FunctionDescriptor.of(ADDRESS, JAVA_INT));
    defaultParameters =
        bind(
            linker,
            lookup,
            "opj_set_default_decoder_parameters",
            FunctionDescriptor.ofVoid(ADDRESS));
    setupDecoder =
        bind(
            linker, lookup, "opj_setup_decoder", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    setErrorHandler =
        bind(
            linker,
            lookup,
            "opj_set_error_handler",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
    readHeader =
        bind(
            linker,
            lookup,
            "opj_read_header",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
    decode =
        bind(
            linker,
            lookup,
            "opj_decode",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
    endDecompress =
        bind(
            linker,
            lookup,
            "opj_end_decompress",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    destroyCodec = bind(linker, lookup, "opj_destroy_codec", FunctionDescriptor.ofVoid(ADDRESS));
    imageDestroy = bind(linker, lookup, "opj_image_destroy", FunctionDescriptor.ofVoid(ADDRESS));
    MethodHandles.Lookup self = MethodHandles.lookup();
    Arena global = Arena.global();
    readCallback =
        linker.upcallStub(
            self.findStatic(
                OpenJpeg.class,
                "read",
                MethodType.methodType(
                    long.class, MemorySegment.class, long.class, MemorySegment.class)),
            FunctionDescriptor.of(JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS),
            global);
    skipCallback =
        linker.upcallStub(
            self.findStatic(
                OpenJpeg.class,
                "skip",
                MethodType.methodType(long.class, long.class, MemorySegment.class)),
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, ADDRESS),
            global);
    seekCallback =
        linker.upcallStub(
            self.findStatic(
                OpenJpeg.class,
                "seek",
                MethodType.methodType(int.class, long.class, MemorySegment.class)),
            FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS),
            global);
    errorCallback =
        linker.upcallStub(
            self.findStatic(
                OpenJpeg.class,
                "error",
                MethodType.methodType(void.class, MemorySegment.class, MemorySegment.class)),
            FunctionDescriptor.ofVoid(ADDRESS, ADDRESS),
            global);
  }

  private static MethodHandle bind(
      Linker linker, SymbolLookup lookup, String name, FunctionDescriptor descriptor) {
    return linker.downcallHandle(lookup.find(name).orElseThrow(), descriptor);
  }

  /** The library, or null where it is absent or cannot be bound. */
  static OpenJpeg instance() {
    return Holder.INSTANCE;
  }

  private static final class Holder {
    static final OpenJpeg INSTANCE = load();
  }

  private static OpenJpeg load() {
    try {
      return new OpenJpeg(SymbolLookup.libraryLookup(SONAME, Arena.global()));
    } catch (RuntimeException | ReflectiveOperationException e) {
      // absent (IllegalArgumentException), native access off (IllegalCallerException), too old
      return null;
    }
  }

  /**
   * The RGB pixels of a JPEG 2000 codestream (or JP2 file).
   *
   * @throws DicomFormatException with OpenJPEG's own message when it does not decode, or naming the
   *     component layout when it is not three 8-bit unsigned full-resolution components
   */
  RgbImage decode(byte[] data) throws DicomFormatException {
    boolean jp2 = data.length > 12 && data[4] == 'j' && data[5] == 'P' && data[6] == ' ';
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment bytes = arena.allocateFrom(JAVA_BYTE, data);
      MemorySegment source = arena.allocate(SOURCE_BYTES, 8);
      source.set(JAVA_LONG, 0, bytes.address());
      source.set(JAVA_LONG, 8, data.length);
      source.set(JAVA_LONG, 16, 0);
      MemorySegment message = arena.allocate(MESSAGE_BYTES);
      MemorySegment imageRef = arena.allocate(ADDRESS);
      MemorySegment stream = MemorySegment.NULL, codec = MemorySegment.NULL;
      try {
        stream = (MemorySegment) streamCreate.invokeExact(STREAM_CHUNK, 1);
        codec = (MemorySegment) createDecompress.invokeExact(jp2 ? CODEC_JP2 : CODEC_J2K);
        if (stream.equals(MemorySegment.NULL) || codec.equals(MemorySegment.NULL)) {
          throw new DicomFormatException("OpenJPEG could not make a decoder");
        }
        setRead.invokeExact(stream, readCallback);
        setSkip.invokeExact(stream, skipCallback);
        setSeek.invokeExact(stream, seekCallback);
        setUserData.invokeExact(stream, source, MemorySegment.NULL);
        setUserDataLength.invokeExact(stream, (long) data.length);
        int ignored = (int) setErrorHandler.invokeExact(codec, errorCallback, message);
        MemorySegment parameters = arena.allocate(PARAMETERS_BYTES, 8);
        defaultParameters.invokeExact(parameters);
        if ((int) setupDecoder.invokeExact(codec, parameters) == 0
            || (int) readHeader.invokeExact(stream, codec, imageRef) == 0) {
          throw failed("cannot read the JPEG 2000 header", message);
        }
        MemorySegment image = imageRef.get(ADDRESS, 0).reinterpret(IMAGE_COMPS + 8);
        try {
          if ((int) decode.invokeExact(codec, stream, image) == 0
              || (int) endDecompress.invokeExact(codec, stream) == 0) {
            throw failed("JPEG 2000 data does not decode", message);
          }
          return rgb(image);
        } finally {
          imageDestroy.invokeExact(image);
        }
      } finally {
        if (!codec.equals(MemorySegment.NULL)) {
          destroyCodec.invokeExact(codec);
        }
        if (!stream.equals(MemorySegment.NULL)) {
          streamDestroy.invokeExact(stream);
        }
      }
    } catch (DicomFormatException e) {
      throw e;
    } catch (Throwable e) {
      throw new DicomFormatException("OpenJPEG failed: " + e);
    }
  }

  private static RgbImage rgb(MemorySegment image) throws DicomFormatException {
    int count = image.get(JAVA_INT, IMAGE_NUMCOMPS);
    MemorySegment comps =
        image.get(ADDRESS, IMAGE_COMPS).reinterpret(COMP_BYTES * Math.max(count, 0));
    if (count != 3) {
      throw new DicomFormatException(
          "a JPEG 2000 frame of " + count + " components, 3 (RGB) expected");
    }
    int width = comps.get(JAVA_INT, COMP_W), height = comps.get(JAVA_INT, COMP_H);
    for (int c = 0; c < 3; c++) {
      long at = c * COMP_BYTES;
      if (comps.get(JAVA_INT, at + COMP_DX) != 1
          || comps.get(JAVA_INT, at + COMP_DY) != 1
          || comps.get(JAVA_INT, at + COMP_W) != width
          || comps.get(JAVA_INT, at + COMP_H) != height
          || comps.get(JAVA_INT, at + COMP_PREC) != 8
          || comps.get(JAVA_INT, at + COMP_SGND) != 0) {
        throw new DicomFormatException(
            "a JPEG 2000 frame whose components are not all 8-bit unsigned at full resolution"
                + " (component "
                + c
                + ": "
                + comps.get(JAVA_INT, at + COMP_PREC)
                + " bits, subsampled "
                + comps.get(JAVA_INT, at + COMP_DX)
                + "x"
                + comps.get(JAVA_INT, at + COMP_DY)
                + ")");
      }
    }
    int pixels = Math.multiplyExact(width, height);
    byte[] rgb = new byte[Math.multiplyExact(pixels, 3)];
    for (int c = 0; c < 3; c++) {
      MemorySegment samples =
          comps.get(ADDRESS, c * COMP_BYTES + COMP_DATA).reinterpret(4L * pixels);
      for (int i = 0; i < pixels; i++) {
        int v = samples.getAtIndex(JAVA_INT, i);
        rgb[3 * i + c] = (byte) Math.clamp(v, 0, 255);
      }
    }
    return new RgbImage(width, height, rgb);
  }

  private static DicomFormatException failed(String what, MemorySegment message) {
    String said = message.getString(0, StandardCharsets.US_ASCII).strip();
    return new DicomFormatException(what + (said.isEmpty() ? "" : " (OpenJPEG: " + said + ")"));
  }

  // The stream callbacks, called by OpenJPEG on the decoding thread. OPJ_SIZE_T -1 is the end.

  private static long read(MemorySegment buffer, long wanted, MemorySegment user) {
    try {
      return readUnsafe(buffer, wanted, user);
    } catch (Throwable e) {
      return -1; // an exception must not cross into C: OpenJPEG sees the end of the data
    }
  }

  private static long readUnsafe(MemorySegment buffer, long wanted, MemorySegment user) {
    MemorySegment s = user.reinterpret(SOURCE_BYTES);
    long address = s.get(JAVA_LONG, 0),
        length = s.get(JAVA_LONG, 8),
        position = s.get(JAVA_LONG, 16);
    long n = Math.min(wanted, length - position);
    if (n <= 0) {
      return -1;
    }
    MemorySegment.copy(
        MemorySegment.ofAddress(address + position).reinterpret(n), 0, buffer.reinterpret(n), 0, n);
    s.set(JAVA_LONG, 16, position + n);
    return n;
  }

  private static long skip(long bytes, MemorySegment user) {
    try {
      return skipUnsafe(bytes, user);
    } catch (Throwable e) {
      return -1;
    }
  }

  private static long skipUnsafe(long bytes, MemorySegment user) {
    MemorySegment s = user.reinterpret(SOURCE_BYTES);
    long length = s.get(JAVA_LONG, 8), position = s.get(JAVA_LONG, 16);
    long target = position + bytes;
    if (target < 0) {
      return -1;
    }
    s.set(JAVA_LONG, 16, Math.min(target, length));
    return bytes;
  }

  private static int seek(long position, MemorySegment user) {
    try {
      return seekUnsafe(position, user);
    } catch (Throwable e) {
      return 0;
    }
  }

  private static int seekUnsafe(long position, MemorySegment user) {
    MemorySegment s = user.reinterpret(SOURCE_BYTES);
    if (position < 0 || position > s.get(JAVA_LONG, 8)) {
      return 0;
    }
    s.set(JAVA_LONG, 16, position);
    return 1;
  }

  /** Keeps the first error message (truncated) in the decode's message buffer. */
  private static void error(MemorySegment text, MemorySegment user) {
    try {
      keepFirst(text, user);
    } catch (Throwable e) {
      // The message is lost; the decode still fails with its own reason.
    }
  }

  private static void keepFirst(MemorySegment text, MemorySegment user) {
    MemorySegment buffer = user.reinterpret(MESSAGE_BYTES);
    if (buffer.get(JAVA_BYTE, 0) != 0) {
      return;
    }
    MemorySegment c = text.reinterpret(MESSAGE_BYTES - 1);
    int end = 0;
    while (end < MESSAGE_BYTES - 1 && c.get(JAVA_BYTE, end) != 0) {
      end++;
    }
    String message = new String(c.asSlice(0, end).toArray(JAVA_BYTE), StandardCharsets.US_ASCII);
    byte[] bytes = message.getBytes(StandardCharsets.US_ASCII);
    int n = Math.min(bytes.length, MESSAGE_BYTES - 1);
    MemorySegment.copy(bytes, 0, buffer, JAVA_BYTE, 0, n);
    buffer.set(JAVA_BYTE, n, (byte) 0);
  }
}
