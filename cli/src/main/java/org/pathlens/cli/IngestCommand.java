package org.pathlens.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.pathlens.encoders.ImageEncoder;
import org.pathlens.encoders.VisionLanguageModel;
import org.pathlens.encoders.bundle.ImageFeature;
import org.pathlens.encoders.preprocess.ImageDecoder;
import org.pathlens.encoders.preprocess.stain.StainOptions;
import org.pathlens.index.IndexCapability;
import org.pathlens.index.IndexProvenance;
import org.pathlens.index.IndexSettings;
import org.pathlens.index.Quantization;
import org.pathlens.index.RebuildingIndex;
import org.pathlens.index.TileFilter;
import org.pathlens.index.TileIndex;
import org.pathlens.index.features.FeatureFiles;
import org.pathlens.index.features.FeatureSpace;
import org.pathlens.index.ingest.ExistingTiles;
import org.pathlens.index.ingest.FeatureIngest;
import org.pathlens.index.ingest.FeatureModel;
import org.pathlens.index.ingest.IngestSummary;
import org.pathlens.index.ingest.RegionFiles;
import org.pathlens.index.ingest.SlideFiles;
import org.pathlens.index.ingest.SlideIngest;
import org.pathlens.index.ingest.SlideIngestRules;
import org.pathlens.index.ingest.SlidePatients;
import org.pathlens.index.ingest.TileFolderIngest;
import org.pathlens.slides.TissueDetector;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pathlens ingest}: embed a tile folder or whole-slide images into a tile index. */
@Command(
    name = "ingest",
    mixinStandardHelpOptions = true,
    header = "Index tile images, whole slides or TRIDENT/CLAM features.",
    description = {
      "Embed tiles into an index (created if absent): a folder of tile images (with an optional manifest CSV of metadata), or",
      "whole-slide images cut into tissue tiles, or patch features from TRIDENT or CLAM (.h5) as their",
      "slides' tiles. Progress goes to stderr (a bar on a terminal), one summary line to stdout.",
      "Re-running an ingest never duplicates tiles: tiles already in the index with the",
      "same metadata are kept as they are (not embedded again), so a re-run after a crash does only what",
      "is left. Inputs that cannot be read are named on stderr and skipped; the exit code is 1 if the",
      "inputs gave no tile at all."
    },
    footer = {
      "%nExamples:",
      "  ./pathlens ingest --model fixtures/demo-bundle --index /tmp/pl/idx \\",
      "      --tiles /tmp/pl/tiles --manifest /tmp/pl/tiles/manifest.csv",
      "  ./pathlens ingest --model fixtures/demo-bundle --index /tmp/pl/idx \\",
      "      --slides /tmp/pl/slide.tiff --mpp 0.5",
      "  ./pathlens ingest --model fixtures/demo-bundle --index /tmp/pl/idx \\",
      "      --features /tmp/pl/trident/features_pathlens-demo-crc9 --slides /tmp/pl/slide.tiff"
    })
final class IngestCommand implements Callable<Integer> {

  // picocli's out and err: the real streams from main(), a test's writers in-process.
  @Spec CommandSpec spec;

  @Mixin ModelOptions model;

  @Mixin StainCliOptions stain;

  @Mixin IndexOption index;

  @Option(
      names = "--tiles",
      paramLabel = "DIR",
      description = "A folder of tile images (searched recursively).")
  Path tiles;

  @Option(
      names = "--slides",
      arity = "1..*",
      paramLabel = "PATH",
      description =
          "Slide files, or folders of them (svs, tif(f), ndpi, mrxs, scn, dcm, ...); a folder of one"
              + " DICOM series' instances is one slide. With --features: the slides the feature"
              + " files belong to (same name), for their pixels.")
  List<Path> slides;

  @Option(
      names = "--features",
      paramLabel = "PATH",
      description =
          "Patch features computed elsewhere: a TRIDENT or CLAM .h5 file, a folder of them, or a"
              + " TRIDENT job folder (its features_<encoder> folder). No pixel is read and no"
              + " encoder runs; --model must be the model that made them.")
  Path features;

  @Option(
      names = "--trust-features",
      description =
          "With --features: ingest features whose 'encoder' attribute names another model than the"
              + " bundle (the same model under another name); the slide record keeps that it was"
              + " trusted.")
  boolean trustFeatures;

  @Option(
      names = "--feature-space",
      paramLabel = "embedding|pre-projection",
      converter = Spellings.FeatureSpaces.class,
      description =
          "With --features: what the rows are. embedding: the model's image embeddings."
              + " pre-projection: its image features before the projection into the text space"
              + " (TRIDENT and CLAM store CONCH v1's so), projected with the bundle's"
              + " image_projection.pt for text search and zero-shot, and kept for export. Default:"
              + " the file's pathlens_feature_space attribute, else the one their length fits.")
  FeatureSpace featureSpace;

