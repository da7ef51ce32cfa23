package org.pathlens.slides;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pathlens.encoders.preprocess.RgbImage;
import org.pathlens.slides.dicom.DicomFormatException;
import org.pathlens.slides.dicom.DicomInstance;
import org.pathlens.slides.dicom.DicomSeries;
import org.pathlens.slides.dicom.LevelFrames;
import org.pathlens.slides.dicom.TransferSyntax;

/**
 * A DICOM whole-slide image (VL Whole Slide Microscopy) read in pure Java (JPEG 2000 frames through
 * OpenJPEG): a single file, or a folder holding the instances of one series, one per pyramid level
 * (see {@link DicomSeries}). Frames are read by positioned reads through the offset tables, never
 * the whole file; recently decoded tiles are kept (64 MB) as for TIFF. A tile that no frame covers
 * (a gap in a TILED_SPARSE grid) is white, the colour of empty glass.
 *
 * <p>MPP comes from the base level's Pixel Measures (PixelSpacing, millimetres); a series without
 * it has none.
 *
 * <p>Thread-safe by synchronization, as {@link TiffSlideReader}: for parallel reading open one
 * reader per thread.
 */
public final class DicomSlideReader implements SlideReader {
  private final Path path;
  private final DicomSeries series;
  private final List<LevelFrames> frames;
  private final List<SlideLevel> levels;
  private final Optional<Mpp> mpp;
  private final Map<String, String> properties;
  private final TileCache cache = new TileCache(TiffSlideReader.DEFAULT_CACHE_BYTES);

  private DicomSlideReader(
      Path path, DicomSeries series, List<LevelFrames> frames, Optional<Mpp> mpp) {
    this.path = path;
    this.series = series;
    this.frames = frames;
    DicomInstance zero = series.levels().getFirst();
    this.levels =
        series.levels().stream()
            .map(
                i ->
                    SlideLevel.of(
                        i.totalWidth(), i.totalHeight(), zero.totalWidth(), zero.totalHeight()))
            .toList();
    this.mpp = mpp;
    this.properties = describe();
  }

  /**
   * Opens the DICOM slide {@code fileOrFolder}.
   *
   * @throws SlideException naming the slide and the problem in one line: not parsable, truncated,
   *     offsets past the end, a transfer syntax not read, several series, no base level, …
   */
  public static DicomSlideReader open(Path fileOrFolder) throws SlideException {
    List<LevelFrames> opened = new ArrayList<>();
    try {
      DicomSeries series = DicomSeries.open(fileOrFolder);
      for (DicomInstance level : series.levels()) {
        try {
          opened.add(LevelFrames.open(level));
        } catch (DicomFormatException e) {
          throw series.levels().size() == 1 || level.file().equals(fileOrFolder)
              ? e
              : new DicomFormatException(level.file().getFileName() + ": " + e.getMessage());
        }
      }
      return new DicomSlideReader(fileOrFolder, series, List.copyOf(opened), mppOf(series));
    } catch (IOException | RuntimeException e) {
      closeAll(opened);
      throw switch (e) {
        case SlideException s -> s;
        case DicomFormatException d ->
            new SlideException(fileOrFolder, "DICOM: " + d.getMessage(), d);
        default ->
            new SlideException(
                fileOrFolder,
                "DICOM: cannot read it ("
                    + e.getClass().getSimpleName()
                    + ": "
                    + e.getMessage()
                    + ")",
                e);
      };
    }
  }

