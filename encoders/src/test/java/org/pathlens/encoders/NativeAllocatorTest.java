package org.pathlens.encoders;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Linker;
import org.junit.jupiter.api.Test;

class NativeAllocatorTest {

  @Test
  void glibcTakesTheSettingsOnce() {
    assumeTrue(
        Linker.nativeLinker().defaultLookup().find("mallopt").isPresent(), "no glibc mallopt");
    assumeTrue(System.getProperty(NativeAllocator.PROPERTY) == null, "overridden by a property");
    String first = NativeAllocator.apply();
    assertEquals(
        "malloc: mmap threshold 64 MB, trim threshold 256 MB, "
            + 2 * Runtime.getRuntime().availableProcessors()
            + " arenas",
        first);
    assertEquals(first, NativeAllocator.apply());
  }
}
