package org.pathlens.encoders.preprocess;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.PackedColorModel;
import java.awt.image.Raster;

/**
 * Converts a decoded image to RGB the way Pillow 9.4's {@code Image.convert("RGB")} does, working
 * on the raw raster samples. Each rule below was checked against the installed Pillow by experiment
 * (see fixtures/scripts/make_preprocess_golden.py and the golden tests):
 *
 * <ul>
 *   <li>RGB: samples as they are. RGBA: alpha dropped, colour kept even where alpha is 0 (PIL does
 *       not composite onto a background).
 *   <li>Gray (PIL "L"): the value in all three channels. Gray with alpha ("LA"): alpha dropped.
 *       Gray of 1, 2 or 4 bits: scaled to 0..255 (PIL's "1" gives 0/255, "L;2" x85, "L;4" x17).
 *   <li>Palette ("P"), including GIF and 1-bit PNG as Java represents them: the palette colour,
 *       alpha in the palette ignored.
 *   <li>16-bit gray: PIL 9.4 opens it as mode "I" (32-bit integers) and converting "I" to RGB
 *       <em>clips</em> to 0..255, so 256..65535 all become 255. That throws away most of the image,
 *       but it is what the reference pipeline saw, so we reproduce it.
 *   <li>16-bit gray with alpha, 16-bit RGB(A), 16-bit CMYK: PIL keeps the high byte.
 *   <li>CMYK: Pillow 9.4's cmyk2rgb, {@code nk = 255 - K; R = nk - round(C * nk / 255)} with the
 *       rounding of its MULDIV255 macro. No ICC profile is applied (PIL applies none).
 *   <li>Packed pixels (e.g. 16-bit BMP): the colour model's 8-bit components; PIL's bit replication
 *       for 5/6-bit fields may differ by one level here. Not used by the models' datasets; kept so
 *       such files open rather than fail.
 * </ul>
 */
final class PilRgbConversion {

  private PilRgbConversion() {}

  static RgbImage toRgb(BufferedImage image, String name) throws ImageDecodeException {
    Raster raster = image.getRaster();
    ColorModel cm = image.getColorModel();
    int width = raster.getWidth();
    int height = raster.getHeight();
    byte[] rgb = new byte[Math.multiplyExact(Math.multiplyExact(width, height), 3)];
    if (cm instanceof IndexColorModel icm) {
      palette(raster, icm, rgb);
    } else if (cm instanceof ComponentColorModel) {
      components(raster, cm, rgb, name);
    } else if (cm instanceof PackedColorModel) {
      packed(raster, cm, rgb);
    } else {
      throw new ImageDecodeException(
          name, "unsupported colour model " + cm.getClass().getSimpleName());
    }
    return new RgbImage(width, height, rgb);
  }

  private static void palette(Raster raster, IndexColorModel icm, byte[] rgb) {
    int size = icm.getMapSize();
    // Indices past the end of the palette (malformed files) map to black.
    byte[] r = new byte[256];
    byte[] g = new byte[256];
    byte[] b = new byte[256];
    icm.getReds(r);
    icm.getGreens(g);
    icm.getBlues(b);
    int width = raster.getWidth();
    int[] row = new int[width];
    int o = 0;
    for (int y = 0; y < raster.getHeight(); y++) {
      raster.getSamples(0, y, width, 1, 0, row);
      for (int x = 0; x < width; x++) {
        int i = row[x];
        if (i < size && i < 256) {
          rgb[o] = r[i];
          rgb[o + 1] = g[i];
          rgb[o + 2] = b[i];
        }
        o += 3;
      }
    }
  }

