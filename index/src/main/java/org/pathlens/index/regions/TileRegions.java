package org.pathlens.index.regions;

import java.util.List;
import java.util.Map;
import org.pathlens.slides.TilePosition;

/**
 * A slide's tiles as regions restrict them: the positions kept, and the region metadata each
 * records ({@link SlideRegions#REGION_CLASS}, {@link SlideRegions#REGION_NAME}). Computed once per
 * slide, since a QuPath outline may have thousands of vertices.
 */
public final class TileRegions {

  private final List<TilePosition> positions;
  private final Map<TilePosition, Region> regionOf;

  TileRegions(List<TilePosition> positions, Map<TilePosition, Region> regionOf) {
    this.positions = List.copyOf(positions);
    this.regionOf = Map.copyOf(regionOf);
  }

  /** Every one of {@code positions}, with no region metadata: a slide without regions. */
  public static TileRegions wholeSlide(List<TilePosition> positions) {
    return new TileRegions(positions, Map.of());
  }

  /** The positions kept, in the order given. */
  public List<TilePosition> positions() {
    return positions;
  }

  /** The metadata of the region holding the tile at {@code position}; empty without regions. */
  public Map<String, String> metadata(TilePosition position) {
    Region region = regionOf.get(position);
    return region == null ? Map.of() : SlideRegions.metadata(region);
  }
}
