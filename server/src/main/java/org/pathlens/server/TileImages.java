package org.pathlens.server;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.Optional;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.pathlens.encoders.bundle.Interpolation;
import org.pathlens.encoders.preprocess.ImageDecoder;
import org.pathlens.encoders.preprocess.PilResize;
import org.pathlens.encoders.preprocess.RgbImage;
import org.pathlens.encoders.preprocess.RgbImages;
import org.pathlens.index.SlideRecord;
import org.pathlens.index.SlideRecords;
import org.pathlens.index.TileIds;
import org.pathlens.index.TileRecord;
import org.pathlens.slides.SlideReader;
import org.pathlens.slides.SlideReaders;

/**
 * A tile's pixels for the browser, found from what the index records about the tile, never from a
 * path a client sends: a region read from the slide for a slide tile (one with a slide record in
 * the index; a tile cut from a slide whose record is missing is an error, never the whole slide),
 * the tile's own file otherwise (PNG and JPEG as stored, other formats converted to PNG).
 */
final class TileImages {

  /** An encoded image and its media type. */
  record Encoded(byte[] bytes, String contentType) {}

  private final SlideRecords slides;
  private final ImageDecoder decoder;

  TileImages(SlideRecords slides, ImageDecoder decoder) {
    this.slides = slides;
    this.decoder = decoder;
  }

  Encoded of(TileRecord tile) throws IOException {
    if (tile.slideId() != null && tile.x() != null && tile.y() != null) {
      Optional<SlideRecord> slide = slides.find(tile.slideId());
      if (slide.isPresent()) {
        return png(fromSlide(tile, slide.get()));
      }
      if (tile.id().equals(TileIds.ofPosition(tile.slideId(), tile.x(), tile.y()))) {
        // A tile cut from a slide names the slide file as its source: without the slide's record
        // (the tile size and level to read) that file is the whole slide, never this tile.
        throw ApiException.notFound(
            "tile "
                + tile.id()
                + " is a region of slide "
                + tile.slideId()
                + ", whose record is missing from the index: re-ingest the slide (index check"
                + " reports what is missing)");
      }
    }
    if (tile.source() == null) {
      throw ApiException.notFound("tile " + tile.id() + " records no image file");
    }
    Path file = Path.of(tile.source());
    if (!Files.isRegularFile(file)) {
      throw ApiException.notFound("the image file of tile " + tile.id() + " is gone");
    }
    byte[] bytes = Files.readAllBytes(file);
    String format = formatOf(bytes);
    return switch (format) {
      case "png" -> new Encoded(bytes, "image/png");
      case "jpeg" -> new Encoded(bytes, "image/jpeg");
      default -> png(decoder.decode(bytes, tile.id()));
    };
  }

  /**
   * The tile's footprint at level 0, read from the coarsest level that still has the tile's pixels.
   */
  private static RgbImage fromSlide(TileRecord tile, SlideRecord slide) throws IOException {
    double side0 = slide.tileSize() * slide.tileMpp() / slide.mppX();
    try (SlideReader reader = SlideReaders.open(Path.of(slide.path()))) {
      int level = reader.bestLevelForDownsample(side0 / slide.tileSize());
      double downsample = reader.level(level).downsample();
      int read = (int) Math.max(1, Math.round(side0 / downsample));
      RgbImage region = reader.readRegion(level, tile.x(), tile.y(), read, read);
      return read == slide.tileSize()
          ? region
          : PilResize.resize(region, slide.tileSize(), slide.tileSize(), Interpolation.BICUBIC);
    }
  }

  static Encoded png(RgbImage image) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(RgbImages.toBufferedImage(image), "png", out);
    return new Encoded(out.toByteArray(), "image/png");
  }

  private static String formatOf(byte[] bytes) throws IOException {
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      return readers.hasNext() ? readers.next().getFormatName().toLowerCase(Locale.ROOT) : "";
    }
  }
}
