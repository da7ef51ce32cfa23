package org.pathlens.index.lucene;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.pathlens.index.SavedClassifier;
import org.pathlens.index.SavedClassifiers;

/**
 * Saved classifiers as files beside an embedded index: {@code <index>/classifiers/<name>.json}.
 * Names are checked ({@link SavedClassifier#checkName}) before they become file names.
 */
final class DirectoryClassifiers implements SavedClassifiers {

  /** The folder, in the index directory, that holds the classifiers. */
  static final String FOLDER = "classifiers";

  private final Path dir;

  DirectoryClassifiers(Path indexDir) {
    this.dir = indexDir.resolve(FOLDER);
  }

  @Override
  public List<String> names() throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      List<String> names = new ArrayList<>();
      files
          .map(f -> f.getFileName().toString())
          .filter(n -> n.endsWith(".json"))
          .map(n -> n.substring(0, n.length() - ".json".length()))
          .sorted()
          .forEach(names::add);
      return names;
    }
  }

  @Override
  public Optional<SavedClassifier> find(String name) throws IOException {
    Path file = file(name);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    return Optional.of(SavedClassifier.fromJson(Files.readString(file), file));
  }

  /**
   * Writes through a temporary file of its own and a rename, so a reader never sees half a
   * classifier and two writers never mix their bytes.
   */
  @Override
  public void save(SavedClassifier classifier) throws IOException {
    Path file = file(classifier.name());
    Files.createDirectories(dir);
    Path partial = Files.createTempFile(dir, "saving", ".partial");
    try {
      Files.writeString(partial, classifier.toJson(), StandardCharsets.UTF_8);
      Files.move(
          partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(partial);
    }
  }

  @Override
  public boolean delete(String name) throws IOException {
    return Files.deleteIfExists(file(name));
  }

  private Path file(String name) {
    return dir.resolve(SavedClassifier.checkName(name) + ".json");
  }
}
