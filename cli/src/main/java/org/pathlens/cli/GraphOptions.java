package org.pathlens.cli;

import org.pathlens.index.IndexSettings;
import picocli.CommandLine.Option;

/** The HNSW graph's shape ({@code ingest} for a new index, {@code bench index}). */
final class GraphOptions {

  @Option(
      names = "--m",
      paramLabel = "M",
      description = "HNSW neighbours per node (default: ${DEFAULT-VALUE}).")
  int m = IndexSettings.defaults().m();

  @Option(
      names = "--beam",
      paramLabel = "B",
      description = "HNSW construction beam width (default: ${DEFAULT-VALUE}).")
  int beam = IndexSettings.defaults().beamWidth();
}
