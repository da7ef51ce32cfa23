package org.pathlens.cli;

import org.pathlens.index.IndexSettings;
import picocli.CommandLine.Option;

/**
 * How many results a query of the index returns, and how many graph candidates it looks at ({@code
 * search}, {@code similar}). A command passes its own default result count to the constructor.
 */
final class QueryOptions {

  @Option(
      names = "--k",
      paramLabel = "K",
      description = "Results to return (default: ${DEFAULT-VALUE}).")
  int k;

  @Option(
      names = "--oversample",
      paramLabel = "X",
      description =
          "Graph candidates per result: search ef = k × X"
              + " (default: ${DEFAULT-VALUE}; raise it for collections of a million tiles and more).")
  float oversample = IndexSettings.defaults().oversample();

  QueryOptions() {
    this(10);
  }

  QueryOptions(int k) {
    this.k = k;
  }

  /** The result count, checked. */
  int k() {
    if (k < 1) {
      throw new IllegalArgumentException("--k must be at least 1, got " + k);
    }
    return k;
  }
}
