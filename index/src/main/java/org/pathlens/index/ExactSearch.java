package org.pathlens.index;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import org.pathlens.encoders.Embeddings;

/**
 * Exhaustive cosine search over in-memory unit vectors. The ground truth against which approximate
 * (HNSW) search is measured, and fast enough on its own for a few thousand tiles.
 */
public final class ExactSearch {

  private final List<String> ids = new ArrayList<>();
  private final List<float[]> vectors = new ArrayList<>();

  public void add(String id, float[] unitVector) {
    if (!vectors.isEmpty() && vectors.getFirst().length != unitVector.length) {
      throw new IllegalArgumentException(
          "vector of "
              + id
              + " has dimension "
              + unitVector.length
              + ", index has "
              + vectors.getFirst().length);
    }
    ids.add(id);
    vectors.add(unitVector);
  }

  public int size() {
    return ids.size();
  }

  /** The {@code k} best hits for {@code query}, best first. */
  public List<SearchHit> search(float[] query, int k) {
    // A min-heap of the best k so far: its head is the weakest kept hit.
    PriorityQueue<SearchHit> best = new PriorityQueue<>(SearchHit.RANKING.reversed());
    for (int i = 0; i < ids.size(); i++) {
      SearchHit hit = new SearchHit(ids.get(i), Embeddings.dot(query, vectors.get(i)));
      if (best.size() < k) {
        best.add(hit);
      } else if (SearchHit.RANKING.compare(hit, best.peek()) < 0) {
        best.poll();
        best.add(hit);
      }
    }
    List<SearchHit> hits = new ArrayList<>(best);
    hits.sort(SearchHit.RANKING);
    return hits;
  }
}
