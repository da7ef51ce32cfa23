package org.pathlens.index;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.pathlens.encoders.Embeddings;
import org.pathlens.index.features.FeatureFileException;
import org.pathlens.index.features.SlideFeatureFile;

/**
 * Slide embeddings made elsewhere (TRIDENT's {@code slide_features_<encoder>/<slide>.h5}) stored as
 * the index's slide vectors of their own method (the encoder's name): every file is read and
 * checked first (one length across them and any vectors of that method already stored, finite
 * values, no slide twice), then all are written at once. A slide the index holds tiles of gets
 * their shared metadata and tile count; another is stored with neither.
 */
public final class SlideFeatureImport {

  private SlideFeatureImport() {}

  /** The method a {@code slide_features_<encoder>} folder's vectors are stored under. */
  public static String methodOf(Path folder) {
    String name = folder.getFileName().toString();
    return name.startsWith(SlideFeatureFile.FOLDER_PREFIX)
        ? name.substring(SlideFeatureFile.FOLDER_PREFIX.length())
        : name;
  }

  /** The {@code .h5} files of {@code path}: the file itself, or a folder's, sorted. */
  public static List<Path> files(Path path) throws IOException {
    if (Files.isRegularFile(path)) {
      return List.of(path);
    }
    try (Stream<Path> files = Files.list(path)) {
      List<Path> h5 =
          files.filter(f -> f.getFileName().toString().endsWith(".h5")).sorted().toList();
      if (h5.isEmpty()) {
        throw new IllegalArgumentException(
            "--from "
                + path
                + ": no .h5 slide feature files in it (TRIDENT's slide_features_<encoder>/)");
      }
      return h5;
    }
  }

  /**
   * Imports {@code files} as vectors of {@code method} into {@code index}.
   *
   * @return the vectors written
   * @throws FeatureFileException for the first file that cannot be taken; nothing was written
   */
  public static List<SlideVector> run(List<Path> files, String method, TileIndex index)
      throws IOException {
    if (method.equals(SlidePooling.MEAN)) {
      throw new IllegalArgumentException(
          "method 'mean' is PathLens's own mean of the index's tiles: give imported slide features"
              + " another name (--method)");
    }
    Map<String, Path> seen = new HashMap<>();
    List<SlideFeatureFile> read = new ArrayList<>();
    int[] dimension = {-1};
    index.slideVectors().forEach(method, v -> dimension[0] = v.embedding().length);
    for (Path file : files) {
      SlideFeatureFile slide = SlideFeatureFile.open(file);
      Path earlier = seen.putIfAbsent(slide.slideId(), file);
      if (earlier != null) {
        throw new FeatureFileException(
            file
                + " and "
                + earlier
                + " are both slide '"
                + slide.slideId()
                + "': give one of them");
      }
      if (dimension[0] < 0) {
        dimension[0] = slide.features().length;
      } else if (slide.features().length != dimension[0]) {
        throw new FeatureFileException(
            file
                + ": "
                + slide.features().length
                + " values, the other slide vectors of method '"
                + method
                + "' "
                + dimension[0]
                + ": slide features of another encoder?");
      }
      read.add(slide);
    }
    List<SlideVector> vectors = new ArrayList<>();
    for (SlideFeatureFile slide : read) {
      List<SlideVector> ofTiles = SlidePooling.mean(index, TileFilter.slide(slide.slideId()));
      SlideVector tiles = ofTiles.isEmpty() ? null : ofTiles.getFirst();
      vectors.add(
          new SlideVector(
              slide.slideId(),
              method,
              Embeddings.l2Normalize(slide.features().clone()),
              tiles == null ? 0 : tiles.tiles(),
              tiles == null ? Map.of() : tiles.metadata()));
    }
    index.slideVectors().write(vectors);
    return vectors;
  }
}
