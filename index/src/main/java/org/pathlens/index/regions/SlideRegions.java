package org.pathlens.index.regions;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pathlens.slides.TilePosition;

/**
 * The regions drawn on one slide, read from one file ({@link QuPathGeoJson}): which tiles they
 * hold, and the metadata each such tile records.
 *
 * <p>A tile belongs to a region when its centre, the middle of the level-0 rectangle it shows, lies
 * inside the region (outer ring in, holes out). Where regions overlap (a Tumor annotation drawn
 * inside a Tissue one), the tile takes the smallest region holding its centre, the most specific
 * one; of two equal areas, the one listed first.
 *
 * @param file the file the regions came from, for messages
 * @param regions in the file's order, at least one
 */
public record SlideRegions(Path file, List<Region> regions) {

  /** The tile metadata key of the class of the region holding a tile (QuPath's classification). */
  public static final String REGION_CLASS = "region_class";

  /** The tile metadata key of the name of the region holding a tile (QuPath's name). */
  public static final String REGION_NAME = "region_name";

  public SlideRegions {
    regions = List.copyOf(regions);
    if (regions.isEmpty()) {
      throw new IllegalArgumentException(file + " has no region");
    }
  }

  /** The region that holds (x, y): the smallest of those whose area holds it. */
  public Optional<Region> at(double x, double y) {
    Region best = null;
    for (Region region : regions) {
      if (region.contains(x, y) && (best == null || region.area() < best.area())) {
        best = region;
      }
    }
    return Optional.ofNullable(best);
  }

  /** The region holding the centre of the tile at {@code position}. */
  public Optional<Region> at(TilePosition position) {
    return at(position.x() + position.width() / 2.0, position.y() + position.height() / 2.0);
  }

  /** Of {@code positions}, those whose centre lies in a region, each with its region. */
  public TileRegions assign(List<TilePosition> positions) {
    List<TilePosition> kept = new ArrayList<>();
    Map<TilePosition, Region> regionOf = new HashMap<>();
    for (TilePosition position : positions) {
      Optional<Region> region = at(position);
      if (region.isPresent()) {
        kept.add(position);
        regionOf.put(position, region.get());
      }
    }
    return new TileRegions(kept, regionOf);
  }

  /**
   * Refuses regions that lie wholly outside a slide of {@code width} x {@code height} level-0
   * pixels: drawn on another image, or at another scale.
   *
   * @throws IllegalArgumentException naming the file, the region, the slide and what fixes it
   */
  public void requireOnSlide(String slideId, long width, long height) {
    for (Region region : regions) {
      if (!region.bounds().overlaps(width, height)) {
        throw new IllegalArgumentException(
            file
                + ": "
                + region.describe()
                + " lies outside slide "
                + slideId
                + " ("
                + width
                + " x "
                + height
                + " px at level 0; the region spans "
                + region.bounds()
                + "): export the annotations of this slide's own image from QuPath, in level-0"
                + " pixels");
      }
    }
  }

  /** What a tile in {@code region} records: its class and name, where it has them. */
  static Map<String, String> metadata(Region region) {
    Map<String, String> metadata = new HashMap<>();
    if (region.className() != null) {
      metadata.put(REGION_CLASS, region.className());
    }
    if (region.name() != null) {
      metadata.put(REGION_NAME, region.name());
    }
    return Map.copyOf(metadata);
  }
}
