package org.pathlens.slides;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.plugins.tiff.BaselineTIFFTagSet;
import javax.imageio.plugins.tiff.TIFFTag;
import javax.imageio.stream.ImageInputStream;
import org.pathlens.encoders.preprocess.RgbImage;

/**
 * A generic TIFF slide read in pure Java with the JDK's TIFF plugin, so that generated slides need
 * no native library: a tiled pyramid (level 0 in the first page, then every further tiled page of
 * the same aspect ratio and decreasing size, as OpenSlide's generic-tiff driver takes them) or a
 * plain stripped single-page RGB TIFF (one level). Only the tiles a region touches are decoded, and
 * recently decoded tiles are kept (64 MB by default) so that neighbouring regions do not decode
 * them again.
 *
 * <p>MPP comes from the first page's resolution tags (see {@link TiffPage#mpp()}): OpenSlide 3.4.1
 * reports none for generic TIFF.
 *
 * <p>Thread-safe by synchronization: the JDK's image readers are not, so reads from several threads
 * take turns. For parallel reading open one reader per thread.
 */
public final class TiffSlideReader implements SlideReader {
  static final long DEFAULT_CACHE_BYTES = 64L << 20;
  private static final Set<Integer> DECODABLE =
      Set.of(
          BaselineTIFFTagSet.COMPRESSION_NONE,
          BaselineTIFFTagSet.COMPRESSION_LZW,
          BaselineTIFFTagSet.COMPRESSION_JPEG,
          BaselineTIFFTagSet.COMPRESSION_ZLIB,
          BaselineTIFFTagSet.COMPRESSION_DEFLATE,
          BaselineTIFFTagSet.COMPRESSION_PACKBITS);

  private final Path path;
  private final ImageInputStream input;
  private final ImageReader reader;
  private final List<TiffPage> pages;
  private final List<SlideLevel> levels;
  private final Optional<Mpp> mpp;
  private final Map<String, String> properties;
  private final TileCache cache;

  private TiffSlideReader(
      Path path,
      ImageInputStream input,
      ImageReader reader,
      List<TiffPage> pages,
      long cacheBytes) {
    this.path = path;
    this.input = input;
    this.reader = reader;
    this.pages = pages;
    TiffPage zero = pages.getFirst();
    this.levels =
        pages.stream()
            .map(p -> SlideLevel.of(p.width(), p.height(), zero.width(), zero.height()))
            .toList();
    this.mpp = zero.mpp();
    this.properties = properties(zero, levels, pages, mpp);
    this.cache = new TileCache(cacheBytes);
  }

  /**
   * Opens {@code file} if it is a TIFF this reader takes.
   *
   * @throws SlideException naming the file and why this reader does not take it (a vendor format, a
   *     compression the JDK cannot decode, not a TIFF, …)
   */
  public static TiffSlideReader open(Path file) throws SlideException {
    return open(file, DEFAULT_CACHE_BYTES);
  }

