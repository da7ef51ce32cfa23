package org.pathlens.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.pathlens.encoders.EncoderOptions;
import org.pathlens.encoders.EncoderOptions.DeviceChoice;
import org.pathlens.encoders.SlideEncoder;
import org.pathlens.index.IndexLocation;
import org.pathlens.index.IndexProvenance;
import org.pathlens.index.IndexSettings;
import org.pathlens.index.SlideEncoding;
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

/**
 * {@code pathlens index slide-vectors}: each slide's embedding kept in the index: the mean of its
 * tiles, a slide encoder's over the stored tile features, or TRIDENT's imported.
 */
@Command(
    name = "slide-vectors",
    mixinStandardHelpOptions = true,
    header = "Store slide embeddings: the mean of tiles, a slide encoder's, or TRIDENT's.",
    description = {
      "Compute every slide's embedding, the mean of its unit tile embeddings normalised again (method",
      "mean), with the metadata all its tiles share (patient_id, site, ...), and store it beside the tiles,",
      "replacing the slide's earlier one: what search --level slide and similar --rank-by embedding read.",
      "For an index made before slide vectors existed; ingest keeps them up to date. One pass over the",
      "tiles; no model is loaded. With --from: import slide embeddings made elsewhere (TRIDENT's",
      "slide_features_<encoder>/<slide>.h5, e.g. TITAN's) as vectors of their own method (the encoder's",
      "name): similar --rank-by embedding --slide-vectors NAME compares slides by them. With",
      "--slide-encoder: run a slide-encoder bundle (model.json kind slide-encoder, slide_encoder.pt,",
      "canary.json) over each slide's stored tile features and level-0 coordinates; its vectors are",
      "stored under the encoder's name. Refused, with nothing stored: tiles of another model, size or",
      "um/px than the encoder takes, more tiles than its max_tiles, an output that is not finite. Slide",
      "ids without a slide record (tile folders) are left out and named."
    },
    footer = {
      "%nExamples:",
      "  ./pathlens index slide-vectors --index /tmp/pl/idx",
      "  ./pathlens index slide-vectors --index /tmp/pl/idx --from job/slide_features_titan",
      "  ./pathlens index slide-vectors --index /tmp/pl/idx --slide-encoder"
          + " fixtures/bundles/demo-slide-encoder"
    })
final class IndexSlideVectorsCommand implements Callable<Integer> {

  /** Slides left out are named up to this many; a tile folder of many slides gives a count. */
  private static final int LEFT_OUT_SHOWN = 5;

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

  @Option(
      names = "--slide-encoder",
      paramLabel = "DIR",
      description =
          "A slide-encoder bundle (model.json with kind slide-encoder, slide_encoder.pt,"
              + " canary.json) run over each slide's stored tile features and coordinates.")
  Path slideEncoder;

  @Option(
      names = "--device",
      paramLabel = "auto|cpu|gpu",
      converter = Spellings.Device.class,
      description = "With --slide-encoder: where it runs (default: auto).")
  DeviceChoice device = DeviceChoice.AUTO;

  @Mixin ThreadsOption threads;

  @Override
  public Integer call() throws Exception {
    IndexLocation location = index.location;
    IndexProvenance provenance = index.existingProvenance();
    if (slideEncoder != null && from != null) {
      throw new IllegalArgumentException(
          "--slide-encoder computes slide vectors, --from imports them: give one of them");
    }
    if (method != null && from == null) {
      throw new IllegalArgumentException("--method names imported vectors: it goes with --from");
    }
    if (from != null && !Files.exists(from)) {
      throw new IllegalArgumentException("--from " + from + ": no such file or folder");
    }
    try (TileIndex tiles = location.openForSearch(provenance, IndexSettings.defaults())) {
      String name = SlidePooling.MEAN;
      List<SlideVector> vectors;
      if (slideEncoder != null) {
        try (SlideEncoder encoder =
            SlideEncoder.load(
                slideEncoder,
                EncoderOptions.defaults().withDevice(device).withThreads(threads.threads))) {
          name = encoder.name();
          SlideEncoding.Result result = SlideEncoding.run(tiles, encoder);
          vectors = result.vectors();
          spec.commandLine()
              .getErr()
              .printf(
                  "slide encoder %s (%s, sha256 %s): canary %s%n",
                  name,
                  encoder.bundle().dir(),
                  encoder.bundle().shortHash(),
                  encoder.canary().describe());
          List<String> leftOut = result.leftOut();
          leftOut.stream()
              .limit(LEFT_OUT_SHOWN)
              .forEach(s -> spec.commandLine().getErr().println("left out: " + s));
          if (leftOut.size() > LEFT_OUT_SHOWN) {
            spec.commandLine()
                .getErr()
                .printf(
                    "left out: %d more slide ids without a slide record%n",
                    leftOut.size() - LEFT_OUT_SHOWN);
          }
        }
      } else if (from == null) {
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
