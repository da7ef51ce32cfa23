package org.pathlens.cli;

import java.io.IOException;
import org.pathlens.index.IndexLocation;
import org.pathlens.index.IndexProvenance;
import picocli.CommandLine.Option;

/**
 * {@code --index DIR|URL}: the tile index a command reads or writes, a directory or a cluster URL
 * (PathLens.commandLine() converts it). {@code classify} declares its own in the group that makes
 * it the alternative to {@code --images}: picocli takes no mixin in an argument group.
 */
final class IndexOption {

  @Option(
      names = "--index",
      required = true,
      paramLabel = "DIR|URL",
      description = IndexLocation.HELP)
  IndexLocation location;

  /** What the index there records of its model: a command that needs an existing index refuses. */
  IndexProvenance existingProvenance() throws IOException {
    return location
        .readProvenance()
        .orElseThrow(
            () -> new IllegalArgumentException("--index " + location + ": no tile index there"));
  }
}
