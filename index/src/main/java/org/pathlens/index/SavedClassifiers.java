package org.pathlens.index;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where an index keeps its {@link SavedClassifier saved classifiers}: one JSON file each beside an
 * embedded index, one document each in a companion index on a cluster. Every PathLens process on
 * the index sees the same ones, and they survive restarts.
 */
public interface SavedClassifiers {

  /** The names of the saved classifiers, sorted. */
  List<String> names() throws IOException;

  /** The classifier called {@code name}, if there is one. */
  Optional<SavedClassifier> find(String name) throws IOException;

  /** Every saved classifier, by name. */
  default List<SavedClassifier> list() throws IOException {
    List<SavedClassifier> all = new ArrayList<>();
    for (String name : names()) {
      find(name).ifPresent(all::add);
    }
    return all;
  }

  /** Writes {@code classifier}, replacing whole any earlier one of its name. */
  void save(SavedClassifier classifier) throws IOException;

  /** Deletes the classifier called {@code name}; false when there was none. */
  boolean delete(String name) throws IOException;
}
