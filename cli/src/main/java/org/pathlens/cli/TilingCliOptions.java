package org.pathlens.cli;

import java.util.OptionalDouble;
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
      names = "--mpp-override",
      paramLabel = "MPP",
      description =
          "Level-0 µm/px to use instead of the slide's own (for slides that record none).")
  Double mppOverride;

  TilingOptions toTilingOptions(int tileSize) {
    return new TilingOptions(
        mpp,
        tileSize,
        minTissue,
        mppOverride == null ? OptionalDouble.empty() : OptionalDouble.of(mppOverride));
  }
}