  private static Optional<Mpp> mppOf(DicomSeries series) throws DicomFormatException {
    // PixelSpacing is (row spacing, column spacing): y first.
    return series.levels().getFirst().pixelSpacingMm().map(s -> new Mpp(s[1] * 1000, s[0] * 1000));
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

  /** {@code dicom} (Pixel Spacing) when the series records one, else {@code none}. */
  @Override
  public String mppSource() {
    return mpp.isPresent() ? "dicom" : "none";
  }

  @Override
  public String vendor() {
    return "dicom";
  }

  @Override
  public Map<String, String> properties() {
    return properties;
  }

  /** The associated images (LABEL, OVERVIEW, THUMBNAIL) the series holds; never tiled. */
  public List<DicomInstance> associatedImages() {
    return series.associated();
  }

  @Override
  public synchronized RgbImage readRegion(int level, long x0, long y0, int width, int height)
      throws SlideException {
    SlideLevel info = level(level);
    if (width <= 0 || height <= 0 || (long) width * height > Integer.MAX_VALUE / 3) {
      throw new IllegalArgumentException(
          path + ": cannot read a " + width + "x" + height + " region");
    }
    long x = (long) Math.floor(x0 / info.downsample()),
        y = (long) Math.floor(y0 / info.downsample());
    byte[] rgb = new byte[width * height * 3];
    Arrays.fill(rgb, (byte) 255);
    long left = Math.max(x, 0), top = Math.max(y, 0);
    long right = Math.min(x + width, info.width()), bottom = Math.min(y + height, info.height());
    if (left >= right || top >= bottom) {
      return new RgbImage(width, height, rgb);
    }
    LevelFrames source = frames.get(level);
    int tw = source.instance().tileWidth(), th = source.instance().tileHeight();
    for (int row = (int) (top / th); row <= (bottom - 1) / th; row++) {
      for (int column = (int) (left / tw); column <= (right - 1) / tw; column++) {
        byte[] tile = tile(level, source, column, row);
        if (tile == null) {
          continue; // a gap in a sparse grid: background
        }
        long tileX = (long) column * tw, tileY = (long) row * th;
        long fromX = Math.max(left, tileX), toX = Math.min(right, tileX + tw);
        long fromY = Math.max(top, tileY), toY = Math.min(bottom, tileY + th);
        int length = (int) (toX - fromX) * 3;
        for (long ly = fromY; ly < toY; ly++) {
          int from = (int) (((ly - tileY) * tw + (fromX - tileX)) * 3);
          int to = (int) (((ly - y) * width + (fromX - x)) * 3);
          System.arraycopy(tile, from, rgb, to, length);
        }
      }
    }
    return new RgbImage(width, height, rgb);
  }

  private byte[] tile(int level, LevelFrames source, int column, int row) throws SlideException {
    long key = TileCache.key(level, column, row);
    TileCache.Tile cached = cache.get(key);
    if (cached != null) {
      return cached.rgb();
    }
    byte[] rgb;
    try {
      rgb = source.tile(column, row);
    } catch (IOException | RuntimeException e) {
      throw new SlideException(
          path,
          "cannot decode level "
              + level
              + (frames.size() > 1 ? " (" + source.instance().file().getFileName() + ")" : "")
              + " tile "
              + column
              + ","
              + row
              + ": "
              + e.getMessage(),
          e);
    }
    if (rgb != null) {
      cache.put(
          key,
          new TileCache.Tile(source.instance().tileWidth(), source.instance().tileHeight(), rgb));
    }
    return rgb;
  }

  @Override
  public synchronized void close() {
    closeAll(frames);
  }

  @Override
  public String toString() {
    return "DicomSlideReader[" + path + "]";
  }

  private static void closeAll(List<LevelFrames> frames) {
    for (LevelFrames f : frames) {
      try {
        f.close();
      } catch (IOException ignored) {
        // Read-only files: a failed close loses nothing.
      }
    }
  }

  /** OpenSlide's names where it has them (its DICOM driver's vendor is "dicom"), then dicom.*. */
  private Map<String, String> describe() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("openslide.vendor", "dicom");
    p.put("openslide.level-count", Integer.toString(levels.size()));
    for (int k = 0; k < levels.size(); k++) {
      SlideLevel level = levels.get(k);
      DicomInstance instance = series.levels().get(k);
      p.put("openslide.level[" + k + "].width", Long.toString(level.width()));
      p.put("openslide.level[" + k + "].height", Long.toString(level.height()));
      p.put("openslide.level[" + k + "].downsample", Double.toString(level.downsample()));
      p.put("openslide.level[" + k + "].tile-width", Integer.toString(instance.tileWidth()));
      p.put("openslide.level[" + k + "].tile-height", Integer.toString(instance.tileHeight()));
    }
    mpp.ifPresent(
        m -> {
          p.put("openslide.mpp-x", Double.toString(m.x()));
          p.put("openslide.mpp-y", Double.toString(m.y()));
        });
    for (DicomInstance a : series.associated()) {
      String name = a.associatedKind().orElseThrow().toLowerCase(java.util.Locale.ROOT);
      p.put("openslide.associated." + name + ".width", Long.toString(a.totalWidth()));
      p.put("openslide.associated." + name + ".height", Long.toString(a.totalHeight()));
    }
    DicomInstance zero = series.levels().getFirst();
    p.put("dicom.SeriesInstanceUID", series.seriesUid());
    p.put("dicom.TransferSyntax", TransferSyntax.describe(zero.transferSyntaxUid()));
    p.put("dicom.PhotometricInterpretation", zero.photometric());
    zero.dimensionOrganization().ifPresent(o -> p.put("dicom.DimensionOrganizationType", o));
    zero.dataSet()
        .string(org.pathlens.slides.dicom.Tags.MANUFACTURER)
        .filter(s -> !s.isEmpty())
        .ifPresent(s -> p.put("dicom.Manufacturer", s));
    for (int k = 0; k < frames.size(); k++) {
      long missing = frames.get(k).grid().missing();
      if (missing > 0) {
        p.put("dicom.level[" + k + "].missing-tiles", Long.toString(missing));
      }
    }
    return Collections.unmodifiableMap(p);
  }
}
