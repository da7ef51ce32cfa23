package org.pathlens.slides;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DirectColorModel;
import java.awt.image.Raster;

/** A decoded slide tile as interleaved 8-bit RGB bytes. */
final class RasterRgb {
  private RasterRgb() {}

  /** The pixels of {@code image}; alpha, when present, is dropped (slide pages are opaque). */
  static byte[] of(BufferedImage image) {
    int width = image.getWidth(), height = image.getHeight();
    Raster raster = image.getRaster();
    var model = image.getColorModel();
    boolean rgbComponents =
        (model instanceof ComponentColorModel || model instanceof DirectColorModel)
            && model.getColorSpace().getType() == ColorSpace.TYPE_RGB
            && raster.getNumBands() >= 3
            && raster.getSampleModel().getSampleSize(0) == 8;
    byte[] rgb = new byte[width * height * 3];
    if (rgbComponents) {
      int bands = raster.getNumBands();
      int[] row = new int[width * bands];
      for (int y = 0, o = 0; y < height; y++) {
        raster.getPixels(raster.getMinX(), raster.getMinY() + y, width, 1, row);
        for (int x = 0; x < width; x++, o += 3) {
          int i = x * bands;
          rgb[o] = (byte) row[i];
          rgb[o + 1] = (byte) row[i + 1];
          rgb[o + 2] = (byte) row[i + 2];
        }
      }
    } else {
      int[] row = new int[width];
      for (int y = 0, o = 0; y < height; y++) {
        image.getRGB(0, y, width, 1, row, 0, width);
        for (int x = 0; x < width; x++, o += 3) {
          rgb[o] = (byte) (row[x] >>> 16);
          rgb[o + 1] = (byte) (row[x] >>> 8);
          rgb[o + 2] = (byte) row[x];
        }
      }
    }
    return rgb;
  }
}
