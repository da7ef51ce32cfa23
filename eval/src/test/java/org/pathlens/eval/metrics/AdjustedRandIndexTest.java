package org.pathlens.eval.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.pathlens.testkit.TestData;

/**
 * ARI on cases worked by hand and against fixtures/golden/ari/reference.json
 * (fixtures/scripts/make_ari_golden.py).
 */
class AdjustedRandIndexTest {

  @Test
  void handWorkedCases() {
    // Same partition, other names: 1.
    assertEquals(1.0, AdjustedRandIndex.of(split("aabbcc"), split("xxyyzz")), 1e-12);
    // aabb vs abab: every cell holds 1, so no pair agrees; index 0, expected 2*2/6, max 2:
    // (0-2/3)/(2-2/3) = -1/2.
    assertEquals(-0.5, AdjustedRandIndex.of(split("aabb"), split("abab")), 1e-12);
    // One cluster against three classes: expected equals the index, 0.
    assertEquals(0.0, AdjustedRandIndex.of(split("aaaaaa"), split("aabbcc")), 1e-12);
    // aabbcc vs aabbcd: index 2, rows 3, columns 2, total 15: expected 6/15, max 5/2;
    // (2-0.4)/(2.5-0.4) = 16/21.
    assertEquals(16.0 / 21, AdjustedRandIndex.of(split("aabbcc"), split("aabbcd")), 1e-12);
    // Symmetric.
    assertEquals(
        AdjustedRandIndex.of(split("aabbcd"), split("aabbcc")),
        AdjustedRandIndex.of(split("aabbcc"), split("aabbcd")),
        1e-12);
  }

  @Test
  void repeatedIndicesCountAsMoreItems() {
    // Items 0,0,1,2 of aab/xyy: labels a,a,a,b vs x,x,y,y: cells aa-x 2, a-y 1, b-y 1 -> index 1,
    // rows 3, cols 2, total 6.
    double expected = (1 - 3.0 * 2 / 6) / (2.5 - 1.0);
    assertEquals(
        expected, AdjustedRandIndex.of(split("aab"), split("xyy"), new int[] {0, 0, 1, 2}), 1e-12);
  }

  @Test
  void matchesTheNumpyReference() throws IOException {
    JsonNode ref =
        new ObjectMapper().readTree(TestData.golden("ari").resolve("reference.json").toFile());
    assertEquals(8, ref.get("cases").size());
    for (JsonNode c : ref.get("cases")) {
      assertEquals(
          c.get("ari").asDouble(),
          AdjustedRandIndex.of(strings(c.get("a")), strings(c.get("b"))),
          1e-12,
          c.get("name").asText());
    }
  }

  private static String[] split(String letters) {
    return letters.split("");
  }

  private static String[] strings(JsonNode array) {
    String[] out = new String[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asText();
    }
    return out;
  }
}
