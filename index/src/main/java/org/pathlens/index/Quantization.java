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
  INT4
}
