package org.pathlens.slides;

import static java.lang.foreign.ValueLayout.ADDRESS;
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
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * libtiff's error and warning messages, which it prints to stderr unless its handlers are replaced:
 * OpenSlide 3.4.1 calls libtiff without replacing them, so a damaged TIFF read through OpenSlide
 * would print {@code ZIPDecode: Decoding error ...} lines among PathLens's own output. Once
 * installed (when OpenSlide is loaded), the handler prints nothing and keeps the last few messages
 * of the calling thread (libtiff reports on the thread that called it), which {@link
 * OpenSlideReader} adds to the exception it throws. Where libtiff or {@code vsnprintf} cannot be
 * found, nothing is installed and libtiff prints as before.
 */
final class LibTiffMessages {
  private LibTiffMessages() {}

  private static final int KEPT = 4;
  private static final long MESSAGE_BYTES = 1024;
  private static final ThreadLocal<Deque<String>> RECENT = ThreadLocal.withInitial(ArrayDeque::new);
  private static MethodHandle vsnprintf;
  private static boolean installed;

  /** Replaces libtiff's error and warning handlers; whether it could. Idempotent. */
  static synchronized boolean install() {
    if (installed) {
      return true;
    }
    try {
      Linker linker = Linker.nativeLinker();
      SymbolLookup libtiff = libtiff();
      // va_list is passed as a pointer on x86-64 and (being a 32-byte struct) by reference on
      // AArch64, so ADDRESS carries it on both.
      vsnprintf =
          linker.downcallHandle(
              linker.defaultLookup().find("vsnprintf").orElseThrow(),
              FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS));
      MemorySegment handler =
          linker.upcallStub(
              MethodHandles.lookup()
                  .findStatic(
                      LibTiffMessages.class,
                      "handle",
                      MethodType.methodType(
                          void.class,
                          MemorySegment.class,
                          MemorySegment.class,
                          MemorySegment.class)),
              FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, ADDRESS),
              Arena.global());
      for (String setter : List.of("TIFFSetErrorHandler", "TIFFSetWarningHandler")) {
        MethodHandle set =
            linker.downcallHandle(
                libtiff.find(setter).orElseThrow(), FunctionDescriptor.of(ADDRESS, ADDRESS));
        MemorySegment previous = (MemorySegment) set.invokeExact(handler);
        assert previous != null;
      }
      installed = true;
    } catch (Throwable e) {
      installed = false;
    }
    return installed;
  }

  /** Whether libtiff's messages are kept here rather than printed. */
  static synchronized boolean installed() {
    return installed;
  }

  /** Forgets the calling thread's messages, before a call whose messages are wanted. */
  static void clear() {
    RECENT.get().clear();
  }

  /** The calling thread's messages since {@link #clear()}, oldest first, and forgets them. */
  static List<String> drain() {
    Deque<String> recent = RECENT.get();
    List<String> messages = List.copyOf(recent);
    recent.clear();
    return messages;
  }

  private static SymbolLookup libtiff() {
    IllegalArgumentException missing = null;
    for (String name : List.of("libtiff.so.6", "libtiff.so.5")) {
      try {
        return SymbolLookup.libraryLookup(name, Arena.global());
      } catch (IllegalArgumentException e) {
        missing = e;
      }
    }
    throw missing;
  }

  /** libtiff's {@code TIFFErrorHandler}: module, printf format, va_list. Must never throw. */
  @SuppressWarnings("unused") // called from C
  private static void handle(MemorySegment module, MemorySegment format, MemorySegment args) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment buffer = arena.allocate(MESSAGE_BYTES);
      int written =
          (int) vsnprintf.invokeExact(buffer, MESSAGE_BYTES, format.reinterpret(1 << 16), args);
      String text = written < 0 ? "(unformattable message)" : buffer.getString(0);
      String name = OpenSlideLibrary.string(module).orElse("");
      Deque<String> recent = RECENT.get();
      if (recent.size() == KEPT) {
        recent.removeFirst();
      }
      recent.addLast(name.isEmpty() ? text : name + ": " + text);
    } catch (Throwable ignored) {
      // An exception must not cross into C; a lost message is the lesser harm.
    }
  }
}
