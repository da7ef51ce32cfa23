package org.pathlens.index;

import org.apache.lucene.internal.vectorization.VectorizationProvider;

/**
 * Whether Lucene computes vector similarities with the Panama Vector API (SIMD), which needs the
 * JVM flag {@code --add-modules jdk.incubator.vector}; without it Lucene falls back to scalar
 * loops (about 2× slower queries here) and logs a warning on first use.
 */
public final class LuceneVectorization {

  private LuceneVectorization() {}

  /** The implementation Lucene picked, e.g. {@code PanamaVectorizationProvider}. */
  public static String provider() {
    return VectorizationProvider.getInstance().getClass().getSimpleName();
  }

  public static boolean usesPanama() {
    return provider().startsWith("Panama");
  }
}
