package org.pathlens.slides;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pathlens.encoders.bundle.Interpolation;
import org.pathlens.encoders.preprocess.PilResize;
import org.pathlens.encoders.preprocess.RgbImage;

/**
 * A whole-slide image: a pyramid of levels, level 0 the finest, read by region. Coordinates follow
 * OpenSlide: a region's origin is given in level-0 pixels whatever the level read, its size in
 * pixels of that level. Open one with {@link SlideReaders#open}.
 *
 * <p>Thread-safety depends on the back end and is stated by each implementation; closing a reader
 * while another thread reads from it is never allowed.
 */
public interface SlideReader extends AutoCloseable {

  /** The file this reader reads. */
  Path path();

  /** Pyramid levels, finest first; never empty. */
  List<SlideLevel> levels();

  default int levelCount() {
    return levels().size();
  }

  default SlideLevel level(int level) {
    if (level < 0 || level >= levelCount()) {
      throw new IllegalArgumentException(
          path() + ": no level " + level + ", the slide has " + levelCount());
    }
    return levels().get(level);
  }

  /** Microns per pixel at level 0, when the file records it. */
  Optional<Mpp> mpp();

  /**
   * Where in the file {@link #mpp()} came from: {@code openslide} (OpenSlide's {@code
   * openslide.mpp-x/y}, from the vendor's metadata such as Aperio's {@code MPP}), {@code ome-xml}
   * (an OME-TIFF's {@code PhysicalSizeX/Y}), {@code tiff-resolution} (TIFF XResolution/YResolution
   * in pixels per centimetre or inch), {@code dicom} (the DICOM Pixel Spacing); {@code none} when
   * {@link #mpp()} is empty. A reader that does not say returns {@code file}.
   */
  default String mppSource() {
    return mpp().isPresent() ? "file" : "none";
  }

  /**
   * Why a resolution the file records was not taken as its µm/px, when one was not: a value outside
   * the plausible range of a microscope scan (the 72-dpi or 10-px/cm defaults of software that knew
   * no resolution), a TIFF ResolutionUnit of none, an OME unit that is no length. Empty when the
   * file records none or its value was taken.
   */
  default Optional<String> mppRejection() {
    return Optional.empty();
  }

  /**
   * The format, with OpenSlide's names: {@code aperio}, {@code hamamatsu}, {@code generic-tiff}, …
   */
  String vendor();

  /**
   * The file's metadata as name → value, OpenSlide-style names ({@code openslide.*}, {@code
   * tiff.*}, …).
   */
  Map<String, String> properties();

  /**
   * The {@code width x height} pixels of {@code level} whose top-left corner is at level-0 pixel
   * ({@code x0}, {@code y0}). Pixels outside the slide are white.
   *
   * @throws SlideException when the slide's data cannot be decoded
   */
  RgbImage readRegion(int level, long x0, long y0, int width, int height) throws SlideException;

  /**
   * The index of the coarsest level whose downsample is at most {@code downsample} (level 0 when
   * none is), the level OpenSlide's {@code get_best_level_for_downsample} picks.
   */
  default int bestLevelForDownsample(double downsample) {
    int best = 0;
    for (int k = 1; k < levelCount(); k++) {
      if (levels().get(k).downsample() <= downsample * (1 + 1e-9)) {
        best = k;
      }
    }
    return best;
  }

  /**
   * The whole slide scaled so that its longer side is {@code maxSide} pixels (never enlarged), from
   * the coarsest level that is still at least that fine, resampled with antialiased bicubic.
   */
  default RgbImage thumbnail(int maxSide) throws SlideException {
    if (maxSide < 1) {
      throw new IllegalArgumentException("thumbnail side must be positive, got " + maxSide);
    }
    SlideLevel zero = levels().getFirst();
    double scale = Math.min(1.0, (double) maxSide / Math.max(zero.width(), zero.height()));
    int width = (int) Math.max(1, Math.round(zero.width() * scale));
    int height = (int) Math.max(1, Math.round(zero.height() * scale));
    int level = bestLevelForDownsample(1 / scale);
    SlideLevel source = level(level);
    if ((long) source.width() * source.height() > Integer.MAX_VALUE / 3) {
      throw new SlideException(
          path(),
          "level "
              + level
              + " ("
              + source.width()
              + "x"
              + source.height()
              + ") is too large for a thumbnail of "
              + maxSide
              + " px; the slide lacks coarser pyramid levels");
    }
    RgbImage whole;
    try {
      whole = readRegion(level, 0, 0, (int) source.width(), (int) source.height());
    } catch (SlideException damaged) {
      whole = readAroundDamage(level, source, damaged);
    }
    return PilResize.resize(whole, width, height, Interpolation.BICUBIC);
  }

  /**
   * Side of the blocks a damaged level is read in for its thumbnail, in level pixels: smaller than
   * the tiles of any format read (128 px and more), so a bad tile blanks no more than itself.
   */
  int THUMBNAIL_BLOCK = 64;

  /**
   * A whole level read block by block, an unreadable block left white (as background is): one
   * corrupt tile leaves a blank square in the thumbnail instead of costing the slide its thumbnail
   * (the tile itself is reported when it is read for the index). Refused as {@code damaged} when no
   * block can be read.
   */
  private RgbImage readAroundDamage(int level, SlideLevel source, SlideException damaged)
      throws SlideException {
    int w = (int) source.width(), h = (int) source.height();
    byte[] rgb = new byte[w * h * 3];
    java.util.Arrays.fill(rgb, (byte) 255);
    boolean anyRead = false;
    double down = source.downsample();
    for (int by = 0; by < h; by += THUMBNAIL_BLOCK) {
      for (int bx = 0; bx < w; bx += THUMBNAIL_BLOCK) {
        int bw = Math.min(THUMBNAIL_BLOCK, w - bx), bh = Math.min(THUMBNAIL_BLOCK, h - by);
        RgbImage block;
        try {
          block = readRegion(level, Math.round(bx * down), Math.round(by * down), bw, bh);
        } catch (SlideException e) {
          continue;
        }
        anyRead = true;
        for (int row = 0; row < bh; row++) {
          System.arraycopy(block.rgb(), row * bw * 3, rgb, ((by + row) * w + bx) * 3, bw * 3);
        }
      }
    }
    if (!anyRead) {
      throw damaged;
    }
    return new RgbImage(w, h, rgb);
  }

  /** Releases the file and any native handle. */
  @Override
  void close();
}
