package org.pathlens.index.ingest;

import java.util.List;

/**
 * What an ingest did.
 *
 * @param tiles tiles embedded and added (re-added tiles replace their earlier copies, so this is
 *     not the growth of the index)
 * @param unchanged tiles the index already held unchanged, kept without embedding them again
 * @param slides slides tiled (0 for a tile folder)
 * @param skipped inputs left out, in the order met
 * @param seconds wall-clock time, from the first read to the last commit
 */
public record IngestSummary(
    long tiles, long unchanged, int slides, List<SkippedInput> skipped, double seconds) {

  public IngestSummary {
    skipped = List.copyOf(skipped);
  }

  /** Inputs left out because the model's output for them was NaN or infinite. */
  public long nonFinite() {
    return skipped.stream().filter(SkippedInput::nonFinite).count();
  }

  /** End-to-end throughput: reading, embedding and indexing. */
  public double tilesPerSecond() {
    return seconds > 0 ? tiles / seconds : 0;
  }
}
