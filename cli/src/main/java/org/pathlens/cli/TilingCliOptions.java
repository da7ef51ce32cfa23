package org.pathlens.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalDouble;
import org.pathlens.index.ingest.MppTable;
import org.pathlens.slides.SlideMppRule;
import org.pathlens.slides.TilingOptions;
import picocli.CommandLine.Option;

/**
 * How a whole-slide image is cut into tiles ({@code ingest --slides}, {@code slide info}); the tile
 * side is each command's own, as their defaults differ.
 */
final class TilingCliOptions {

  @Option(
      names = "--mpp",
      paramLabel = "MPP",
      description = "Tile resolution in µm/px (default: ${DEFAULT-VALUE}).")
  double mpp = 0.5;

  @Option(
      names = "--min-tissue",
      paramLabel = "F",
      description = "Smallest tissue share of a kept tile (default: ${DEFAULT-VALUE}).")
  double minTissue = 0.5;

  @Option(
      names = "--mpp-csv",
      paramLabel = "FILE",
      description =
          "Level-0 µm/px per slide: a CSV with a wsi (or slide) column of file names and an mpp"
              + " column; a row wins over the file's own value.")
  Path mppCsv;

  @Option(
      names = "--mpp-default",
      paramLabel = "MPP",
      description = "Level-0 µm/px for the slides that record none (the others keep theirs).")
  Double mppDefault;

  @Option(
      names = "--mpp-override",
      paramLabel = "MPP",
      description = "Level-0 µm/px forced on every slide, whatever it records.")
  Double mppOverride;

  TilingOptions toTilingOptions(int tileSize) throws IOException {
    return new TilingOptions(mpp, tileSize, minTissue, slideMppRule());
  }

  /** Which level-0 µm/px each slide is read at, from the three options. */
  SlideMppRule slideMppRule() throws IOException {
    if (mppOverride != null && (mppCsv != null || mppDefault != null)) {
      throw new IllegalArgumentException(
          "--mpp-override forces one µm/px on every slide: give it alone, or use --mpp-csv and"
              + " --mpp-default");
    }
    return new SlideMppRule(
        optional(mppOverride),
        mppCsv == null ? Map.of() : MppTable.read(mppCsv),
        optional(mppDefault));
  }

  private static OptionalDouble optional(Double value) {
    return value == null ? OptionalDouble.empty() : OptionalDouble.of(value);
  }
}
