package org.pathlens.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.pathlens.index.IndexLocation;
import org.pathlens.index.IndexProvenance;
import org.pathlens.index.IndexSettings;
import org.pathlens.index.SlideFeatureImport;
import org.pathlens.index.SlidePooling;
import org.pathlens.index.SlideVector;
import org.pathlens.index.TileFilter;
import org.pathlens.index.TileIndex;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pathlens index slide-vectors}: each slide's mean embedding, kept in the index. */
@Command(
    name = "slide-vectors",
    mixinStandardHelpOptions = true,
    header = "Store slide embeddings: the mean of tiles, or TRIDENT's.",
    description = {
      "Compute every slide's embedding, the mean of its unit tile embeddings normalised again (method",
      "mean), with the metadata all its tiles share (patient_id, site, ...), and store it beside the tiles,",
      "replacing the slide's earlier one: what search --level slide and similar --rank-by embedding read.",
      "For an index made before slide vectors existed; ingest keeps them up to date. One pass over the",
      "tiles; no model is loaded. With --from: import slide embeddings made elsewhere (TRIDENT's",
      "slide_features_<encoder>/<slide>.h5, e.g. TITAN's) as vectors of their own method (the encoder's",
      "name): similar --rank-by embedding --slide-vectors NAME compares slides by them."
    },
    footer = {
      "%nExamples:",
      "  ./pathlens index slide-vectors --index /tmp/pl/idx",
      "  ./pathlens index slide-vectors --index /tmp/pl/idx --from job/slide_features_titan"
    })
final class IndexSlideVectorsCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin IndexOption index;

  @Option(
      names = "--from",
      paramLabel = "PATH",
      description =
          "TRIDENT slide features: a slide_features_<encoder> folder of <slide>.h5 files (dataset"
              + " 'features', [D]) or one such file.")
  Path from;

  @Option(
      names = "--method",
      paramLabel = "NAME",
      description =
          "With --from: the name the vectors are stored under (default: the folder's encoder name,"
              + " e.g. titan for slide_features_titan).")
  String method;

  @Override
  public Integer call() throws Exception {
    IndexLocation location = index.location;
    IndexProvenance provenance =
        location
            .readProvenance()
            .orElseThrow(
                () ->
                    new IllegalArgumentException("--index " + location + ": no tile index there"));
    if (method != null && from == null) {
      throw new IllegalArgumentException("--method names imported vectors: it goes with --from");
    }
    if (from != null && !Files.exists(from)) {
      throw new IllegalArgumentException("--from " + from + ": no such file or folder");
    }
    try (TileIndex tiles = location.openForSearch(provenance, IndexSettings.defaults())) {
      String name = SlidePooling.MEAN;
      List<SlideVector> vectors;
      if (from == null) {
        vectors = SlidePooling.mean(tiles, TileFilter.ALL);
        tiles.slideVectors().write(vectors);
      } else {
        Path folder = Files.isDirectory(from) ? from : from.toAbsolutePath().getParent();
        name = method != null ? method : SlideFeatureImport.methodOf(folder);
        vectors = SlideFeatureImport.run(SlideFeatureImport.files(from), name, tiles);
      }
      spec.commandLine()
          .getOut()
          .printf("slides %d (method %s) in %s%n", vectors.size(), name, location);
      return vectors.isEmpty() ? 1 : 0;
    }
  }
}
