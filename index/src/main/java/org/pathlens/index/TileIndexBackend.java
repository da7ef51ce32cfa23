package org.pathlens.index;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * A kind of tile index: the embedded Lucene index in a directory, an OpenSearch index on a cluster,
 * or whatever a later jar adds. Backends are found with {@link ServiceLoader} (listed in {@code
 * META-INF/services/org.pathlens.index.TileIndexBackend}), and each recognises the locations of its
 * own kind: nothing outside a backend's package names its classes.
 */
public interface TileIndexBackend {

  /**
   * The index {@code text} names, if it is of this backend's kind; empty if it is not.
   *
   * @throws IllegalArgumentException if {@code text} is of this backend's kind but malformed,
   *     naming what is wrong
   */
  Optional<IndexLocation> locate(String text);

  /** What this backend can do beyond the contract every backend keeps. */
  Set<IndexCapability> capabilities();

  /** How a user names an index of this kind, for help and refusals: "DIR (embedded Lucene)". */
  String form();

  /** Every backend on the class path, in the order of their service files. */
  static List<TileIndexBackend> all() {
    return Installed.ALL;
  }

  /** Loaded once: the class path does not change while PathLens runs. */
  final class Installed {
    private static final List<TileIndexBackend> ALL = load();

    private Installed() {}

    private static List<TileIndexBackend> load() {
      List<TileIndexBackend> backends = new ArrayList<>();
      ServiceLoader.load(TileIndexBackend.class, TileIndexBackend.class.getClassLoader())
          .forEach(backends::add);
      if (backends.isEmpty()) {
        throw new IllegalStateException(
            "no tile index backend on the class path (META-INF/services/"
                + TileIndexBackend.class.getName()
                + " is missing): the pathlens-index jar is incomplete");
      }
      return List.copyOf(backends);
    }
  }
}
