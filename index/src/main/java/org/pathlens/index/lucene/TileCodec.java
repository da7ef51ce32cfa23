package org.pathlens.index.lucene;

import java.util.concurrent.ExecutorService;
import org.apache.lucene.codecs.Codec;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene104.Lucene104Codec;
import org.apache.lucene.codecs.lucene104.Lucene104HnswScalarQuantizedVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.util.quantization.QuantizedByteVectorValues.ScalarEncoding;
import org.pathlens.index.IndexSettings;

/**
 * Lucene's default codec with the embedding's HNSW format set from {@link IndexSettings}. Only the
 * writer needs it: each segment records its vector format by name, and Lucene reads any of them
 * with the stock codec.
 */
final class TileCodec {

  private TileCodec() {}

  /**
   * Lucene's {@code tinySegmentsThreshold}: a segment gets an HNSW graph only if it holds more
   * tiles than {@code ln(tiles) × this} (its expected visits of a graph search), so with 150 a
   * segment of up to about 1000 tiles (one default commit: 6.9 × 150 = 1036) is written flat and
   * searched exactly, its graph first built when a merge joins it to others. Lucene's default (100)
   * gave every 1000-tile commit a graph, built on the adding thread one dot product at a time,
   * which the merge then built again: in JFR samples of a 10⁵ × 512 feature import the adding
   * thread took 19 % (three quarters of it building those graphs) and the merges 81 %; merges build
   * with the merge workers and Lucene's bulk scoring of the memory-mapped vectors
   * (docs/index-benchmark.md, "Build time"). From about 1100 tiles on (ln(1100) × 150 < 1100), a
   * segment gets its graph as before.
   */
  static final int FLAT_SEGMENT_VISITS = 150;

  /**
   * @param mergeExecutor threads for multi-threaded HNSW merging, or null for {@code mergeWorkers =
   *     1}
   */
  static Codec of(IndexSettings settings, ExecutorService mergeExecutor) {
    KnnVectorsFormat format = vectorsFormat(settings, mergeExecutor);
    return new Lucene104Codec() {
      @Override
      public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
        return format;
      }
    };
  }

  static KnnVectorsFormat vectorsFormat(IndexSettings settings, ExecutorService mergeExecutor) {
    int workers = mergeExecutor == null ? 1 : settings.mergeWorkers();
    return switch (settings.quantization()) {
      case NONE ->
          new Lucene99HnswVectorsFormat(
              settings.m(), settings.beamWidth(), workers, mergeExecutor, FLAT_SEGMENT_VISITS);
      // All keep the float vectors beside the quantized ones: they are what rescoring reads.
      case INT8 -> quantized(ScalarEncoding.UNSIGNED_BYTE, settings, workers, mergeExecutor);
      case INT4 -> quantized(ScalarEncoding.PACKED_NIBBLE, settings, workers, mergeExecutor);
      // Lucene 10.6's 1-bit form (BBQ); the older Lucene102HnswBinaryQuantizedVectorsFormat is
      // only in the backward codecs.
      case BBQ ->
          quantized(ScalarEncoding.SINGLE_BIT_QUERY_NIBBLE, settings, workers, mergeExecutor);
    };
  }

  private static KnnVectorsFormat quantized(
      ScalarEncoding encoding, IndexSettings settings, int workers, ExecutorService mergeExecutor) {
    return new Lucene104HnswScalarQuantizedVectorsFormat(
        encoding, settings.m(), settings.beamWidth(), workers, mergeExecutor, FLAT_SEGMENT_VISITS);
  }
}
