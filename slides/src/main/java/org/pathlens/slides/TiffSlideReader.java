package org.pathlens.slides;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
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
 * no native library: a tiled pyramid or a plain stripped single-page RGB TIFF (one level). Level 0
 * is the first page; the coarser levels are the tiled pages of the same aspect ratio and decreasing
 * size found among the further pages (as OpenSlide's generic-tiff driver takes them) and the first
 * page's SubIFDs (TIFF tag 330: libvips {@code tiffsave --subifd}, tifffile's OME-TIFF, QuPath,
 * bfconvert), which OpenSlide 3.4.1 does not see. Only the tiles a region touches are decoded, and
 * recently decoded tiles are kept (64 MB by default) so that neighbouring regions do not decode
 * them again.
 *
 * <p>MPP comes from the OME-XML of an OME-TIFF ({@code PhysicalSizeX/Y}), else from the first
 * page's resolution tags; implausible values are refused (see {@link FileMpp}). OpenSlide 3.4.1
 * reports none for generic TIFF.
 *
 * <p>Thread-safe by synchronization: the JDK's image readers are not, so reads from several threads
 * take turns. For parallel reading open one reader per thread.
 */
public final class TiffSlideReader implements SlideReader {
  static final long DEFAULT_CACHE_BYTES = 64L << 20;

  /**
   * The property naming where level {@code k} is stored: {@code page 0}, {@code page 2}, {@code
   * SubIFD 1 of page 0}.
   */
  public static final String STORED_IN = "tiff.level[%d].stored-in";

  private static final Set<Integer> DECODABLE =
      Set.of(
          BaselineTIFFTagSet.COMPRESSION_NONE,
          BaselineTIFFTagSet.COMPRESSION_LZW,
          BaselineTIFFTagSet.COMPRESSION_JPEG,
          BaselineTIFFTagSet.COMPRESSION_ZLIB,
          BaselineTIFFTagSet.COMPRESSION_DEFLATE,
          BaselineTIFFTagSet.COMPRESSION_PACKBITS);

  /**
   * Thrown for a TIFF that is another reader's (a vendor TIFF, a BigTIFF): OpenSlide's verdict on
   * it is the one that counts.
   */
  static final class OtherReadersTiffException extends SlideException {
    OtherReadersTiffException(Path file, String reason) {
      super(file, reason);
    }
  }

  /**
   * A pyramid level: the page it is stored in, the JDK reader (and image index in it) that decodes
   * that page, and where in the file it is ({@code page 2}, {@code SubIFD 1 of page 0}).
   */
  private record Level(TiffPage page, ImageReader reader, String storedIn) {}

  private final Path path;
  private final List<Level> pages;
  private final List<Closeable> opened;
  private final List<SlideLevel> levels;
  private final FileMpp mpp;
  private final Map<String, String> properties;
  private final TileCache cache;
  private final long[] decodedTiles;

  private TiffSlideReader(
      Path path, List<Level> pages, List<Closeable> opened, FileMpp mpp, long cacheBytes) {
    this.path = path;
    this.pages = pages;
    this.opened = opened;
    TiffPage zero = pages.getFirst().page();
    this.levels =
        pages.stream()
            .map(
                l ->
                    SlideLevel.of(l.page().width(), l.page().height(), zero.width(), zero.height()))
            .toList();
    this.mpp = mpp;
    this.properties = properties(zero, levels, pages, mpp);
    this.cache = new TileCache(cacheBytes);
    this.decodedTiles = new long[pages.size()];
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
    if (!TiffStructure.isTiff(FileSignature.head(file))) {
      throw new SlideException(file, "not a TIFF file (no TIFF header)");
    }
    return open(file, TiffStructure.read(file), cacheBytes);
  }

