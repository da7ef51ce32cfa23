package org.pathlens.slides;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pathlens.encoders.preprocess.RgbImage;

/**
 * A slide read by OpenSlide through the FFM API: SVS, NDPI, MRXS, SCN, VMS, BIF, generic tiled TIFF
 * and the other formats of the installed version (Debian 12 ships 3.4.1, which cannot read DICOM).
 *
 * <p>Thread-safe: OpenSlide handles may be read from several threads at once, and the handle is
 * only released by {@link #close()}, which must not overlap a read.
 */
public final class OpenSlideReader implements SlideReader {
  private static final long MAX_REGION_PIXELS = Integer.MAX_VALUE / 4;

  private final Path path;
  private final OpenSlideLibrary library;
  private final MemorySegment handle;
  private final List<SlideLevel> levels;
  private final Map<String, String> properties;
  private final FileMpp mpp;
  private volatile boolean closed;

  private OpenSlideReader(Path path, OpenSlideLibrary library, MemorySegment handle)
      throws Throwable {
    this.path = path;
    this.library = library;
    this.handle = handle;
    this.properties = readProperties();
    this.levels = readLevels();
    this.mpp = fileMppOf(properties);
  }

  /** Whether {@code libopenslide.so.0} can be loaded here. */
  public static boolean isAvailable() {
    return OpenSlideLibrary.isAvailable();
  }

  /** The loaded library's version, e.g. {@code 3.4.1}. */
  public static String libraryVersion() throws SlideException {
    try {
      return OpenSlideLibrary.get().version;
    } catch (OpenSlideUnavailableException e) {
      throw new SlideException(Path.of(OpenSlideLibrary.SONAME), e.getMessage(), e);
    }
  }

  /**
   * OpenSlide's name for the format of {@code file} ({@code aperio}, {@code generic-tiff}, …),
   * empty when OpenSlide does not recognise it.
   */
  public static Optional<String> detectVendor(Path file) throws SlideException {
    OpenSlideLibrary library = library(file);
    try (Arena arena = Arena.ofConfined()) {
      return OpenSlideLibrary.string(
          (MemorySegment) library.detectVendor.invokeExact(filename(arena, file)));
    } catch (Throwable e) {
      throw new SlideException(file, "OpenSlide failed to inspect the file: " + e, e);
    }
  }

  /**
   * Opens {@code file} with OpenSlide.
   *
   * @throws SlideException naming the file and OpenSlide's reason when it cannot be read, or the
   *     missing library when OpenSlide is not installed (its cause is then an {@link
   *     OpenSlideUnavailableException})
   */
  public static OpenSlideReader open(Path file) throws SlideException {
    if (!Files.isRegularFile(file)) {
      throw new SlideException(file, "no such file");
    }
    OpenSlideLibrary library = library(file);
    MemorySegment handle;
    LibTiffMessages.clear();
    try (Arena arena = Arena.ofConfined()) {
      handle = (MemorySegment) library.open.invokeExact(filename(arena, file));
    } catch (Throwable e) {
      throw new SlideException(file, "OpenSlide failed to open the file: " + e, e);
    }
    if (handle.equals(MemorySegment.NULL)) {
      throw new SlideException(file, unrecognised(file, library.version) + libtiffSaid());
    }
    try {
      String error = error(library, handle);
      if (error != null) {
        throw new SlideException(
            file, "OpenSlide " + library.version + " cannot read it: " + error + libtiffSaid());
      }
      return new OpenSlideReader(file, library, handle);
    } catch (Throwable e) {
      closeQuietly(library, handle);
      if (e instanceof SlideException slide) {
        throw slide;
      }
      throw new SlideException(
          file, "OpenSlide failed while reading the slide's metadata: " + e, e);
    }
  }

  @Override
  public Path path() {
    return path;
  }

  @Override
  public List<SlideLevel> levels() {
    return levels;
  }

  @Override
  public Optional<Mpp> mpp() {
    return mpp.mpp();
  }

  /**
   * {@code openslide}, {@code ome-xml} or {@code tiff-resolution}; {@code none} without a usable
   * value.
   */
  @Override
  public String mppSource() {
    return mpp.source();
  }

  @Override
  public Optional<String> mppRejection() {
    return mpp.rejection();
  }

  @Override
  public String vendor() {
    return properties.getOrDefault("openslide.vendor", "unknown");
  }

  @Override
  public Map<String, String> properties() {
    return properties;
  }

