package org.pathlens.slides;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

class ArgbPixelsTest {
  @Test
  void opaqueKeptTransparentWhitePartialUnpremultiplied() {
    int[] argb = {0xFF102030, 0x00000000, 0x80402010, 0x01010101};
    byte[] rgb = new byte[12];
    ArgbPixels.toRgb(argb, 4, rgb, 0);
    // 0x40 * 255 / 0x80 = 127.5 -> 128; 0x20 -> 64; 0x10 -> 32 (rounded half up); 1/1 -> 255.
    assertArrayEquals(
        new byte[] {
          0x10,
          0x20,
          0x30,
          (byte) 255,
          (byte) 255,
          (byte) 255,
          (byte) 128,
          64,
          32,
          (byte) 255,
          (byte) 255,
          (byte) 255
        },
        rgb);
  }
}
