package org.pathlens.slides.dicom;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One file of a whole-slide series, as its header describes it: which series, whether it is a
 * pyramid level (VOLUME) or an associated image (LABEL, OVERVIEW, THUMBNAIL), its frame (tile) and
 * total pixel matrix sizes, and how its pixels are stored. Reading the header reads no pixel.
 */
public record DicomInstance(
    Path file,
    DataSet dataSet,
    DicomParser.PixelDataLocation pixelData,
    String transferSyntaxUid,
    String seriesUid,
    List<String> imageType,
    int tileWidth,
    int tileHeight,
    long totalWidth,
    long totalHeight,
    int frames) {

  private static final List<String> ASSOCIATED = List.of("LABEL", "OVERVIEW", "THUMBNAIL");

  /**
   * Parses the header of {@code file}.
   *
   * @throws DicomFormatException not a DICOM image, truncated, or sizes that make no sense
   */
  public static DicomInstance read(Path file) throws IOException {
    try (DicomInput in = DicomInput.open(file)) {
      return of(file, DicomParser.parse(in));
    }
  }

  static DicomInstance of(Path file, DicomParser.Parsed parsed) throws DicomFormatException {
    DataSet d = parsed.dataSet();
    int columns = (int) positive(d, Tags.COLUMNS, "Columns");
    int rows = (int) positive(d, Tags.ROWS, "Rows");
    OptionalLong frameCount = d.integer(Tags.NUMBER_OF_FRAMES);
    int frames = (int) (frameCount.isPresent() ? frameCount.getAsLong() : 1);
    if (frames < 1) {
      throw new DicomFormatException("NumberOfFrames is " + frames + ", at least 1 expected");
    }
    // A single-frame image without a total pixel matrix is its own whole matrix.
    long totalWidth = d.integer(Tags.TOTAL_PIXEL_MATRIX_COLUMNS).orElse(columns);
    long totalHeight = d.integer(Tags.TOTAL_PIXEL_MATRIX_ROWS).orElse(rows);
    if (totalWidth < 1 || totalHeight < 1) {
      throw new DicomFormatException(
          "the total pixel matrix is " + totalWidth + "x" + totalHeight + ", not a positive size");
    }
    return new DicomInstance(
        file,
        d,
        parsed.pixelData(),
        parsed.transferSyntax(),
        d.string(Tags.SERIES_INSTANCE_UID).orElse(""),
        d.strings(Tags.IMAGE_TYPE).stream().map(s -> s.toUpperCase(Locale.ROOT)).toList(),
        columns,
        rows,
        totalWidth,
        totalHeight,
        frames);
  }

  /** LABEL, OVERVIEW or THUMBNAIL when ImageType's third value says so; empty for a level. */
  public Optional<String> associatedKind() {
    return imageType.size() >= 3 && ASSOCIATED.contains(imageType.get(2))
        ? Optional.of(imageType.get(2))
        : Optional.empty();
  }

  /** Whether ImageType marks this instance as made by downsampling another (not a base level). */
  public boolean resampled() {
    return imageType.size() >= 4 && imageType.get(3).equals("RESAMPLED");
  }

  public String photometric() {
    return dataSet.string(Tags.PHOTOMETRIC_INTERPRETATION).orElse("");
  }

  public int samplesPerPixel() throws DicomFormatException {
    return (int) dataSet.integer(Tags.SAMPLES_PER_PIXEL).orElse(1);
  }

  public int bitsAllocated() throws DicomFormatException {
    return (int) dataSet.integer(Tags.BITS_ALLOCATED).orElse(8);
  }

  public int planarConfiguration() throws DicomFormatException {
    return (int) dataSet.integer(Tags.PLANAR_CONFIGURATION).orElse(0);
  }

  /** TILED_FULL, TILED_SPARSE, …; empty when the file does not say. */
  public Optional<String> dimensionOrganization() {
    return dataSet.string(Tags.DIMENSION_ORGANIZATION_TYPE).filter(s -> !s.isEmpty());
  }

  /**
   * The pixel spacing in millimetres (row spacing, i.e. vertical, then column spacing) from the
   * shared functional groups' Pixel Measures, else the first frame's; empty when neither has it.
   */
  public Optional<double[]> pixelSpacingMm() throws DicomFormatException {
    for (int groups :
        new int[] {
          Tags.SHARED_FUNCTIONAL_GROUPS_SEQUENCE, Tags.PER_FRAME_FUNCTIONAL_GROUPS_SEQUENCE
        }) {
      Optional<DataSet> measures =
          dataSet.item(groups).flatMap(g -> g.item(Tags.PIXEL_MEASURES_SEQUENCE));
      if (measures.isPresent() && measures.get().contains(Tags.PIXEL_SPACING)) {
        double[] spacing = measures.get().decimals(Tags.PIXEL_SPACING);
        if (spacing.length != 2 || !(spacing[0] > 0) || !(spacing[1] > 0)) {
          throw new DicomFormatException(
              "PixelSpacing should be two positive millimetre values, has "
                  + java.util.Arrays.toString(spacing));
        }
        return Optional.of(spacing);
      }
    }
    return Optional.empty();
  }

  /**
   * The frames' positions in the total pixel matrix (1-based column, row), from the per-frame
   * functional groups; empty when they give none.
   */
  public Optional<long[][]> framePositions() throws DicomFormatException {
    List<DataSet> perFrame = dataSet.sequence(Tags.PER_FRAME_FUNCTIONAL_GROUPS_SEQUENCE);
    if (perFrame.isEmpty()
        || perFrame.getFirst().item(Tags.PLANE_POSITION_SLIDE_SEQUENCE).isEmpty()) {
      return Optional.empty();
    }
    if (perFrame.size() != frames) {
      throw new DicomFormatException(
          "the per-frame functional groups have "
              + perFrame.size()
              + " items for "
              + frames
              + " frames");
    }
    long[][] positions = new long[frames][];
    for (int k = 0; k < frames; k++) {
      Optional<DataSet> plane = perFrame.get(k).item(Tags.PLANE_POSITION_SLIDE_SEQUENCE);
      OptionalLong column =
          plane.isPresent()
              ? plane.get().integer(Tags.COLUMN_POSITION_IN_TOTAL_MATRIX)
              : OptionalLong.empty();
      OptionalLong row =
          plane.isPresent()
              ? plane.get().integer(Tags.ROW_POSITION_IN_TOTAL_MATRIX)
              : OptionalLong.empty();
      if (column.isEmpty() || row.isEmpty()) {
        throw new DicomFormatException(
            "frame " + (k + 1) + " has no plane position in the total pixel matrix");
      }
      positions[k] = new long[] {column.getAsLong(), row.getAsLong()};
    }
    return Optional.of(positions);
  }

  private static long positive(DataSet d, int tag, String name) throws DicomFormatException {
    long value =
        d.integer(tag)
            .orElseThrow(() -> new DicomFormatException("no " + name + " " + Tags.name(tag)));
    if (value < 1) {
      throw new DicomFormatException(name + " is " + value + ", not a positive size");
    }
    return value;
  }
}
