package org.pathlens.encoders;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * Keeps libtorch's activation buffers in the C library's heap instead of fresh pages.
 *
 * <p>glibc's {@code malloc} serves blocks above its mmap threshold (128 KB at first) with new
 * {@code mmap} pages and returns them on {@code free}; a CNN's activations at batch 32 are 1–20 MB,
 * so every forward pass faults in and zeroes tens of megabytes again. glibc raises the threshold
 * itself as such blocks are freed, but only slowly, per arena, and a JVM spreads libtorch's calls
 * over many threads and arenas: measured on the demo bundle (2 cores), batch-32 encoding went from
 * about 300 to 450–650 images/s with the settings below, and Debian's Python torch 1.13 shows the
 * same effect (310 → 1,340 images/s with the equivalent {@code GLIBC_TUNABLES}). Set once, before
 * libtorch starts, through {@code mallopt} (FFM):
 *
 * <ul>
 *   <li>{@code M_MMAP_THRESHOLD} 64 MB: blocks below it come from the heap and are reused;
 *   <li>{@code M_TRIM_THRESHOLD} 256 MB: freed heap memory up to that is kept for the next batch
 *       rather than handed back (the price: a process's resident size stays up to that much above
 *       what it uses at the moment);
 *   <li>{@code M_ARENA_MAX} 2 × processors: fewer, warmer arenas.
 * </ul>
 *
 * {@code -Dpathlens.malloc=default} leaves the C library's defaults; values already given through
 * {@code GLIBC_TUNABLES} or {@code MALLOC_*_} variables are overridden. Without glibc (no {@code
 * mallopt}), nothing is done.
 */
public final class NativeAllocator {

  public static final String PROPERTY = "pathlens.malloc";

  static final int M_TRIM_THRESHOLD = -1;
  static final int M_MMAP_THRESHOLD = -3;
  static final int M_ARENA_MAX = -8;
  static final int MMAP_THRESHOLD_BYTES = 64 << 20;
  static final int TRIM_THRESHOLD_BYTES = 256 << 20;

  private static String applied;

  private NativeAllocator() {}

  /**
   * Applies the settings once; returns what was done, e.g. {@code malloc: mmap threshold 64 MB,
   * trim threshold 256 MB, 4 arenas}.
   */
  public static synchronized String apply() {
    if (applied != null) {
      return applied;
    }
    if ("default".equalsIgnoreCase(System.getProperty(PROPERTY, ""))) {
      return applied = "malloc: C library defaults (-D" + PROPERTY + "=default)";
    }
    Optional<MethodHandle> mallopt = mallopt();
    if (mallopt.isEmpty()) {
      return applied = "malloc: C library defaults (no mallopt)";
    }
    int arenas = 2 * Runtime.getRuntime().availableProcessors();
    boolean ok =
        set(mallopt.get(), M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES)
            & set(mallopt.get(), M_TRIM_THRESHOLD, TRIM_THRESHOLD_BYTES)
            & set(mallopt.get(), M_ARENA_MAX, arenas);
    return applied =
        ok
            ? "malloc: mmap threshold 64 MB, trim threshold 256 MB, " + arenas + " arenas"
            : "malloc: mallopt refused a setting; C library defaults in part";
  }

  private static Optional<MethodHandle> mallopt() {
    Linker linker = Linker.nativeLinker();
    Optional<MemorySegment> symbol = linker.defaultLookup().find("mallopt");
    return symbol.map(
        s ->
            linker.downcallHandle(
                s,
                FunctionDescriptor.of(
                    ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT)));
  }

  private static boolean set(MethodHandle mallopt, int parameter, int value) {
    try {
      return (int) mallopt.invokeExact(parameter, value) == 1; // mallopt returns 1 on success
    } catch (Throwable e) {
      return false;
    }
  }
}
