package org.pathlens.cli;

import org.pathlens.index.IndexLocation;
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
}
