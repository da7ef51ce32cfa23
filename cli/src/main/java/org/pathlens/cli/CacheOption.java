package org.pathlens.cli;

import java.nio.file.Path;
import org.pathlens.prompts.ClassEmbeddingCache;
import picocli.CommandLine.Option;

/** {@code --cache DIR}: where the class embeddings of prompt sets are kept. */
final class CacheOption {

  @Option(
      names = "--cache",
      paramLabel = "DIR",
      description =
          "Keep class embeddings here, per (bundle, prompt set) content hash (default:"
              + " $PATHLENS_CACHE, $XDG_CACHE_HOME/pathlens or ~/.cache/pathlens).")
  Path dir;

  /** The directory given, else the default one. */
  Path directory() {
    return dir != null ? dir : ClassEmbeddingCache.defaultDirectory();
  }
}
