package org.pathlens.index;

/**
 * How the HNSW graph stores vectors. The full-precision vectors are kept in every case: quantized
 * search oversamples candidates on the compressed vectors, then rescores them exactly.
 */
public enum Quantization {
  /** 32-bit floats in the graph. */
  NONE,
  /** One byte per dimension (Lucene's optimized scalar quantization, 4× smaller than floats). */
  INT8,
  /** Four bits per dimension (8× smaller than floats). */
  INT4,
  /**
   * One bit per dimension (32× smaller than floats; "better binary quantization"): Lucene 10.6's
   * {@code Lucene104HnswScalarQuantizedVectorsFormat} with {@code SINGLE_BIT_QUERY_NIBBLE}, the
   * stored vectors one bit a dimension, the query four. Its graph scores are coarse estimates, so
   * rescoring the oversampled candidates with the floats is what makes its results right.
   */
  BBQ
}
