package org.pathlens.index;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Where a tile index lives, as {@code --index} names it, and what can be done there: a directory
 * (the embedded Lucene index) or {@code http(s)://HOST:PORT/NAME} (an index or alias on an
 * OpenSearch cluster). The backend that recognises the text ({@link TileIndexBackend}) makes the
 * location, so callers open, check or rebuild an index without knowing which backend serves it.
 * Credentials never appear here: a cluster backend takes them from the environment.
 */
public interface IndexLocation {

  /** What {@code --index} takes, for the commands' help. */
  String HELP =
      "The tile index: a directory (embedded Lucene), or http(s)://HOST:PORT/NAME, an OpenSearch"
          + " index or alias (credentials from PATHLENS_OPENSEARCH_USER/_PASSWORD, _API_KEY or"
          + " _CREDENTIALS_FILE).";

  /**
   * Reads {@code --index}: the first backend that recognises {@code text} makes its location.
   *
   * @throws IllegalArgumentException naming what is wrong with {@code text}
   */
  static IndexLocation parse(String text) {
    for (TileIndexBackend backend : TileIndexBackend.all()) {
      Optional<IndexLocation> location = backend.locate(text);
      if (location.isPresent()) {
        return location.get();
      }
    }
    throw new IllegalArgumentException(
        "--index '"
            + text
            + "': no index backend recognises it; --index takes "
            + TileIndexBackend.all().stream()
                .map(TileIndexBackend::form)
                .collect(Collectors.joining(" or ")));
  }

  /** The embedded index in {@code dir}. */
  static IndexLocation of(Path dir) {
    return parse(dir.toString());
  }

  /**
   * Opens the index here for writing and searching, creating it if there is none.
   *
   * @throws IllegalStateException if the index was built with another bundle or other stain
   *     handling
   */
  TileIndex open(IndexProvenance provenance, IndexSettings settings) throws IOException;

  /**
   * Opens the existing index here for searching only. Its {@link TileIndex#provenance()} is the
   * recorded one.
   *
   * @throws IllegalArgumentException if there is no index here
   * @throws IllegalStateException if the index was built with another bundle
   */
  TileIndex openForSearch(IndexProvenance provenance, IndexSettings settings) throws IOException;

  /** The bundle recorded in the index here, if there is an index with one. */
  Optional<IndexProvenance> readProvenance() throws IOException;

  /**
   * The directory holding the index, for an embedded index; empty for a cluster index. Files
   * recorded beside the index's own ({@code calibration.json}) go there.
   */
  default Optional<Path> directory() {
    return Optional.empty();
  }

  /**
   * A number that changes with every write the index here commits (an embedded index's Lucene
   * commit generation); -1 where the backend gives none. What is recorded beside the index from its
   * tiles says which generation it was computed for.
   */
  default long generation() throws IOException {
    return -1;
  }

  /**
   * What tells this index apart from others wherever it is named from, for ids derived from it
   * (GeoJSON tile UUIDs): a directory's absolute, real path (so {@code idx} and {@code /data/idx}
   * are one index), a cluster index's endpoint and name. Stable while the index stays where it is.
   */
  default String identity() {
    return toString();
  }

  /** The backend that serves this location. */
  TileIndexBackend backend();

  /** What this location's backend can do beyond the contract every backend keeps. */
  default Set<IndexCapability> capabilities() {
    return backend().capabilities();
  }

  /**
   * Refuses unless this backend has {@code capability}, in one line that names the capability in
   * the user's words and the backends that have it (the command line puts its own name before it).
   *
   * @throws IllegalArgumentException if it has not
   */
  default void require(IndexCapability capability) {
    if (capabilities().contains(capability)) {
      return;
    }
    String where =
        TileIndexBackend.all().stream()
            .filter(b -> b.capabilities().contains(capability))
            .map(TileIndexBackend::form)
            .collect(Collectors.joining(" or "));
    throw new IllegalArgumentException(
        capability.what()
            + " is not available on the index "
            + this
            + (where.isEmpty() ? "" : "; it works on " + where));
  }

  /**
   * Starts writing a new index beside the one the alias here serves; {@link RebuildingIndex#finish}
   * moves the alias. Needs {@link IndexCapability#REBUILD}.
   */
  default RebuildingIndex openRebuild(IndexProvenance provenance, IndexSettings settings)
      throws IOException {
    require(IndexCapability.REBUILD);
    throw new UnsupportedOperationException("--rebuild declared but not built for " + this);
  }

  /**
   * Verifies every file and record of the index here; repairs nothing. Needs {@link
   * IndexCapability#CHECK}.
   *
   * @throws IllegalArgumentException when there is no index here
   * @throws IllegalStateException when an ingest is writing the index
   */
  default IndexCheckReport check() throws IOException {
    require(IndexCapability.CHECK);
    throw new UnsupportedOperationException("index check declared but not built for " + this);
  }

  /**
   * Checks the index here as {@link #check} does, then removes the stale copies of every id with
   * more than one document (keeping the newest), and returns the check after the repair. Needs
   * {@link IndexCapability#REPAIR}.
   *
   * @throws IllegalArgumentException when there is no index here
   * @throws IllegalStateException when an ingest is writing the index
   */
  default IndexCheckReport repair() throws IOException {
    require(IndexCapability.REPAIR);
    throw new UnsupportedOperationException(
        "index check --repair declared but not built for " + this);
  }

  /** The location as the user named it. */
  @Override
  String toString();
}
