package org.pathlens.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class ExactSearchTest {

  @Test
  void ranksByCosineThenId() {
    ExactSearch search = new ExactSearch();
    search.add("c", new float[] {1, 0});
    search.add("b", new float[] {0.6f, 0.8f});
    search.add("a", new float[] {0.6f, 0.8f});
    search.add("d", new float[] {0, 1});
    List<SearchHit> hits = search.search(new float[] {1, 0}, 3);
    assertEquals(List.of("c", "a", "b"), hits.stream().map(SearchHit::id).toList());
    assertEquals(0.6f, hits.get(1).score(), 1e-6f);
  }

  @Test
  void kLargerThanTheIndexReturnsEverything() {
    ExactSearch search = new ExactSearch();
    search.add("x", new float[] {1, 0});
    assertEquals(1, search.search(new float[] {0, 1}, 10).size());
  }

  @Test
  void dimensionMismatchIsRefused() {
    ExactSearch search = new ExactSearch();
    search.add("x", new float[] {1, 0});
    assertThrows(IllegalArgumentException.class, () -> search.add("y", new float[] {1, 0, 0}));
  }
}
