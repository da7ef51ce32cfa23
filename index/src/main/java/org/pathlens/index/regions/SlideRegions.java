package org.pathlens.index.regions;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
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
    return at(centreX(position), centreY(position));
  }

  /**
   * Of {@code positions}, those whose centre lies in a region, each with its region: as {@link
   * #at(TilePosition)} decides, a row of centres at a time ({@link Polygon#row}), since an outline
   * drawn with QuPath's brush has thousands of vertices and a slide a hundred thousand tiles.
   */
  public TileRegions assign(List<TilePosition> positions) {
    Map<Double, List<TilePosition>> rows = new LinkedHashMap<>();
    for (TilePosition position : positions) {
      rows.computeIfAbsent(centreY(position), y -> new ArrayList<>()).add(position);
    }
    Map<TilePosition, Region> regionOf = new HashMap<>();
    rows.forEach(
        (y, row) -> {
          double[] bestArea = new double[row.size()];
          Arrays.fill(bestArea, Double.POSITIVE_INFINITY);
          for (Region region : regions) {
            BoundingBox box = region.bounds();
            if (y < box.minY() || y > box.maxY()) {
              continue;
            }
            List<Polygon.Row> parts = region.polygons().stream().map(p -> p.row(y)).toList();
            double area = region.area();
            for (int k = 0; k < row.size(); k++) {
              double x = centreX(row.get(k));
              if (area < bestArea[k] && parts.stream().anyMatch(part -> part.contains(x))) {
                bestArea[k] = area;
                regionOf.put(row.get(k), region);
              }
            }
          }
        });
    List<TilePosition> kept = positions.stream().filter(regionOf::containsKey).toList();
    return new TileRegions(kept, regionOf);
  }

  private static double centreX(TilePosition position) {
    return position.x() + position.width() / 2.0;
  }

  private static double centreY(TilePosition position) {
    return position.y() + position.height() / 2.0;
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