  @Option(
      names = "--manifest",
      paramLabel = "CSV",
      description =
          "With --tiles: a CSV with a 'path' column (relative to the folder) and metadata columns;"
              + " its rows are the tiles ingested.")
  Path manifest;

  @Option(
      names = "--regions",
      paramLabel = "DIR|FILE.geojson",
      description =
          "With --slides: ingest only the tiles whose centre lies inside a region drawn in QuPath"
              + " (File > Export objects as GeoJSON, level-0 pixels; holes left out), each recording"
              + " its region_class and region_name. A folder holds <slide>.geojson for every slide;"
              + " a file is named after its one slide.")
  Path regions;

  @Mixin TilingCliOptions tiling;

  @Option(
      names = "--tile-size",
      paramLabel = "N",
      description = "Slide tile side in pixels (default: the bundle's image size).")
  Integer tileSize;

  @Option(
      names = "--read-threads",
      defaultValue = "2",
      paramLabel = "N",
      description = "Threads decoding tiles beside inference (default: ${DEFAULT-VALUE}).")
  int readThreads;

  @Option(
      names = "--quantization",
      paramLabel = "none|int8|int4|bbq",
      converter = Spellings.Quantizations.class,
      description =
          "How a new index's HNSW graph stores vectors; quantized searches rescore at full precision"
              + " (default: none). An existing index keeps what it was created with.")
  Quantization quantization = Quantization.NONE;

  @Option(
      names = "--commit",
      paramLabel = "N",
      description =
          "Tiles per commit: a crash loses at most the batch in flight (default: ${DEFAULT-VALUE}).")
  int commit = IndexSettings.defaults().commitSize();

  @Option(
      names = "--reembed",
      description =
          "Embed every tile again, also those the index already holds with the same metadata"
              + " (after image files were replaced in place, which the metadata cannot show).")
  boolean reembed;

  @Option(
      names = "--replace",
      description =
          "With --slides: ingest a slide whose id (its file name) the index already holds for another"
              + " file, or cut another way, in place of it: its tiles are removed first. Without it"
              + " such a slide is refused, so one id never mixes two files' tiles.")
  boolean replace;

  @Option(
      names = "--patients",
      paramLabel = "CSV|tcga",
      description =
          "With --slides: the patient of each slide, recorded as its tiles' patient_id. A CSV with"
              + " slide_id (or slide, wsi) and patient_id (or patient, case_id) columns, or tcga:"
              + " the TCGA barcode rule (TCGA-CR-7395-01A-01-TS1 belongs to patient TCGA-CR-7395).")
  String patients;

  @Mixin GraphOptions graph;