  static TiffSlideReader open(Path file, long cacheBytes) throws SlideException {
    if (!Files.isRegularFile(file)) {
      throw new SlideException(file, "no such file");
    }
    ImageInputStream input = null;
    ImageReader reader = null;
    try {
      input = ImageIO.createImageInputStream(file.toFile());
      Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName("tif");
      reader = readers.next();
      if (input == null || !reader.getOriginatingProvider().canDecodeInput(input)) {
        throw new SlideException(
            file, "not a TIFF file the JDK can read (a BigTIFF, or not TIFF at all)");
      }
      reader.setInput(input, false, false);
      List<TiffPage> pages = pyramid(file, reader);
      return new TiffSlideReader(file, input, reader, pages, cacheBytes);
    } catch (SlideException | RuntimeException e) {
      release(reader, input);
      throw e;
    } catch (IOException e) {
      release(reader, input);
      throw new SlideException(file, "cannot read the TIFF structure: " + e.getMessage(), e);
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
    return mpp;
  }

  @Override
  public String vendor() {
    return "generic-tiff";
  }

  @Override
  public Map<String, String> properties() {
    return properties;
  }

  @Override
  public synchronized RgbImage readRegion(int level, long x0, long y0, int width, int height)
      throws SlideException {
    SlideLevel info = level(level);
    if (width <= 0 || height <= 0 || (long) width * height > Integer.MAX_VALUE / 3) {
      throw new IllegalArgumentException(
          path + ": cannot read a " + width + "x" + height + " region");
    }
    // Level-0 origin to level pixels: the level pixel that contains it, as OpenSlide does for whole
    // downsamples (it interpolates for fractional ones; generated pyramids have whole ones).
    long x = (long) Math.floor(x0 / info.downsample()),
        y = (long) Math.floor(y0 / info.downsample());
    byte[] rgb = new byte[width * height * 3];
    Arrays.fill(rgb, (byte) 255);
    long left = Math.max(x, 0), top = Math.max(y, 0);
    long right = Math.min(x + width, info.width()), bottom = Math.min(y + height, info.height());
    if (left < right && top < bottom) {
      TiffPage page = pages.get(level);
      try {
        if (page.tiled()) {
          copyTiles(page, x, y, width, left, top, right, bottom, rgb);
        } else {
          copyStrips(page, x, y, width, left, top, right, bottom, rgb);
        }
      } catch (IOException | RuntimeException e) {
        throw new SlideException(
            path,
            "cannot decode level " + level + " at " + x0 + "," + y0 + ": " + e.getMessage(),
            e);
      }
    }
    return new RgbImage(width, height, rgb);
  }

  @Override
  public synchronized void close() {
    release(reader, input);
  }

  @Override
  public String toString() {
    return "TiffSlideReader[" + path + "]";
  }

  /**
   * Copies the part [left, right) x [top, bottom) of the level into the region at (x, y) of width
   * {@code width}.
   */
  private void copyTiles(
      TiffPage page,
      long x,
      long y,
      int width,
      long left,
      long top,
      long right,
      long bottom,
      byte[] rgb)
      throws IOException {
    int tw = page.tileWidth(), th = page.tileHeight();
    for (int row = (int) (top / th); row <= (bottom - 1) / th; row++) {
      for (int column = (int) (left / tw); column <= (right - 1) / tw; column++) {
        TileCache.Tile tile = tile(page, column, row);
        long tileX = (long) column * tw, tileY = (long) row * th;
        long fromX = Math.max(left, tileX), toX = Math.min(right, tileX + tile.width());
        long fromY = Math.max(top, tileY), toY = Math.min(bottom, tileY + tile.height());
        int length = (int) (toX - fromX) * 3;
        for (long ly = fromY; ly < toY; ly++) {
          int source = (int) (((ly - tileY) * tile.width() + (fromX - tileX)) * 3);
          int target = (int) (((ly - y) * width + (fromX - x)) * 3);
          System.arraycopy(tile.rgb(), source, rgb, target, length);
        }
      }
    }
  }

  private TileCache.Tile tile(TiffPage page, int column, int row) throws IOException {
    long key = TileCache.key(page.index(), column, row);
    TileCache.Tile tile = cache.get(key);
    if (tile == null) {
      BufferedImage image = reader.readTile(page.index(), column, row);
      tile = new TileCache.Tile(image.getWidth(), image.getHeight(), RasterRgb.of(image));
      cache.put(key, tile);
    }
    return tile;
  }

  /** Stripped pages: the JDK decodes only the strips that the source region crosses. */
  private void copyStrips(
      TiffPage page,
      long x,
      long y,
      int width,
      long left,
      long top,
      long right,
      long bottom,
      byte[] rgb)
      throws IOException {
    ImageReadParam param = reader.getDefaultReadParam();
    param.setSourceRegion(
        new Rectangle((int) left, (int) top, (int) (right - left), (int) (bottom - top)));
    byte[] part = RasterRgb.of(reader.read(page.index(), param));
    int length = (int) (right - left) * 3;
    for (long ly = top; ly < bottom; ly++) {
      System.arraycopy(
          part,
          (int) ((ly - top) * length),
          rgb,
          (int) (((ly - y) * width + (left - x)) * 3),
          length);
    }
  }

  /** The pages that form the pyramid, or why the file is not a generic slide TIFF. */
  private static List<TiffPage> pyramid(Path file, ImageReader reader) throws IOException {
    int count = reader.getNumImages(true);
    if (count < 1) {
      throw new SlideException(file, "the TIFF has no image");
    }
    TiffPage zero = TiffPage.read(reader, 0);
    Optional<String> vendor = vendorFormat(zero);
    if (vendor.isPresent()) {
      throw new SlideException(
          file, "a vendor TIFF (" + vendor.get() + "), read through OpenSlide's driver for it");
    }
    requireDecodable(file, zero);
    List<TiffPage> pages = new ArrayList<>(List.of(zero));
    for (int k = 1; zero.tiled() && k < count; k++) {
      TiffPage page = TiffPage.read(reader, k);
      TiffPage last = pages.getLast();
      if (page.tiled()
          && page.width() < last.width()
          && page.height() < last.height()
          && sameShape(zero, page)) {
        requireDecodable(file, page);
        pages.add(page);
      }
    }
    return List.copyOf(pages);
  }

  /** A level whose size, scaled back by its height ratio, is level 0's width within rounding. */
  private static boolean sameShape(TiffPage zero, TiffPage page) {
    double ratio = (double) zero.height() / page.height();
    return Math.abs(zero.width() / ratio - page.width()) <= Math.max(1.5, 0.01 * page.width());
  }

  private static void requireDecodable(Path file, TiffPage page) throws SlideException {
    if (!DECODABLE.contains(page.compression())) {
      throw new SlideException(
          file,
          "page "
              + page.index()
              + " uses TIFF compression "
              + page.compression()
              + (page.compression() == 33003
                      || page.compression() == 33005
                      || page.compression() == 34712
                  ? " (JPEG 2000)"
                  : "")
              + ", which the JDK cannot decode");
    }
    if (page.samplesPerPixel() < 3) {
      throw new SlideException(
          file,
          "page " + page.index() + " is not RGB (" + page.samplesPerPixel() + " sample per pixel)");
    }
  }

  /**
   * OpenSlide's name for a vendor TIFF that needs its vendor driver (metadata, offsets, stitching).
   */
  static Optional<String> vendorFormat(TiffPage zero) {
    String description = zero.description().orElse("");
    if (description.startsWith("Aperio")) {
      return Optional.of("aperio");
    }
    if (zero.hamamatsuTags()) {
      return Optional.of("hamamatsu");
    }
    if (description.contains("DPUfsImport")) {
      return Optional.of("philips");
    }
    if (description.startsWith("<?xml") && description.toLowerCase(Locale.ROOT).contains("leica")) {
      return Optional.of("leica");
    }
    if (zero.xmp().map(x -> x.contains("iScan")).orElse(false)) {
      return Optional.of("ventana");
    }
    return Optional.empty();
  }

  /** The properties OpenSlide's generic-tiff driver gives, plus the MPP it leaves out. */
  private static Map<String, String> properties(
      TiffPage zero, List<SlideLevel> levels, List<TiffPage> pages, Optional<Mpp> mpp) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("openslide.vendor", "generic-tiff");
    p.put("openslide.level-count", Integer.toString(levels.size()));
    for (int k = 0; k < levels.size(); k++) {
      SlideLevel level = levels.get(k);
      p.put("openslide.level[" + k + "].width", Long.toString(level.width()));
      p.put("openslide.level[" + k + "].height", Long.toString(level.height()));
      p.put("openslide.level[" + k + "].downsample", Double.toString(level.downsample()));
      p.put("openslide.level[" + k + "].tile-width", Integer.toString(pages.get(k).tileWidth()));
      p.put("openslide.level[" + k + "].tile-height", Integer.toString(pages.get(k).tileHeight()));
    }
    mpp.ifPresent(
        m -> {
          p.put("openslide.mpp-x", Double.toString(m.x()));
          p.put("openslide.mpp-y", Double.toString(m.y()));
        });
    zero.description().ifPresent(d -> p.put("tiff.ImageDescription", d));
    zero.xResolution().ifPresent(r -> p.put("tiff.XResolution", Double.toString(r)));
    zero.yResolution().ifPresent(r -> p.put("tiff.YResolution", Double.toString(r)));
    p.put("tiff.ResolutionUnit", zero.unitName());
    for (var tag :
        List.of(
            Map.entry(BaselineTIFFTagSet.TAG_SOFTWARE, "tiff.Software"),
            Map.entry(BaselineTIFFTagSet.TAG_MAKE, "tiff.Make"),
            Map.entry(BaselineTIFFTagSet.TAG_MODEL, "tiff.Model"),
            Map.entry(BaselineTIFFTagSet.TAG_DATE_TIME, "tiff.DateTime"),
            Map.entry(BaselineTIFFTagSet.TAG_ARTIST, "tiff.Artist"))) {
      var field = zero.directory().getTIFFField(tag.getKey());
      if (field != null && field.getCount() > 0 && field.getType() == TIFFTag.TIFF_ASCII) {
        p.put(tag.getValue(), field.getAsString(0));
      }
    }
    return Collections.unmodifiableMap(p);
  }

  private static void release(ImageReader reader, ImageInputStream input) {
    if (reader != null) {
      reader.dispose();
    }
    try {
      if (input != null) {
        input.close();
      }
    } catch (IOException ignored) {
      // Nothing was written; a failed close of a read-only stream loses nothing.
    }
  }
}
