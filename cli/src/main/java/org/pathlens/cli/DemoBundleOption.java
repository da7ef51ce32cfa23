package org.pathlens.cli;

import java.nio.file.Path;
import org.pathlens.fixtures.Fixtures;
import picocli.CommandLine.Option;

/**
 * {@code --model DIR} where the demo bundle stands in when it is left out: the demo and the
 * benchmarks, which run on the demo bundle unless told otherwise.
 */
final class DemoBundleOption {

  @Option(
      names = "--model",
      paramLabel = "DIR",
      description = "Model bundle (default: the demo bundle).")
  Path bundle;

  /** The bundle given, else the demo bundle. */
  Path orDemoBundle() {
    return bundle != null ? bundle : Fixtures.demoBundle();
  }
}
