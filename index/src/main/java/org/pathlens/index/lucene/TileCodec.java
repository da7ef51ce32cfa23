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
          new Lucene99HnswVectorsFormat(settings.m(), settings.beamWidth(), workers, mergeExecutor);
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
        encoding, settings.m(), settings.beamWidth(), workers, mergeExecutor);
  }
}
