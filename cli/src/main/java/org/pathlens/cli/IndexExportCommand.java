package org.pathlens.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.pathlens.index.IndexLocation;
import org.pathlens.index.IndexProvenance;
import org.pathlens.index.IndexSettings;
import org.pathlens.index.TileIndex;
import org.pathlens.index.features.FeatureExport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pathlens index export}: an index's tile features per slide, in TRIDENT's layout. */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    header = "Write an index's tile features per slide, as TRIDENT does (or as NumPy files).",
    description = {
      "Write each slide's tile features (the raw embeddings, before any batch correction, or the",
      "pre-projection features they were imported as) and level-0 coordinates for the next tool: trident",
      "writes features_<bundle>/<slide>.h5 with 'features' and 'coords' and TRIDENT's attributes (ingest",
      "--features reads them back); npy writes <slide>/features.npy, coords.npy and tile_ids.csv. Tiles of",
      "tile folders go to tiles_<bundle>/tiles.h5 ('features', 'tile_ids'; npy: tiles/) when every slide is",
      "exported. Slides without a slide record are named and left out. No model is loaded."
    },
    footer = {
      "%nExamples:",
      "  ./pathlens index export --index /tmp/pl/idx --out /tmp/pl/features",
      "  ./pathlens index export --index /tmp/pl/idx --out /tmp/pl/npy --format npy --slides S-1"
    })
final class IndexExportCommand implements Callable<Integer> {

  // picocli's out and err: the real streams from main(), a test's writers in-process.
  @Spec CommandSpec spec;

  @Mixin IndexOption index;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "DIR",
      description = "Folder to write into (created if absent).")
  Path out;

  @Option(
      names = "--format",
      paramLabel = "trident|npy",
      description = "trident (HDF5, TRIDENT's layout) or npy (default: trident).")
  FeatureExport.Format format = FeatureExport.Format.TRIDENT;

  @Option(
      names = "--slides",
      arity = "1..*",
      paramLabel = "ID",
      description = "Only these slides (default: every slide of the index).")
  List<String> slides = List.of();

  @Override
  public Integer call() throws Exception {
    IndexLocation location = index.location;
    IndexProvenance provenance = index.existingProvenance();
    PrintWriter err = spec.commandLine().getErr();
    try (TileIndex tiles = location.openForSearch(provenance, IndexSettings.defaults())) {
      FeatureExport.Summary summary = new FeatureExport(tiles, format).export(out, slides);
      summary.leftOut().forEach(s -> err.println("pathlens index export: left out " + s));
      spec.commandLine()
          .getOut()
          .printf("files %d, tiles %d, in %s%n", summary.files().size(), summary.tiles(), out);
      return summary.files().isEmpty() ? 1 : 0;
    }
  }
}
