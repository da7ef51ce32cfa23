package org.pathlens.cli;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.pathlens.index.IndexCapability;
import org.pathlens.index.IndexLocation;
import org.pathlens.index.IndexProvenance;
import org.pathlens.index.IndexSettings;
import org.pathlens.index.TileIndex;
import org.pathlens.index.batch.BatchCorrection;
import org.pathlens.index.batch.ComBat;
import org.pathlens.index.batch.IndexBatchCorrection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code pathlens index batch-correct}: fit ComBat on an index's tiles by center and rewrite its
 * vectors.
 */
@Command(
    name = "batch-correct",
    mixinStandardHelpOptions = true,
    header = "Batch-correct an index's embeddings by center (ComBat).",
    description = {
      "Fit a ComBat batch correction (Johnson et al. 2007) on the index's own embeddings, one batch per value of",
      "a metadata field (the center: site), store it with the index and rewrite the vectors searches use. Tiles",
      "ingested later are corrected with the stored parameters when their batch was fitted and kept raw otherwise;",
      "query images and texts are never corrected. Run it again to refit (from the raw embeddings, kept in the",
      "index), --remove to go back to them. No model is loaded."
    },
    footer = {
      "%nExamples:",
      "  ./pathlens index batch-correct --index /tmp/pl/idx --by site",
      "  ./pathlens index batch-correct --index /tmp/pl/idx --remove"
    })
final class IndexBatchCorrectCommand implements Callable<Integer> {

  // picocli's out and err: the real streams from main(), a test's writers in-process.
  @Spec CommandSpec spec;

  // A directory: batch correction lives beside the Lucene files; a cluster says it has none.
  @Mixin IndexOption index;

  @Option(
      names = "--by",
      defaultValue = "site",
      paramLabel = "FIELD",
      description =
          "Metadata field naming a tile's batch: site, scanner, stain or a manifest column (default: ${DEFAULT-VALUE}).")
  String by;

  @Option(
      names = "--method",
      paramLabel = "combat|location_scale",
      converter = Spellings.BatchCorrectionMethod.class,
      description =
          "combat: per-feature estimates shrunk by ComBat's empirical Bayes priors; location_scale: the plain"
              + " batch mean and variance (default: combat).")
  ComBat.Method method = ComBat.Method.EMPIRICAL_BAYES;

  @Option(
      names = "--min-tiles",
      defaultValue = "" + ComBat.Options.DEFAULT_MIN_TILES,
      paramLabel = "N",
      description =
          "Batches with fewer tiles are not fitted and stay raw (default: ${DEFAULT-VALUE}).")
  int minTiles;

  @Option(
      names = "--remove",
      description =
          "Remove the index's batch correction: its vectors become the raw embeddings again.")
  boolean remove;

  @Override
  public Integer call() throws Exception {
    IndexLocation indexLocation = index.location;
    indexLocation.require(IndexCapability.BATCH_CORRECTION);
    IndexProvenance provenance =
        indexLocation
            .readProvenance()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "--index " + indexLocation + ": no tile index there"));
    ComBat.Options options = remove ? null : new ComBat.Options(method, minTiles);
    try (TileIndex tiles = indexLocation.open(provenance, IndexSettings.defaults())) {
      if (remove) {
        boolean had = tiles.batchCorrection().isPresent();
        IndexBatchCorrection.remove(tiles);
        PrintWriter out = spec.commandLine().getOut();
        out.println(
            had
                ? "removed the batch correction: the "
                    + tiles.size()
                    + " vectors are the raw embeddings again"
                : "the index had no batch correction; nothing changed");
        return 0;
      }
      IndexBatchCorrection.Summary summary = IndexBatchCorrection.fit(tiles, by, options);
      print(summary, options);
    }
    return 0;
  }

  private void print(IndexBatchCorrection.Summary summary, ComBat.Options options) {
    PrintWriter out = spec.commandLine().getOut();
    BatchCorrection c = summary.correction();
    out.printf(
        Locale.ROOT,
        "batch correction of %s by %s: %s, batches of at least %d tiles%n",
        index.location,
        by,
        c.method().id(),
        options.minTiles());
    out.printf(
        Locale.ROOT,
        "%-24s %7s  %s%n",
        by,
        "tiles",
        "parameters (mean |gamma|, mean delta in pooled SDs)");
    c.batches()
        .forEach(
            (name, b) ->
                out.printf(
                    Locale.ROOT,
                    "%-24s %7d  fitted: %.3f, %.3f%n",
                    name,
                    b.tiles(),
                    Arrays.stream(b.gamma()).map(Math::abs).average().orElse(0),
                    Arrays.stream(b.delta()).average().orElse(0)));
    summary
        .skipped()
        .forEach(
            (name, n) -> out.printf(Locale.ROOT, "%-24s %7d  too few tiles: kept raw%n", name, n));
    if (summary.withoutBatch() > 0) {
      out.printf(Locale.ROOT, "%-24s %7d  kept raw%n", "(no " + by + ")", summary.withoutBatch());
    }
    out.printf(
        Locale.ROOT,
        "corrected %d tiles, kept %d raw; parameters in %s%n",
        summary.corrected(),
        summary.uncorrected(),
        summary.parameters());
  }
}
