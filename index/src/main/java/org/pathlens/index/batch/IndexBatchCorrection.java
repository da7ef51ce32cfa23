package org.pathlens.index.batch;

import java.io.IOException;
import java.util.Set;
import java.util.SortedMap;
import org.pathlens.index.IndexCapability;
import org.pathlens.index.TileFilter;
import org.pathlens.index.TileIndex;

/**
 * Fits a batch correction on an index's own tiles and applies it ({@code pathlens index
 * batch-correct}): streams every tile's raw embedding into per-batch statistics, fits {@link
 * ComBat}, stores the parameters with the index and rewrites its vectors. Re-running refits from
 * the raw embeddings (so a site ingested since gets its own parameters); {@link #remove} restores
 * them.
 */
public final class IndexBatchCorrection {

  /**
   * Fields that cannot name a batch: identifiers of single tiles, free text, numbers, the class
   * itself.
   */
  static final Set<String> NOT_BATCHES =
      Set.of(
          "id",
          "label",
          "caption",
          "x",
          "y",
          "mpp",
          "source",
          "embedding",
          "embedding_raw",
          "batch_corrected");

  /**
   * What a fit did.
   *
   * @param skipped batches with too few tiles to fit, with their counts (their tiles stay raw)
   * @param withoutBatch tiles that have no value for the field (they stay raw)
   * @param corrected tiles whose vectors are now corrected
   * @param uncorrected tiles kept raw
   * @param parameters where the index keeps the fitted parameters
   */
  public record Summary(
      BatchCorrection correction,
      SortedMap<String, Long> skipped,
      long withoutBatch,
      int corrected,
      int uncorrected,
      String parameters) {}

  private IndexBatchCorrection() {}

  /**
   * Fits on the index's raw embeddings, batches named by the metadata field {@code by}, and applies
   * the fit.
   *
   * @throws IllegalArgumentException if {@code by} cannot name batches, or too few batches have
   *     enough tiles
   */
  public static Summary fit(TileIndex index, String by, ComBat.Options options) throws IOException {
    index.location().require(IndexCapability.BATCH_CORRECTION);
    if (NOT_BATCHES.contains(by)) {
      throw new IllegalArgumentException(
          "--by "
              + by
              + ": batches are named by a metadata field such as site, scanner"
              + " or stain"
              + ("label".equals(by)
                  ? " (correcting by the class would remove what the embeddings should show)"
                  : ""));
    }
    BatchStatistics stats = new BatchStatistics(index.provenance().embeddingDim());
    long[] withoutBatch = {0};
    index.forEachRawTile(
        TileFilter.ALL,
        tile -> {
          String batch = tile.record().metadata(by);
          if (batch == null || batch.isBlank()) {
            withoutBatch[0]++;
          } else {
            stats.add(batch, tile.embedding());
          }
        });
    if (stats.batches().isEmpty()) {
      throw new IllegalArgumentException(
          "no tile of index "
              + index.location()
              + " has a value for "
              + by
              + (withoutBatch[0] == 0
                  ? " (the index is empty)"
                  : " (ingest with a manifest that has a " + by + " column)"));
    }
    ComBat.Fit fit = ComBat.fit(by, stats, options);
    String parameters = index.setBatchCorrection(fit.correction());
    int corrected = index.count(TileFilter.parse("batch_corrected:true"));
    return new Summary(
        fit.correction(),
        fit.skipped(),
        withoutBatch[0],
        corrected,
        index.size() - corrected,
        parameters);
  }

  /** Removes the index's batch correction: every vector is its raw embedding again. */
  public static void remove(TileIndex index) throws IOException {
    index.setBatchCorrection(null);
  }
}