  @Override
  public RgbImage readRegion(int level, long x0, long y0, int width, int height)
      throws SlideException {
    level(level);
    if (width <= 0 || height <= 0 || (long) width * height > MAX_REGION_PIXELS) {
      throw new IllegalArgumentException(
          path + ": cannot read a " + width + "x" + height + " region");
    }
    if (closed) {
      throw new IllegalStateException(path + ": the slide reader is closed");
    }
    int count = width * height;
    int[] argb = new int[count];
    LibTiffMessages.clear();
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment buffer = arena.allocate(JAVA_INT, count);
      library.readRegion.invokeExact(handle, buffer, x0, y0, level, (long) width, (long) height);
      String error = error(library, handle);
      if (error != null) {
        throw new SlideException(
            path,
            "OpenSlide cannot read level "
                + level
                + " at "
                + x0
                + ","
                + y0
                + ": "
                + error
                + libtiffSaid());
      }
      MemorySegment.copy(buffer, JAVA_INT, 0, argb, 0, count);
    } catch (SlideException e) {
      throw e;
    } catch (Throwable e) {
      throw new SlideException(
          path, "OpenSlide failed reading level " + level + " at " + x0 + "," + y0 + ": " + e, e);
    }
    byte[] rgb = new byte[3 * count];
    ArgbPixels.toRgb(argb, count, rgb, 0);
    return new RgbImage(width, height, rgb);
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      closeQuietly(library, handle);
    }
  }

  @Override
  public String toString() {
    return "OpenSlideReader[" + path + ", " + vendor() + "]";
  }

  private List<SlideLevel> readLevels() throws Throwable {
    int count = (int) library.getLevelCount.invokeExact(handle);
    if (count < 1) {
      throw new SlideException(
          path,
          "OpenSlide reports no pyramid levels: "
              + Optional.ofNullable(error(library, handle)).orElse("unknown reason"));
    }
    List<SlideLevel> result = new ArrayList<>(count);
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment w = arena.allocate(JAVA_LONG), h = arena.allocate(JAVA_LONG);
      for (int k = 0; k < count; k++) {
        library.getLevelDimensions.invokeExact(handle, k, w, h);
        double downsample = (double) library.getLevelDownsample.invokeExact(handle, k);
        result.add(new SlideLevel(w.get(JAVA_LONG, 0), h.get(JAVA_LONG, 0), downsample));
      }
    }
    return List.copyOf(result);
  }

  private Map<String, String> readProperties() throws Throwable {
    Map<String, String> result = new LinkedHashMap<>();
    MemorySegment names =
        ((MemorySegment) library.getPropertyNames.invokeExact(handle)).reinterpret(Long.MAX_VALUE);
    try (Arena arena = Arena.ofConfined()) {
      for (long k = 0; ; k++) {
        MemorySegment name = names.getAtIndex(ADDRESS, k);
        if (name.equals(MemorySegment.NULL)) {
          break;
        }
        String key = OpenSlideLibrary.string(name).orElseThrow();
        MemorySegment value =
            (MemorySegment) library.getPropertyValue.invokeExact(handle, arena.allocateFrom(key));
        OpenSlideLibrary.string(value).ifPresent(v -> result.put(key, v));
      }
    }
    return Collections.unmodifiableMap(result);
  }

  /**
   * MPP from {@code openslide.mpp-x/y}, else from the OME-XML of an OME-TIFF's {@code
   * tiff.ImageDescription}, else from the TIFF resolution OpenSlide lists ({@code
   * tiff.XResolution}, {@code tiff.YResolution}, {@code tiff.ResolutionUnit}): OpenSlide 3.4.1
   * leaves the first out for generic TIFF (BigTIFF among them) and some SVS.
   */
  static FileMpp fileMppOf(Map<String, String> properties) {
    Optional<Mpp> vendor = mppOf(properties);
    if (vendor.isPresent()) {
      return new FileMpp(vendor, "openslide", Optional.empty());
    }
    String description = properties.getOrDefault("tiff.ImageDescription", "");
    if (OmeXml.isOme(description)) {
      FileMpp ome = OmeXml.mpp(description);
      if (ome.mpp().isPresent() || ome.rejection().isPresent()) {
        return ome;
      }
    }
    return FileMpp.fromTiffResolution(
        number(properties.get("tiff.XResolution")),
        number(properties.get("tiff.YResolution")),
        properties.getOrDefault("tiff.ResolutionUnit", "none"));
  }

  private static Optional<Double> number(String value) {
    try {
      return value == null ? Optional.empty() : Optional.of(Double.parseDouble(value));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** MPP from {@code openslide.mpp-x/y}. */
  static Optional<Mpp> mppOf(Map<String, String> properties) {
    try {
      String x = properties.get("openslide.mpp-x"), y = properties.get("openslide.mpp-y");
      if (x == null || y == null) {
        return Optional.empty();
      }
      return Optional.of(new Mpp(Double.parseDouble(x), Double.parseDouble(y)));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /**
   * What libtiff reported on this thread since the call began (it would print it to stderr; {@link
   * LibTiffMessages} keeps it instead), as {@code " (libtiff: ...)"}, or nothing.
   */
  private static String libtiffSaid() {
    List<String> messages = LibTiffMessages.drain();
    return messages.isEmpty() ? "" : " (libtiff: " + String.join("; ", messages) + ")";
  }

  private static String unrecognised(Path file, String version) {
    String reason = "not a format OpenSlide " + version + " recognises";
    if (org.pathlens.slides.dicom.DicomSeries.isDicom(file)) {
      reason += " (a DICOM file: DICOM whole-slide images need OpenSlide 4.0 or newer)";
    }
    return reason;
  }

  private static OpenSlideLibrary library(Path file) throws SlideException {
    try {
      return OpenSlideLibrary.get();
    } catch (OpenSlideUnavailableException e) {
      throw new SlideException(file, "reading it needs OpenSlide, but " + e.getMessage(), e);
    }
  }

  private static MemorySegment filename(Arena arena, Path file) {
    return arena.allocateFrom(file.toAbsolutePath().toString());
  }

  private static String error(OpenSlideLibrary library, MemorySegment handle) throws Throwable {
    return OpenSlideLibrary.string((MemorySegment) library.getError.invokeExact(handle))
        .orElse(null);
  }

  private static void closeQuietly(OpenSlideLibrary library, MemorySegment handle) {
    try {
      library.close.invokeExact(handle);
    } catch (Throwable ignored) {
      // Closing is best effort: the handle is never used again either way.
    }
  }
}