  /** As {@link #open(Path)}, for a file whose structure has been read. */
  static TiffSlideReader open(Path file, TiffStructure structure, long cacheBytes)
      throws SlideException {
    if (structure.bigTiff()) {
      throw new OtherReadersTiffException(
          file, "a BigTIFF, which the JDK's TIFF reader cannot read");
    }
    List<Closeable> opened = new ArrayList<>();
    try {
      ImageReader reader = jdkReader(ImageIO.createImageInputStream(file.toFile()), opened);
      List<Level> pages = pyramid(file, reader, structure, opened);
      return new TiffSlideReader(
          file, pages, opened, mpp(structure, pages.getFirst().page()), cacheBytes);
    } catch (SlideException | RuntimeException e) {
      release(opened);
      throw e;
    } catch (IOException e) {
      release(opened);
      throw new SlideException(file, "cannot read the TIFF structure: " + e.getMessage(), e);
    }
  }

  /** A JDK TIFF reader on {@code input}, both recorded in {@code opened} for closing. */
  private static ImageReader jdkReader(ImageInputStream input, List<Closeable> opened)
      throws IOException {
    opened.add(input);
    ImageReader reader = ImageIO.getImageReadersByFormatName("tif").next();
    opened.add(reader::dispose);
    reader.setInput(input, false, false);
    return reader;
  }

  /** The OME-XML's physical pixel size when it gives one, else the resolution tags'. */
  private static FileMpp mpp(TiffStructure structure, TiffPage zero) {
    Optional<String> description = structure.pages().getFirst().description().filter(OmeXml::isOme);
    if (description.isPresent()) {
      FileMpp ome = OmeXml.mpp(description.get());
      if (ome.mpp().isPresent() || ome.rejection().isPresent()) {
        return ome;
      }
    }
    return zero.resolutionMpp();
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
    return mpp.mpp();
  }

  /** {@code ome-xml} or {@code tiff-resolution}; {@code none} without a usable value. */
  @Override
  public String mppSource() {
    return mpp.source();
  }

