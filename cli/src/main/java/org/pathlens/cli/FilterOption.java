package org.pathlens.cli;

import org.pathlens.index.TileFilter;
import picocli.CommandLine.Option;

/** {@code --filter QUERY}: only the index's tiles whose metadata pass a Lucene query. */
final class FilterOption {

  @Option(
      names = "--filter",
      paramLabel = "QUERY",
      description =
          "Only tiles whose metadata pass this Lucene query, e.g. 'site:center-a AND -label:BACK',"
              + " 'x:[0 TO 4096]'.")
  String query;

  boolean given() {
    return query != null;
  }

  TileFilter parse() {
    return TileFilter.parse(query);
  }
}
