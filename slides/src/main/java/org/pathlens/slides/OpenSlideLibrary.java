package org.pathlens.slides;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * The C functions of OpenSlide ({@code libopenslide.so.0}, Debian package {@code libopenslide0}),
 * bound once through the FFM API. The library is looked up on first use; where it is missing,
 * {@link #get()} throws {@link OpenSlideUnavailableException} every time with the same message.
 *
 * <p>The system property {@code pathlens.openslide.library} names another file or soname to load
 * (e.g. a self-built OpenSlide 4 for DICOM).
 */
final class OpenSlideLibrary {
  static final String SONAME = "libopenslide.so.0";
  static final String PROPERTY = "pathlens.openslide.library";

  final MethodHandle detectVendor;
  final MethodHandle open;
  final MethodHandle close;
  final MethodHandle getError;
  final MethodHandle getLevelCount;
  final MethodHandle getLevelDimensions;
  final MethodHandle getLevelDownsample;
  final MethodHandle getPropertyNames;
  final MethodHandle getPropertyValue;
  final MethodHandle readRegion;
  final String version;

  private OpenSlideLibrary(SymbolLookup lookup) throws Throwable {
    Linker linker = Linker.nativeLinker();
    detectVendor =
        bind(linker, lookup, "openslide_detect_vendor", FunctionDescriptor.of(ADDRESS, ADDRESS));
    open = bind(linker, lookup, "openslide_open", FunctionDescriptor.of(ADDRESS, ADDRESS));
    close = bind(linker, lookup, "openslide_close", FunctionDescriptor.ofVoid(ADDRESS));
    getError = bind(linker, lookup, "openslide_get_error", FunctionDescriptor.of(ADDRESS, ADDRESS));
    getLevelCount =
        bind(linker, lookup, "openslide_get_level_count", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    getLevelDimensions =
        bind(
            linker,
            lookup,
            "openslide_get_level_dimensions",
            FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT, ADDRESS, ADDRESS));
    getLevelDownsample =
        bind(
            linker,
            lookup,
            "openslide_get_level_downsample",
            FunctionDescriptor.of(JAVA_DOUBLE, ADDRESS, JAVA_INT));
    getPropertyNames =
        bind(
            linker,
            lookup,
            "openslide_get_property_names",
            FunctionDescriptor.of(ADDRESS, ADDRESS));
    getPropertyValue =
        bind(
            linker,
            lookup,
            "openslide_get_property_value",
            FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
    readRegion =
        bind(
            linker,
            lookup,
            "openslide_read_region",
            FunctionDescriptor.ofVoid(
                ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG));
    MethodHandle getVersion =
        bind(linker, lookup, "openslide_get_version", FunctionDescriptor.of(ADDRESS));
    version = string((MemorySegment) getVersion.invokeExact()).orElse("unknown");
    // libtiff, loaded with OpenSlide, would print its errors to stderr: keep them instead.
    LibTiffMessages.install();
  }

  /** The bound library. */
  static OpenSlideLibrary get() throws OpenSlideUnavailableException {
    Loaded loaded = Holder.INSTANCE;
    if (loaded.library() == null) {
      throw new OpenSlideUnavailableException(loaded.problem(), loaded.cause());
    }
    return loaded.library();
  }

  /** Whether OpenSlide could be loaded on this machine. */
  static boolean isAvailable() {
    return Holder.INSTANCE.library() != null;
  }

  /** A C string as Java text; empty for NULL. */
  static Optional<String> string(MemorySegment pointer) {
    if (pointer.equals(MemorySegment.NULL)) {
      return Optional.empty();
    }
    return Optional.of(pointer.reinterpret(Long.MAX_VALUE).getString(0));
  }

  private static MethodHandle bind(
      Linker linker, SymbolLookup lookup, String name, FunctionDescriptor descriptor) {
    MemorySegment symbol =
        lookup
            .find(name)
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "the OpenSlide library has no function "
                            + name
                            + " (OpenSlide 3.4 or newer is needed)"));
    return linker.downcallHandle(symbol, descriptor);
  }

  /** The bindings, or why the library could not be loaded. */
  record Loaded(OpenSlideLibrary library, String problem, Throwable cause) {}

  /** Loads and binds {@code name} (a soname or a path); never throws. */
  static Loaded load(String name) {
    try {
      return new Loaded(
          new OpenSlideLibrary(SymbolLookup.libraryLookup(name, Arena.global())), null, null);
    } catch (IllegalArgumentException e) {
      return new Loaded(
          null,
          "cannot load "
              + name
              + ": OpenSlide is not installed (on Debian or Ubuntu: apt-get install libopenslide0)",
          e);
    } catch (IllegalCallerException e) {
      return new Loaded(
          null,
          "cannot load "
              + name
              + ": native access is disabled; run java with --enable-native-access=ALL-UNNAMED",
          e);
    } catch (Throwable e) {
      return new Loaded(null, "cannot load " + name + ": " + e.getMessage(), e);
    }
  }

  /** Loads the library once, on first use. */
  private static final class Holder {
    static final Loaded INSTANCE = load(System.getProperty(PROPERTY, SONAME));
  }
}
