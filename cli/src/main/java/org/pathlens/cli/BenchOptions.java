package org.pathlens.cli;

import java.nio.file.Path;
import java.util.List;
import org.pathlens.fixtures.Fixtures;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * What {@code bench encode} and {@code bench stain} share: the bundle, the tiles per measurement,
 * the tile sizes and libtorch's threads. A command passes its own default tile count to the
 * constructor.
 */
final class BenchOptions {

  @Mixin DemoBundleOption model;

  @Option(
      names = "--tile-count",
      paramLabel = "N",
      description = "Tiles per measurement (default: ${DEFAULT-VALUE}).")
  int tileCount;

  @Option(
      names = "--sizes",
      split = ",",
      paramLabel = "PX",
      description = "Input tile sizes in pixels (default: 224,448).")
  List<Integer> sizes = List.of(224, 448);

  @Mixin ThreadsOption threads;

  BenchOptions() {
    this(256);
  }

  BenchOptions(int tileCount) {
    this.tileCount = tileCount;
  }

  /**
   * {@code --model M --tile-count N --sizes S} as the command that reproduces a table gives them.
   */
  String commonArguments(Path bundle) {
    return " --model "
        + Fixtures.root().relativize(bundle.toAbsolutePath().normalize())
        + " --tile-count "
        + tileCount
        + " --sizes "
        + join(sizes);
  }

  /** {@code --threads T} when given, for the command that reproduces a table. */
  String threadsArgument() {
    return threads.threads > 0 ? " --threads " + threads.threads : "";
  }

  static String join(List<Integer> values) {
    return String.join(",", values.stream().map(String::valueOf).toList());
  }
}
