package org.pathlens.slides.dicom;

import java.util.Map;

/**
 * The DICOM tags the slide reader uses, as {@code (group << 16) | element}, with the value
 * representation each has: implicit-VR files do not carry it, and the reader must know which values
 * are sequences and how wide an integer is.
 */
public final class Tags {
  private Tags() {}

  public static final int TRANSFER_SYNTAX_UID = 0x0002_0010;
  public static final int IMAGE_TYPE = 0x0008_0008;
  public static final int SOP_CLASS_UID = 0x0008_0016;
  public static final int SOP_INSTANCE_UID = 0x0008_0018;
  public static final int MANUFACTURER = 0x0008_0070;
  public static final int MODEL_NAME = 0x0008_1090;
  public static final int SERIES_INSTANCE_UID = 0x0020_000E;
  public static final int DIMENSION_ORGANIZATION_TYPE = 0x0020_9311;
  public static final int SAMPLES_PER_PIXEL = 0x0028_0002;
  public static final int PHOTOMETRIC_INTERPRETATION = 0x0028_0004;
  public static final int PLANAR_CONFIGURATION = 0x0028_0006;
  public static final int NUMBER_OF_FRAMES = 0x0028_0008;
  public static final int ROWS = 0x0028_0010;
  public static final int COLUMNS = 0x0028_0011;
  public static final int PIXEL_SPACING = 0x0028_0030;
  public static final int BITS_ALLOCATED = 0x0028_0100;
  public static final int BITS_STORED = 0x0028_0101;
  public static final int PIXEL_MEASURES_SEQUENCE = 0x0028_9110;
  public static final int TOTAL_PIXEL_MATRIX_COLUMNS = 0x0048_0006;
  public static final int TOTAL_PIXEL_MATRIX_ROWS = 0x0048_0007;
  public static final int TOTAL_PIXEL_MATRIX_ORIGIN_SEQUENCE = 0x0048_0008;
  public static final int PLANE_POSITION_SLIDE_SEQUENCE = 0x0048_021A;
  public static final int COLUMN_POSITION_IN_TOTAL_MATRIX = 0x0048_021E;
  public static final int ROW_POSITION_IN_TOTAL_MATRIX = 0x0048_021F;
  public static final int SHARED_FUNCTIONAL_GROUPS_SEQUENCE = 0x5200_9229;
  public static final int PER_FRAME_FUNCTIONAL_GROUPS_SEQUENCE = 0x5200_9230;
  public static final int EXTENDED_OFFSET_TABLE = 0x7FE0_0001;
  public static final int EXTENDED_OFFSET_TABLE_LENGTHS = 0x7FE0_0002;
  public static final int PIXEL_DATA = 0x7FE0_0010;
  public static final int ITEM = 0xFFFE_E000;
  public static final int ITEM_DELIMITATION = 0xFFFE_E00D;
  public static final int SEQUENCE_DELIMITATION = 0xFFFE_E0DD;

  /** The value representations of the tags above that are not text. */
  private static final Map<Integer, String> VR =
      Map.ofEntries(
          Map.entry(SAMPLES_PER_PIXEL, "US"),
          Map.entry(PLANAR_CONFIGURATION, "US"),
          Map.entry(ROWS, "US"),
          Map.entry(COLUMNS, "US"),
          Map.entry(BITS_ALLOCATED, "US"),
          Map.entry(BITS_STORED, "US"),
          Map.entry(PIXEL_MEASURES_SEQUENCE, "SQ"),
          Map.entry(TOTAL_PIXEL_MATRIX_COLUMNS, "UL"),
          Map.entry(TOTAL_PIXEL_MATRIX_ROWS, "UL"),
          Map.entry(TOTAL_PIXEL_MATRIX_ORIGIN_SEQUENCE, "SQ"),
          Map.entry(PLANE_POSITION_SLIDE_SEQUENCE, "SQ"),
          Map.entry(COLUMN_POSITION_IN_TOTAL_MATRIX, "SL"),
          Map.entry(ROW_POSITION_IN_TOTAL_MATRIX, "SL"),
          Map.entry(SHARED_FUNCTIONAL_GROUPS_SEQUENCE, "SQ"),
          Map.entry(PER_FRAME_FUNCTIONAL_GROUPS_SEQUENCE, "SQ"),
          Map.entry(EXTENDED_OFFSET_TABLE, "OV"),
          Map.entry(EXTENDED_OFFSET_TABLE_LENGTHS, "OV"));

  /** The VR an implicit-VR file leaves out: the dictionary's, else UN (kept as bytes). */
  static String implicitVr(int tag) {
    return VR.getOrDefault(tag, "UN");
  }

  /** {@code (gggg,eeee)}, as DICOM writes a tag. */
  public static String name(int tag) {
    return String.format("(%04X,%04X)", tag >>> 16, tag & 0xFFFF);
  }
}
