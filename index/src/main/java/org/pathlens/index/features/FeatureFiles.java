package org.pathlens.index.features;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The feature files a {@code --features PATH} names: an {@code .h5} file; a folder of them
 * (TRIDENT's {@code features_<encoder>/}, CLAM's {@code h5_files/}); or a TRIDENT job folder, whose
 * one {@code features_<encoder>} folder (at any depth, e.g. {@code
 * 20x_256px_0px_overlap/features_conch_v1/}) is taken. A job folder with features of several
 * encoders is refused: which model made the features decides which bundle may read them, so the
 * choice is the user's.
 */
public final class FeatureFiles {

  private FeatureFiles() {}

  /**
   * @throws IllegalArgumentException naming the path when it holds no feature file, or features of
   *     several encoders
   */
  public static List<Path> expand(Path path) throws IOException {
    if (Files.isRegularFile(path)) {
      return List.of(path);
    }
    if (!Files.isDirectory(path)) {
      throw new IllegalArgumentException("--features " + path + ": no such file or folder");
    }
    List<Path> here = h5Files(path);
    if (!here.isEmpty()) {
      return here;
    }
    List<Path> featureFolders;
    try (Stream<Path> walk = Files.walk(path, 4)) {
      featureFolders =
          walk.filter(Files::isDirectory)
              .filter(d -> d.getFileName().toString().startsWith("features_"))
              .sorted()
              .toList();
    }
    if (featureFolders.size() > 1) {
      throw new IllegalArgumentException(
          "--features "
              + path
              + " holds features of several encoders: "
              + featureFolders.stream().map(d -> path.relativize(d).toString()).toList()
              + "; give the folder of the one your --model is");
    }
    if (featureFolders.isEmpty() || h5Files(featureFolders.getFirst()).isEmpty()) {
      throw new IllegalArgumentException(
          "--features "
              + path
              + ": no .h5 feature files in it, nor a TRIDENT features_<encoder> folder with some");
    }
    return h5Files(featureFolders.getFirst());
  }

  private static List<Path> h5Files(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(Files::isRegularFile)
          .filter(f -> f.getFileName().toString().endsWith(".h5"))
          .sorted()
          .toList();
    }
  }
}
