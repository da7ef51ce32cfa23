package org.pathlens.encoders.preprocess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pathlens.encoders.bundle.Interpolation;

/**
 * PilResize is bit-exact with Pillow 9.4's Image.resize: 120 random size pairs (up, down, mixed,
 * 1-pixel edges), both filters, on noise images that Python and Java generate from the same integer
 * hash; the reference outputs are in resize-exact.bin.gz.
 */
class PilResizeExactnessTest {

  @Test
  void bitExactWithPillowOnRandomSizes() {
    JsonNode spec = GoldenFiles.index().get("resizeExact");
    byte[] blob = GoldenFiles.gunzip(GoldenFiles.dir().resolve(spec.get("file").asText()));
    List<String> failures = new ArrayList<>();
    int checked = 0;
    for (JsonNode c : spec.get("cases")) {
      int w = c.get("width").asInt();
      int h = c.get("height").asInt();
      int ow = c.get("outWidth").asInt();
      int oh = c.get("outHeight").asInt();
      Interpolation filter = Interpolation.parse(c.get("filter").asText());
      RgbImage out = PilResize.resize(hashPixels(c.get("case").asInt(), w, h), ow, oh, filter);
      int offset = c.get("offset").asInt();
      int differing = 0;
      for (int i = 0; i < out.rgb().length; i++) {
        if (out.rgb()[i] != blob[offset + i]) {
          differing++;
        }
      }
      if (differing > 0) {
        failures.add(
            w
                + "x"
                + h
                + "->"
                + ow
                + "x"
                + oh
                + " "
                + filter
                + ": "
                + differing
                + " samples differ");
      }
      checked++;
    }
    System.out.println(
        "PilResize: "
            + checked
            + " random cases checked against Pillow, "
            + failures.size()
            + " not bit-exact");
    assertEquals(120, checked);
    assertTrue(failures.isEmpty(), String.join("\n", failures));
  }

  @Test
  void regionEqualsCropOfFullResize() {
    RgbImage src = hashPixels(3, 97, 61);
    for (Interpolation f : Interpolation.values()) {
      RgbImage full = PilResize.resize(src, 50, 40, f);
      RgbImage region = PilResize.resizeRegion(src, 50, 40, f, 7, 5, 30, 21);
      assertEquals(30, region.width());
      for (int y = 0; y < 21; y++) {
        for (int x = 0; x < 30; x++) {
          for (int ch = 0; ch < 3; ch++) {
            assertEquals(
                full.sample(x + 7, y + 5, ch), region.sample(x, y, ch), "(" + x + "," + y + ")");
          }
        }
      }
    }
  }

  @Test
  void sameSizeIsACopy() {
    RgbImage src = hashPixels(4, 224, 224);
    RgbImage out = PilResize.resize(src, 224, 224, Interpolation.BICUBIC);
    assertEquals(src, out);
  }

  /** Same as hash_pixels in make_preprocess_golden.py: arithmetic modulo 2^32. */
  static RgbImage hashPixels(int seed, int w, int h) {
    byte[] rgb = new byte[w * h * 3];
    int o = 0;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        for (int c = 0; c < 3; c++) {
          int v = seed * 0x9E3779B1 + y * 0x85EBCA77 + x * 0xC2B2AE3D + c * 0x27D4EB2F;
          v ^= v >>> 15;
          v *= 0x2C1B3C6D;
          v ^= v >>> 12;
          v *= 0x297A2D39;
          v ^= v >>> 15;
          rgb[o++] = (byte) (v >>> 24);
        }
      }
    }
    return new RgbImage(w, h, rgb);
  }
}
