package org.pathlens.index.opensearch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What {@code PATHLENS_OPENSEARCH_ACTIVE_SHARDS} asks of a write, and what it refuses. */
class WriteCopiesTest {

  @Test
  void everyCopyUnlessTheOperatorSaysFewer() {
    for (String all : new String[] {null, "", " all "}) {
      WriteCopies copies = WriteCopies.parse(all);
      assertEquals(2, copies.required(2), all);
      assertEquals("all", copies.parameter(2), all);
    }
    WriteCopies one = WriteCopies.parse("1");
    assertEquals(1, one.required(2));
    assertEquals("1", one.parameter(2));
    // More than the index keeps is every copy it keeps (OpenSearch refuses a larger count).
    assertEquals(2, WriteCopies.parse("3").required(2));
    assertEquals("2", WriteCopies.parse("3").parameter(2));
  }

  @Test
  void anythingElseIsRefusedNamingTheVariable() {
    for (String bad : List.of("0", "-1", "two", "all,1")) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> WriteCopies.parse(bad), bad);
      assertTrue(
          e.getMessage().startsWith("PATHLENS_OPENSEARCH_ACTIVE_SHARDS='" + bad + "': "),
          e.getMessage());
    }
  }
}
