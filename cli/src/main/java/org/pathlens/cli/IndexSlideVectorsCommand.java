package org.pathlens.cli;

import java.util.List;
import java.util.concurrent.Callable;
import org.pathlens.index.IndexLocation;
import org.pathlens.index.IndexProvenance;
import org.pathlens.index.IndexSettings;
import org.pathlens.index.SlidePooling;
import org.pathlens.index.SlideVector;
import org.pathlens.index.TileFilter;
import org.pathlens.index.TileIndex;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code pathlens index slide-vectors}: each slide's mean embedding, kept in the index. */
@Command(
    name = "slide-vectors",
    mixinStandardHelpOptions = true,
    header = "Store each slide's mean embedding in the index.",
    description = {
      "Compute every slide's embedding, the mean of its unit tile embeddings normalised again (method",
      "mean), with the metadata all its tiles share (patient_id, site, ...), and store it beside the tiles,",
      "replacing the slide's earlier one: what search --level slide and similar --rank-by embedding read.",
      "For an index made before slide vectors existed; ingest keeps them up to date. One pass over the",
      "tiles; no model is loaded."
    },
    footer = {"%nExamples:", "  ./pathlens index slide-vectors --index /tmp/pl/idx"})
final class IndexSlideVectorsCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin IndexOption index;

  @Override
  public Integer call() throws Exception {
    IndexLocation location = index.location;
    IndexProvenance provenance =
        location
            .readProvenance()
            .orElseThrow(
                () ->
                    new IllegalArgumentException("--index " + location + ": no tile index there"));
    try (TileIndex tiles = location.openForSearch(provenance, IndexSettings.defaults())) {
      List<SlideVector> vectors = SlidePooling.mean(tiles, TileFilter.ALL);
      tiles.slideVectors().write(vectors);
      spec.commandLine()
          .getOut()
          .printf("slides %d (method %s) in %s%n", vectors.size(), SlidePooling.MEAN, location);
      return vectors.isEmpty() ? 1 : 0;
    }
  }
}