  private static void components(Raster raster, ColorModel cm, byte[] rgb, String name)
      throws ImageDecodeException {
    int bands = raster.getNumBands();
    int csType = cm.getColorSpace().getType();
    int bits = cm.getComponentSize(0);
    int dataType = raster.getDataBuffer().getDataType();
    if (dataType != DataBuffer.TYPE_BYTE && dataType != DataBuffer.TYPE_USHORT) {
      throw new ImageDecodeException(
          name,
          "unsupported sample type ("
              + bits
              + "-bit "
              + dataTypeName(dataType)
              + "); only 1..16-bit integer images are supported");
    }
    Sample sample;
    if (bits <= 8) {
      // Sub-byte samples are scaled to 0..255 as PIL's L;1/L;2/L;4 unpackers do.
      int max = (1 << bits) - 1;
      sample = bits == 8 ? v -> v : v -> v * 255 / max;
    } else if (bits == 16) {
      // A single 16-bit gray band is PIL mode "I", clipped by convert("RGB"); every other
      // 16-bit layout is unpacked by PIL to its high byte.
      sample = csType == ColorSpace.TYPE_GRAY && bands == 1 ? v -> Math.min(v, 255) : v -> v >>> 8;
    } else {
      throw new ImageDecodeException(name, "unsupported " + bits + "-bit samples");
    }
    int width = raster.getWidth();
    int[] row = new int[width * bands];
    int o = 0;
    switch (csType) {
      case ColorSpace.TYPE_GRAY -> {
        for (int y = 0; y < raster.getHeight(); y++) {
          raster.getPixels(0, y, width, 1, row);
          for (int i = 0; i < row.length; i += bands) {
            byte v = (byte) sample.apply(row[i]);
            rgb[o++] = v;
            rgb[o++] = v;
            rgb[o++] = v;
          }
        }
      }
      case ColorSpace.TYPE_RGB -> {
        requireBands(bands, 3, "RGB", name);
        for (int y = 0; y < raster.getHeight(); y++) {
          raster.getPixels(0, y, width, 1, row);
          for (int i = 0; i < row.length; i += bands) {
            rgb[o++] = (byte) sample.apply(row[i]);
            rgb[o++] = (byte) sample.apply(row[i + 1]);
            rgb[o++] = (byte) sample.apply(row[i + 2]);
          }
        }
      }
      case ColorSpace.TYPE_CMYK -> {
        requireBands(bands, 4, "CMYK", name);
        for (int y = 0; y < raster.getHeight(); y++) {
          raster.getPixels(0, y, width, 1, row);
          for (int i = 0; i < row.length; i += bands) {
            int nk = 255 - sample.apply(row[i + 3]);
            rgb[o++] = (byte) cmykChannel(sample.apply(row[i]), nk);
            rgb[o++] = (byte) cmykChannel(sample.apply(row[i + 1]), nk);
            rgb[o++] = (byte) cmykChannel(sample.apply(row[i + 2]), nk);
          }
        }
      }
      default ->
          throw new ImageDecodeException(
              name,
              "unsupported colour space (type "
                  + csType
                  + ", "
                  + bands
                  + " bands); expected gray, RGB, palette or CMYK");
    }
  }

  /** One channel of Pillow 9.4's cmyk2rgb: {@code nk - MULDIV255(c, nk)}, never negative. */
  static int cmykChannel(int c, int nk) {
    int t = c * nk + 128;
    int v = nk - (((t >> 8) + t) >> 8);
    return Math.max(0, Math.min(255, v));
  }

  private static void packed(Raster raster, ColorModel cm, byte[] rgb) {
    int width = raster.getWidth();
    Object pixel = null;
    int o = 0;
    for (int y = 0; y < raster.getHeight(); y++) {
      for (int x = 0; x < width; x++) {
        pixel = raster.getDataElements(x, y, pixel);
        rgb[o++] = (byte) cm.getRed(pixel);
        rgb[o++] = (byte) cm.getGreen(pixel);
        rgb[o++] = (byte) cm.getBlue(pixel);
      }
    }
  }

  private static void requireBands(int bands, int needed, String space, String name)
      throws ImageDecodeException {
    if (bands < needed) {
      throw new ImageDecodeException(
          name, space + " image with only " + bands + " bands; expected at least " + needed);
    }
  }

  private static String dataTypeName(int dataType) {
    return switch (dataType) {
      case DataBuffer.TYPE_INT -> "int";
      case DataBuffer.TYPE_SHORT -> "signed short";
      case DataBuffer.TYPE_FLOAT -> "float";
      case DataBuffer.TYPE_DOUBLE -> "double";
      default -> "type " + dataType;
    };
  }

  @FunctionalInterface
  private interface Sample {
    int apply(int raw);
  }
}
