package org.pathlens.index;

import org.apache.lucene.util.VectorUtil;

/**
 * Whether Lucene computes vector similarities with the Panama Vector API (SIMD), which needs the
 * JVM flag {@code --add-modules jdk.incubator.vector}; without it Lucene falls back to scalar loops
 * (about 2× slower queries here) and logs a warning on first use.
 */
public final class LuceneVectorization {

  private LuceneVectorization() {}

  /**
   * The implementation behind {@link VectorUtil}, e.g. {@code PanamaVectorUtilSupport} or {@code
   * DefaultVectorUtilSupport}. Lucene exposes no public accessor (its {@code VectorizationProvider}
   * refuses callers outside Lucene), so this reads VectorUtil's private field.
   */
  public static String implementation() {
    try {
      var field = VectorUtil.class.getDeclaredField("IMPL");
      field.setAccessible(true);
      return field.get(null).getClass().getSimpleName();
    } catch (ReflectiveOperationException | RuntimeException e) {
      return "unknown (" + e + ")";
    }
  }

  public static boolean usesPanama() {
    return implementation().startsWith("Panama");
  }
}
