package org.pathlens.index;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where an index keeps its slides' embeddings ({@link SlideVector}): a companion index beside the
 * tiles on both backends. Searched exactly (every slide of the method scored): at 10^4 slides a
 * scan is milliseconds, and slide-level answers must not miss a case to an approximate graph.
 */
public interface SlideVectors {

  /**
   * Writes {@code slides}, each replacing the vector of its slide and method; durable on return.
   */
  void write(List<SlideVector> slides) throws IOException;

  /** The vector of {@code slideId} made by {@code method}, if there is one. */
  Optional<SlideVector> find(String slideId, String method) throws IOException;

  /** Every vector of {@code method}, in no set order. */
  void forEach(String method, Consumer<SlideVector> action) throws IOException;

  /** The methods with at least one vector, sorted. */
  List<String> methods() throws IOException;

  /**
   * The {@code k} slides of {@code method} closest to {@code query} by cosine, best first (ties by
   * slide id), among those whose metadata has every value of {@code where}, leaving out the slides
   * of {@code excludePatientId} (null: none) and {@code excludeSlideId} (null: none).
   */
  List<SlideHit> search(
      float[] query,
      String method,
      int k,
      Map<String, String> where,
      String excludeSlideId,
      String excludePatientId)
      throws IOException;

  /** Deletes every vector of {@code slideId}; returns how many there were. */
  int delete(String slideId) throws IOException;
}