  @Option(
      names = "--rebuild",
      description =
          "On a cluster index: write a new index beside the one the alias NAME points at, and point"
              + " the alias at it once the ingest is done (one atomic step; readers keep the old index"
              + " until then, which is kept). Run again after a crash to resume the rebuild.")
  boolean rebuild;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    requireOneInput();
    if (manifest != null && tiles == null) {
      throw new IllegalArgumentException("--manifest goes with --tiles, not --slides");
    }
    if (trustFeatures && features == null) {
      throw new IllegalArgumentException("--trust-features goes with --features");
    }
    if (patients != null && (slides == null || features != null)) {
      throw new IllegalArgumentException(
          "--patients goes with --slides (tile folders take patient_id from --manifest)");
    }
    SlidePatients slidePatients =
        patients == null ? SlidePatients.NONE : SlidePatients.parse(patients);
    if (replace && (slides == null || features != null)) {
      throw new IllegalArgumentException("--replace goes with --slides (without --features)");
    }
    if (featureSpace != null && features == null) {
      throw new IllegalArgumentException("--feature-space goes with --features");
    }
    if (rebuild) {
      index.location.require(IndexCapability.REBUILD); // before the model loads
    }
    List<Path> slideFiles = slides == null ? List.of() : SlideFiles.expand(slides);
    List<Path> featureFiles = features == null ? List.of() : FeatureFiles.expand(features);
    if (regions != null && (slides == null || features != null)) {
      throw new IllegalArgumentException(
          "--regions goes with --slides alone: it chooses which tiles of whole-slide images are"
              + " cut");
    }
    RegionFiles regionFiles =
        regions == null ? RegionFiles.NONE : RegionFiles.read(regions, slideFiles);
    IngestSummary summary;
    ImageDecoder decoder = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS);
    StainOptions stainOptions = stain.toStainOptions(decoder);
    try (VisionLanguageModel vlm =
            VisionLanguageModel.load(model.bundle, model.toEncoderOptions());
        TileIndex tileIndex = open(IndexProvenance.of(vlm, stainOptions));
        IngestProgress progress = IngestProgress.forConsole(err)) {
      ImageEncoder encoder = vlm.images().withStain(stainOptions);
      ExistingTiles existing = reembed ? ExistingTiles.REEMBED : ExistingTiles.KEEP;
      if (features != null) {
        summary =
            new FeatureIngest(
                    FeatureModel.of(vlm),
                    trustFeatures,
                    tiling.slideMppRule(),
                    SlideIngest.DEFAULT_THUMBNAIL_SIZE,
                    existing,
                    featureSpace(vlm))
                .ingest(featureFiles, slideFiles, tileIndex, progress);
      } else if (tiles != null) {
        summary =
            new TileFolderIngest(encoder, decoder, model.batchSize(), readThreads, existing)
                .ingest(tiles, manifest, tileIndex, progress);
      } else {
        int size = tileSize != null ? tileSize : vlm.bundle().config().image().size();
        summary =
            new SlideIngest(
                    encoder,
                    tiling.toTilingOptions(size),
                    TissueDetector.defaults(),
                    model.batchSize(),
                    readThreads,
                    SlideIngest.DEFAULT_THUMBNAIL_SIZE,
                    new SlideIngestRules(existing, replace, slidePatients, regionFiles))
                .ingest(slideFiles, tileIndex, progress);
      }
      progress.close(); // the bar's last redraw before the summary
      if (rebuilding != null && summary.tiles() + summary.unchanged() > 0) {
        Optional<String> old = rebuilding.finish();
        if (old.isPresent()) {
          err.printf(
              "pathlens ingest: %s now serves the rebuilt index; the one it replaced, %s, is kept"
                  + " (delete it once the new one is trusted: curl -XDELETE %s)%n",
              index.location, old.get(), old.get());
        }
      }
      spec.commandLine().getOut().println(summaryLine(summary, tileIndex.size()));
      warnIfUncorrected(tileIndex, err);
    }
    return summary.tiles() + summary.unchanged() > 0 ? 0 : 1;
  }

  /** --feature-space, read for a bundle whose image embeddings are pre-projection features. */
  private FeatureSpace featureSpace(VisionLanguageModel vlm) {
    return featureSpace == FeatureSpace.PRE_PROJECTION
            && vlm.bundle().config().imageFeature() == ImageFeature.PRE_PROJECTION
        ? FeatureSpace.EMBEDDING
        : featureSpace;
  }

  /** One of --tiles, --slides and --features; --slides may go with --features. */
  private void requireOneInput() {
    if (features != null && tiles != null) {
      throw new IllegalArgumentException("give --features or --tiles, not both");
    }
    if (features == null && (tiles == null) == (slides == null)) {
      throw new IllegalArgumentException(
          "give one of --tiles DIR, --slides PATH... or --features PATH (with --slides for their"
              + " slides' pixels)");
    }
  }

  /** With --rebuild: the new index being written beside the alias's, set by {@link #open}. */
  private RebuildingIndex rebuilding;

  /** The index to write: the one {@code --index} names, or with --rebuild a new one beside it. */
  private TileIndex open(IndexProvenance provenance) throws IOException {
    if (!rebuild) {
      return index.location.open(provenance, indexSettings());
    }
    rebuilding = index.location.openRebuild(provenance, indexSettings());
    return rebuilding;
  }

  /**
   * In a batch-corrected index, tiles of batches the fit did not see stay raw: say how many, and
   * how to refit.
   */
  private static void warnIfUncorrected(TileIndex tileIndex, PrintWriter err) throws IOException {
    var correction = tileIndex.batchCorrection();
    if (correction.isEmpty()) {
      return;
    }
    int raw = tileIndex.count(TileFilter.parse("batch_corrected:false"));
    if (raw > 0) {
      err.printf(
          Locale.ROOT,
          "pathlens ingest: warning: the index's batch correction by %s covers %s; tiles of"
              + " another or no %s are kept raw: %d (pathlens index batch-correct refits with them)%n",
          correction.get().by(),
          correction.get().batches().keySet(),
          correction.get().by(),
          raw);
    }
  }

  /**
   * {@code tiles 1180, slides 2, skipped 1, 14.2 s, 83.1 tiles/s; the index holds 1180 tiles}, with
   * {@code , unchanged 500} after the tile count when tiles already indexed were kept, and {@code
   * (non-finite 3)} after the skipped count when the model gave NaN or infinity for some tiles.
   */
  static String summaryLine(IngestSummary summary, int indexSize) {
    return String.format(
        Locale.ROOT,
        "tiles %d%s, slides %d, skipped %d%s, %.1f s, %.1f tiles/s; the index holds %d tiles",
        summary.tiles(),
        summary.unchanged() > 0 ? ", unchanged " + summary.unchanged() : "",
        summary.slides(),
        summary.skipped().size(),
        summary.nonFinite() > 0 ? " (non-finite " + summary.nonFinite() + ")" : "",
        summary.seconds(),
        summary.tilesPerSecond(),
        indexSize);
  }

  private IndexSettings indexSettings() {
    if (commit < 1) {
      throw new IllegalArgumentException("--commit must be at least 1, got " + commit);
    }
    return IndexSettings.defaults()
        .withGraph(graph.m, graph.beam)
        .withQuantization(quantization)
        .withCommitSize(commit);
  }
}