  @Override
  public Optional<String> mppRejection() {
    return mpp.rejection();
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
      try {
        if (pages.get(level).page().tiled()) {
          copyTiles(level, x, y, width, left, top, right, bottom, rgb);
        } else {
          copyStrips(level, x, y, width, left, top, right, bottom, rgb);
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
    release(opened);
  }

  /**
   * How many tiles (or, on a stripped page, regions) of {@code level} were decoded since opening:
   * what shows that a thumbnail came from a coarse level without decoding level 0.
   */
  synchronized long decodedTiles(int level) {
    return decodedTiles[level];
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
      int level,
      long x,
      long y,
      int width,
      long left,
      long top,
      long right,
      long bottom,
      byte[] rgb)
      throws IOException {
    TiffPage page = pages.get(level).page();
    int tw = page.tileWidth(), th = page.tileHeight();
    for (int row = (int) (top / th); row <= (bottom - 1) / th; row++) {
      for (int column = (int) (left / tw); column <= (right - 1) / tw; column++) {
        TileCache.Tile tile = tile(level, column, row);
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

  private TileCache.Tile tile(int level, int column, int row) throws IOException {
    long key = TileCache.key(level, column, row);
    TileCache.Tile tile = cache.get(key);
    if (tile == null) {
      Level source = pages.get(level);
      decodedTiles[level]++;
      BufferedImage image = source.reader().readTile(source.page().index(), column, row);
      tile = new TileCache.Tile(image.getWidth(), image.getHeight(), RasterRgb.of(image));
      cache.put(key, tile);
    }
    return tile;
  }

  /** Stripped pages: the JDK decodes only the strips that the source region crosses. */
  private void copyStrips(
      int level,
      long x,
      long y,
      int width,
      long left,
      long top,
      long right,
      long bottom,
      byte[] rgb)
      throws IOException {
    Level source = pages.get(level);
    ImageReadParam param = source.reader().getDefaultReadParam();
    param.setSourceRegion(
        new Rectangle((int) left, (int) top, (int) (right - left), (int) (bottom - top)));
    decodedTiles[level]++;
    byte[] part = RasterRgb.of(source.reader().read(source.page().index(), param));
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

  /**
   * The levels of the pyramid, or why the file is not a generic slide TIFF: page 0, then among the
   * further pages and page 0's SubIFDs every tiled one of level 0's shape that is smaller than the
   * previous level, largest first.
   */
  private static List<Level> pyramid(
      Path file, ImageReader reader, TiffStructure structure, List<Closeable> opened)
      throws IOException {
    int count = reader.getNumImages(true);
    if (count < 1) {
      throw new SlideException(file, "the TIFF has no image");
    }
    TiffPage zero = TiffPage.read(reader, 0);
    Optional<String> vendor = vendorFormat(zero);
    if (vendor.isPresent()) {
      throw new OtherReadersTiffException(
          file, "a vendor TIFF (" + vendor.get() + "), read through OpenSlide's driver for it");
    }
    requireDecodable(file, zero, "page 0");
    List<Level> candidates = new ArrayList<>();
    if (zero.tiled()) {
      for (int k = 1; k < count; k++) {
        candidates.add(new Level(TiffPage.read(reader, k), reader, "page " + k));
      }
      List<TiffStructure.Directory> subIfds = structure.pages().getFirst().subIfds();
      for (int k = 0; k < subIfds.size(); k++) {
        ImageReader sub =
            jdkReader(new RootedTiffInput(file.toFile(), subIfds.get(k).offset()), opened);
        candidates.add(new Level(TiffPage.read(sub, 0), sub, "SubIFD " + (k + 1) + " of page 0"));
      }
    }
    candidates.sort(Comparator.comparingLong((Level l) -> l.page().width()).reversed());
    List<Level> levels = new ArrayList<>(List.of(new Level(zero, reader, "page 0")));
    for (Level candidate : candidates) {
      TiffPage page = candidate.page(), last = levels.getLast().page();
      if (page.tiled()
          && page.width() < last.width()
          && page.height() < last.height()
          && sameShape(zero, page)) {
        requireDecodable(file, page, candidate.storedIn());
        levels.add(candidate);
      }
    }
    return List.copyOf(levels);
  }

  /** A level whose size, scaled back by its height ratio, is level 0's width within rounding. */
  private static boolean sameShape(TiffPage zero, TiffPage page) {
    double ratio = (double) zero.height() / page.height();
    return Math.abs(zero.width() / ratio - page.width()) <= Math.max(1.5, 0.01 * page.width());
  }

  private static void requireDecodable(Path file, TiffPage page, String storedIn)
      throws SlideException {
    if (!DECODABLE.contains(page.compression())) {
      throw new SlideException(
          file,
          storedIn
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
          file, storedIn + " is not RGB (" + page.samplesPerPixel() + " sample per pixel)");
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
    // An OME-XML may name a Leica microscope among its instruments without being a Leica SCN.
    if (description.startsWith("<?xml")
        && !OmeXml.isOme(description)
        && description.toLowerCase(Locale.ROOT).contains("leica")) {
      return Optional.of("leica");
    }
    if (zero.xmp().map(x -> x.contains("iScan")).orElse(false)) {
      return Optional.of("ventana");
    }
    return Optional.empty();
  }

  /** The properties OpenSlide's generic-tiff driver gives, plus the MPP it leaves out. */
  private static Map<String, String> properties(
      TiffPage zero, List<SlideLevel> levels, List<Level> pages, FileMpp mpp) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("openslide.vendor", "generic-tiff");
    p.put("openslide.level-count", Integer.toString(levels.size()));
    for (int k = 0; k < levels.size(); k++) {
      SlideLevel level = levels.get(k);
      p.put("openslide.level[" + k + "].width", Long.toString(level.width()));
      p.put("openslide.level[" + k + "].height", Long.toString(level.height()));
      p.put("openslide.level[" + k + "].downsample", Double.toString(level.downsample()));
      TiffPage page = pages.get(k).page();
      p.put("openslide.level[" + k + "].tile-width", Integer.toString(page.tileWidth()));
      p.put("openslide.level[" + k + "].tile-height", Integer.toString(page.tileHeight()));
      p.put(STORED_IN.formatted(k), pages.get(k).storedIn());
    }
    mpp.mpp()
        .ifPresent(
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

  /** Closes what was opened, last first. */
  private static void release(List<Closeable> opened) {
    for (Closeable c : opened.reversed()) {
      try {
        c.close();
      } catch (IOException ignored) {
        // Nothing was written; a failed close of a read-only stream loses nothing.
      }
    }
  }
}
