package org.pathlens.cli;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.pathlens.index.FacetValue;
import org.pathlens.index.TileFilter;
import org.pathlens.index.TileIndex;
import org.pathlens.index.regions.SlideRegions;
import picocli.CommandLine.Option;

/**
 * {@code --region-class C}: only the tiles inside regions of class C, as {@code ingest --regions}
 * recorded them from QuPath's annotations ({@code region_class}). A class no tile has is refused
 * with the classes there are, since it would otherwise classify nothing, silently.
 */
final class RegionClassOption {

  @Option(
      names = "--region-class",
      paramLabel = "CLASS",
      description =
          "Only tiles inside regions of this class, e.g. Tumor: the QuPath classification of the"
              + " annotations ingest --regions took them from (their region_class).")
  String regionClass;

  boolean given() {
    return regionClass != null;
  }

  /**
   * {@code filter} narrowed to the region class, or as it is without the option.
   *
   * @throws IllegalArgumentException when no tile of the index lies in a region of that class,
   *     listing the region classes it has (or saying that it has none)
   */
  TileFilter restrict(TileFilter filter, TileIndex index) throws IOException {
    if (regionClass == null) {
      return filter;
    }
    TileFilter inClass = TileFilter.keyword(SlideRegions.REGION_CLASS, regionClass);
    if (index.count(inClass) > 0) {
      return filter.and(inClass);
    }
    List<FacetValue> classes =
        index.extraFields().contains(SlideRegions.REGION_CLASS)
            ? index.facet(SlideRegions.REGION_CLASS, 50)
            : List.of();
    if (classes.isEmpty()) {
      throw new IllegalArgumentException(
          "--region-class "
              + regionClass
              + ": no tile of index "
              + index.location()
              + " lies in a classified region; ingest the slides with --regions DIR|FILE.geojson"
              + " (annotations exported from QuPath) first");
    }
    throw new IllegalArgumentException(
        "--region-class "
            + regionClass
            + ": no tile of index "
            + index.location()
            + " lies in a region of that class; its region classes (tiles): "
            + classes.stream()
                .map(c -> String.format(Locale.ROOT, "%s (%d)", c.value(), c.tiles()))
                .collect(Collectors.joining(", ")));
  }
}
