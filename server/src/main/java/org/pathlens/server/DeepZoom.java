package org.pathlens.server;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.pathlens.encoders.bundle.Interpolation;
import org.pathlens.encoders.preprocess.ImageDecoder;
import org.pathlens.encoders.preprocess.PilResize;
import org.pathlens.encoders.preprocess.RgbImage;
import org.pathlens.encoders.preprocess.RgbImages;
import org.pathlens.slides.SlideReader;
import org.pathlens.slides.SlideReaders;

/**
 * A slide as a Deep Zoom Image (the layout OpenSeadragon reads): a descriptor, and JPEG tiles of
 * {@value #TILE} px with {@value #OVERLAP} px overlap on levels 0 (one pixel) to {@code max} (level
 * 0 of the slide, full resolution), each half the size of the next. A tile is read from the slide
 * level closest above its resolution and scaled with PIL's antialiased bilinear filter. Encoded
 * tiles are kept in a bounded cache, so a viewer panning back costs no reading.
 */
final class DeepZoom {

  static final int TILE = 254;
  static final int OVERLAP = 1;
  private static final float JPEG_QUALITY = 0.85f;
  private static final long CACHE_BYTES = 64L << 20;

  private final Map<String, byte[]> cache = new LinkedHashMap<>(256, 0.75f, true);
  private long cachedBytes;

  /** The level count minus one: the level at which the slide is at full resolution. */
  static int maxLevel(long width, long height) {
    long side = Math.max(width, height);
    return 64 - Long.numberOfLeadingZeros(side - 1); // ceil(log2(side)), 0 for a 1 px slide
  }

  /** Width (or height) of {@code level} for a level-0 size of {@code size}. */
  static long levelSize(long size, int level, int maxLevel) {
    long divisor = 1L << (maxLevel - level);
    return (size + divisor - 1) / divisor;
  }

  /** The .dzi descriptor. */
  static String descriptor(long width, long height) {
    return String.format(
        Locale.ROOT,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<Image xmlns=\"http://schemas.microsoft.com/deepzoom/2008\" Format=\"jpeg\""
            + " Overlap=\"%d\" TileSize=\"%d\">\n  <Size Width=\"%d\" Height=\"%d\"/>\n</Image>\n",
        OVERLAP,
        TILE,
        width,
        height);
  }

  /**
   * The JPEG of tile ({@code col}, {@code row}) of {@code level}.
   *
   * @throws ApiException 404 when the slide has no such tile
   */
  byte[] tile(
      String slideId,
      Path slide,
      Path thumbnail,
      long width,
      long height,
      int level,
      int col,
      int row)
      throws IOException {
    int max = maxLevel(width, height);
    long levelWidth = levelSize(width, level, max);
    long levelHeight = levelSize(height, level, max);
    if (level < 0
        || level > max
        || col < 0
        || row < 0
        || (long) col * TILE >= levelWidth
        || (long) row * TILE >= levelHeight) {
      throw ApiException.notFound(
          "slide '" + slideId + "' has no deep-zoom tile " + level + "/" + col + "_" + row);
    }
    String key = slideId + "/" + level + "/" + col + "_" + row;
    synchronized (this) {
      byte[] cached = cache.get(key);
      if (cached != null) {
        return cached;
      }
    }
    long x = Math.max(0, (long) col * TILE - OVERLAP);
    long y = Math.max(0, (long) row * TILE - OVERLAP);
    int w = (int) (Math.min(levelWidth, (long) (col + 1) * TILE + OVERLAP) - x);
    int h = (int) (Math.min(levelHeight, (long) (row + 1) * TILE + OVERLAP) - y);
    double scale = (double) (1L << (max - level)); // level-0 pixels per pixel of this level
    RgbImage region;
    try (SlideReader reader = SlideReaders.open(slide)) {
      int read = reader.bestLevelForDownsample(scale);
      double downsample = reader.level(read).downsample();
      int readWidth = (int) Math.max(1, Math.round(w * scale / downsample));
      int readHeight = (int) Math.max(1, Math.round(h * scale / downsample));
      region =
          (long) readWidth * readHeight <= MAX_READ_PIXELS
              ? reader.readRegion(
                  read, Math.round(x * scale), Math.round(y * scale), readWidth, readHeight)
              // A slide without a coarse enough level (one stored at full resolution only): the
              // overview tiles come from the thumbnail the ingest stored.
              : fromThumbnail(thumbnail, width, x * scale, y * scale, w * scale, h * scale);
    }
    RgbImage shown =
        region.width() == w && region.height() == h
            ? region
            : PilResize.resize(region, w, h, Interpolation.BILINEAR);
    byte[] jpeg = RgbImages.jpeg(RgbImages.toBufferedImage(shown), JPEG_QUALITY);
    synchronized (this) {
      cache.put(key, jpeg);
      cachedBytes += jpeg.length;
      var oldest = cache.entrySet().iterator();
      while (cachedBytes > CACHE_BYTES && oldest.hasNext()) {
        cachedBytes -= oldest.next().getValue().length;
        oldest.remove();
      }
    }
    return jpeg;
  }

  /** The most pixels read from the slide for one tile (about 48 MB of RGB). */
  private static final long MAX_READ_PIXELS = 4096L * 4096;

  /** The part of the stored thumbnail over level-0 rectangle (x0, y0, w0, h0). */
  private static RgbImage fromThumbnail(
      Path thumbnail, long width, double x0, double y0, double w0, double h0) throws IOException {
    RgbImage thumb = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS).decode(thumbnail);
    double k = thumb.width() / (double) width;
    int left = (int) Math.min(thumb.width() - 1, Math.floor(x0 * k));
    int top = (int) Math.min(thumb.height() - 1, Math.floor(y0 * k));
    int cropWidth = (int) Math.max(1, Math.min(thumb.width() - left, Math.ceil(w0 * k)));
    int cropHeight = (int) Math.max(1, Math.min(thumb.height() - top, Math.ceil(h0 * k)));
    byte[] rgb = new byte[cropWidth * cropHeight * 3];
    for (int r = 0; r < cropHeight; r++) {
      System.arraycopy(
          thumb.rgb(),
          ((top + r) * thumb.width() + left) * 3,
          rgb,
          r * cropWidth * 3,
          cropWidth * 3);
    }
    return new RgbImage(cropWidth, cropHeight, rgb);
  }
}
