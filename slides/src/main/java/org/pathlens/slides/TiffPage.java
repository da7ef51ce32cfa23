package org.pathlens.slides;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import javax.imageio.ImageReader;
import javax.imageio.plugins.tiff.BaselineTIFFTagSet;
import javax.imageio.plugins.tiff.TIFFDirectory;
import javax.imageio.plugins.tiff.TIFFField;
import javax.imageio.plugins.tiff.TIFFTag;

/** The tags of one TIFF page (IFD) that decide whether and how it is read as a pyramid level. */
record TiffPage(
    int index,
    int width,
    int height,
    boolean tiled,
    int tileWidth,
    int tileHeight,
    int compression,
    int samplesPerPixel,
    Optional<String> description,
    Optional<Double> xResolution,
    Optional<Double> yResolution,
    int resolutionUnit,
    boolean hamamatsuTags,
    Optional<String> xmp,
    TIFFDirectory directory) {

  /** TIFF tag 65420, present in every Hamamatsu NDPI file. */
  static final int NDPI_FORMAT_FLAG = 65420;

  private static final int XMP = 700;

  static TiffPage read(ImageReader reader, int index) throws IOException {
    TIFFDirectory directory = TIFFDirectory.createFromMetadata(reader.getImageMetadata(index));
    boolean tiled = reader.isImageTiled(index);
    return new TiffPage(
        index,
        reader.getWidth(index),
        reader.getHeight(index),
        tiled,
        reader.getTileWidth(index),
        reader.getTileHeight(index),
        intField(directory, BaselineTIFFTagSet.TAG_COMPRESSION)
            .orElse(BaselineTIFFTagSet.COMPRESSION_NONE),
        intField(directory, BaselineTIFFTagSet.TAG_SAMPLES_PER_PIXEL).orElse(1),
        ascii(directory, BaselineTIFFTagSet.TAG_IMAGE_DESCRIPTION),
        rational(directory, BaselineTIFFTagSet.TAG_X_RESOLUTION),
        rational(directory, BaselineTIFFTagSet.TAG_Y_RESOLUTION),
        // TIFF's default unit is the inch, but a missing tag usually means nobody set a resolution.
        intField(directory, BaselineTIFFTagSet.TAG_RESOLUTION_UNIT)
            .orElse(BaselineTIFFTagSet.RESOLUTION_UNIT_NONE),
        directory.getTIFFField(NDPI_FORMAT_FLAG) != null,
        xmp(directory),
        directory);
  }

  /** µm/px from the resolution tags (see {@link FileMpp#fromTiffResolution}). */
  FileMpp resolutionMpp() {
    return FileMpp.fromTiffResolution(xResolution, yResolution, unitName());
  }

  String unitName() {
    return switch (resolutionUnit) {
      case BaselineTIFFTagSet.RESOLUTION_UNIT_INCH -> "inch";
      case BaselineTIFFTagSet.RESOLUTION_UNIT_CENTIMETER -> "centimeter";
      default -> "none";
    };
  }

  private static Optional<Integer> intField(TIFFDirectory directory, int tag) {
    TIFFField field = directory.getTIFFField(tag);
    return field == null || field.getCount() == 0
        ? Optional.empty()
        : Optional.of(field.getAsInt(0));
  }

  private static Optional<Double> rational(TIFFDirectory directory, int tag) {
    TIFFField field = directory.getTIFFField(tag);
    return field == null || field.getCount() == 0
        ? Optional.empty()
        : Optional.of(field.getAsDouble(0));
  }

  private static Optional<String> ascii(TIFFDirectory directory, int tag) {
    TIFFField field = directory.getTIFFField(tag);
    if (field == null || field.getCount() == 0 || field.getType() != TIFFTag.TIFF_ASCII) {
      return Optional.empty();
    }
    return Optional.of(field.getAsString(0));
  }

  private static Optional<String> xmp(TIFFDirectory directory) {
    TIFFField field = directory.getTIFFField(XMP);
    if (field == null || field.getCount() == 0) {
      return Optional.empty();
    }
    byte[] bytes = new byte[field.getCount()];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) field.getAsInt(i);
    }
    return Optional.of(new String(bytes, StandardCharsets.UTF_8));
  }
}
