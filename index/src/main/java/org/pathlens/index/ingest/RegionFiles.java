package org.pathlens.index.ingest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.pathlens.index.regions.QuPathGeoJson;
import org.pathlens.index.regions.SlideRegions;
import org.pathlens.slides.SlideException;
import org.pathlens.slides.SlideLevel;
import org.pathlens.slides.SlideReader;
import org.pathlens.slides.SlideReaders;
import org.pathlens.slides.SlideTiler;
import org.pathlens.slides.TilingOptions;
import org.pathlens.slides.TissueMask;

/**
 * The region files of an ingest's slides ({@code ingest --regions DIR|FILE.geojson}), matched by
 * name: slide {@code CMU-1.svs} takes {@code CMU-1.geojson} or {@code CMU-1.svs.geojson} (a DICOM
 * series folder: its folder name). In a folder, every slide must have its file; a file given
 * directly belongs to the one slide its name matches, and then that must be the only slide. Any
 * slide left without regions would otherwise be tiled whole, which is not what asking for regions
 * means.
 *
 * <p>All files are read, and all slides' regions checked against their slides ({@link
 * #requireFit}), before any tile is embedded, so a wrong file stops the ingest before it starts.
 */
public final class RegionFiles {

  /** No regions: every slide is tiled whole. */
  public static final RegionFiles NONE = new RegionFiles(Map.of());

  private final Map<String, SlideRegions> bySlide;

  private RegionFiles(Map<String, SlideRegions> bySlide) {
    this.bySlide = Map.copyOf(bySlide);
  }

  /**
   * The regions of each of {@code slides} (as {@link SlideFiles#expand} lists them) from {@code
   * regions}, a folder of {@code <slide>.geojson} files or one such file.
   *
   * @throws IllegalArgumentException naming what is missing or wrong and what fixes it
   * @throws IOException when a file cannot be read
   */
  public static RegionFiles read(Path regions, List<Path> slides) throws IOException {
    if (!Files.exists(regions)) {
      throw new NoSuchFileException(regions.toString(), null, "no such file or directory");
    }
    Map<String, SlideRegions> bySlide = new LinkedHashMap<>();
    List<String> without = new ArrayList<>();
    if (Files.isDirectory(regions)) {
      for (Path slide : slides) {
        Optional<Path> file = fileFor(regions, slide);
        if (file.isPresent()) {
          bySlide.put(SlideFiles.slideId(slide), QuPathGeoJson.read(file.get()));
        } else {
          without.add(slide.getFileName().toString());
        }
      }
      if (!without.isEmpty()) {
        throw new IllegalArgumentException(
            "--regions "
                + regions
                + " has no regions for "
                + describe(without)
                + ": add <slide>.geojson for each (QuPath: File > Export objects as GeoJSON), or"
                + " leave these slides out of --slides");
      }
      return new RegionFiles(bySlide);
    }
    String stem = stem(regions);
    Path matched = null;
    for (Path slide : slides) {
      if (names(slide).contains(stem)) {
        matched = slide;
      } else {
        without.add(slide.getFileName().toString());
      }
    }
    if (matched == null) {
      throw new IllegalArgumentException(
          "--regions "
              + regions
              + " is named for none of the slides ("
              + describe(slides.stream().map(s -> s.getFileName().toString()).toList())
              + "): name it <slide>.geojson after the slide whose annotations it holds");
    }
    if (!without.isEmpty()) {
      throw new IllegalArgumentException(
          "--regions "
              + regions
              + " holds the regions of "
              + matched.getFileName()
              + " only, not of "
              + describe(without)
              + ": give a folder with <slide>.geojson for each slide, or ingest "
              + matched.getFileName()
              + " alone");
    }
    bySlide.put(SlideFiles.slideId(matched), QuPathGeoJson.read(regions));
    return new RegionFiles(bySlide);
  }

  /** The regions of the slide with id {@code slideId}; empty when its tiles are not restricted. */
  public Optional<SlideRegions> forSlide(String slideId) {
    return Optional.ofNullable(bySlide.get(slideId));
  }

  /**
   * Checks, before any tile is read, that each slide's regions lie on it and hold the centre of at
   * least one tile of its grid (before tissue detection). A slide that cannot be opened or tiled is
   * passed over here: the ingest reports it as it reports any such slide.
   *
   * @throws IllegalArgumentException naming the file, the slide and what fixes it
   */
  public void requireFit(List<Path> slides, TilingOptions tiling) throws IOException {
    for (Path slide : slides) {
      SlideRegions regions = bySlide.get(SlideFiles.slideId(slide));
      if (regions == null) {
        continue;
      }
      try (SlideReader reader = SlideReaders.open(slide)) {
        SlideLevel zero = reader.levels().getFirst();
        String slideId = SlideFiles.slideId(slide);
        regions.requireOnSlide(slideId, zero.width(), zero.height());
        SlideTiler grid = SlideTiler.of(reader, tiling.withMinTissue(0), (TissueMask) null);
        if (regions.assign(grid.positions().toList()).positions().isEmpty()) {
          throw new IllegalArgumentException(
              String.format(
                  Locale.ROOT,
                  "%s: no region holds the centre of a tile of slide %s (tiles of %.0f x %.0f"
                      + " level-0 px, %d x %d of them from the top-left corner): draw larger"
                      + " regions, or cut smaller tiles (--mpp, --tile-size)",
                  regions.file(),
                  slideId,
                  grid.plan().tileWidth0(),
                  grid.plan().tileHeight0(),
                  grid.plan().columns(),
                  grid.plan().rows()));
        }
      } catch (SlideException e) {
        // Reported by the ingest, which skips the slide and goes on with the others.
      }
    }
  }

  /** The region file for {@code slide} in {@code folder}, if there is one. */
  private static Optional<Path> fileFor(Path folder, Path slide) {
    List<Path> found = new ArrayList<>();
    for (String name : names(slide)) {
      Path file = folder.resolve(name + ".geojson");
      if (Files.isRegularFile(file)) {
        found.add(file);
      }
    }
    if (found.size() > 1) {
      throw new IllegalArgumentException(
          "--regions "
              + folder
              + " has two region files for slide "
              + slide.getFileName()
              + ", "
              + found.get(0).getFileName()
              + " and "
              + found.get(1).getFileName()
              + ": keep one");
    }
    return found.stream().findFirst();
  }

  /** The names a region file of {@code slide} may take before {@code .geojson}. */
  private static List<String> names(Path slide) {
    String id = SlideFiles.slideId(slide);
    String fileName = slide.getFileName().toString();
    return id.equals(fileName) ? List.of(id) : List.of(id, fileName);
  }

  /** A region file's name without {@code .geojson} or {@code .json}. */
  private static String stem(Path file) {
    String name = file.getFileName().toString();
    String lower = name.toLowerCase(Locale.ROOT);
    for (String extension : List.of(".geojson", ".json")) {
      if (lower.endsWith(extension)) {
        return name.substring(0, name.length() - extension.length());
      }
    }
    return name;
  }

  private static String describe(List<String> names) {
    int shown = Math.min(names.size(), 5);
    String listed = String.join(", ", names.subList(0, shown));
    return names.size() == 1
        ? "slide " + listed
        : names.size() + " slides (" + listed + (shown < names.size() ? ", ..." : "") + ")";
  }
}
