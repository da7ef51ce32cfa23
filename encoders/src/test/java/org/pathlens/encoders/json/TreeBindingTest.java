package org.pathlens.encoders.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TreeBindingTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  record Inner(Integer size) {}

  record Fields(
      String text,
      Integer count,
      Long big,
      Number number,
      List<Number> numbers,
      Inner inner,
      JsonNode any,
      AtomicReference<String> optional) {}

  private static Fields bind(String json) throws IOException {
    return TreeBinding.bind((ObjectNode) JSON.readTree(json), Fields.class);
  }

  @Test
  void bindsSnakeCaseKeysAndIgnoresOthers() throws IOException {
    record Named(Integer embeddingDim) {}
    assertEquals(
        new Named(7),
        TreeBinding.bind(
            (ObjectNode) JSON.readTree("{\"embedding_dim\": 7, \"notes\": {}}"), Named.class));
  }

  @Test
  void bindsWhatJsonSpellsAsSuch() throws IOException {
    Fields f =
        bind(
            """
            {"text": "a", "count": 3, "big": 3000000000, "number": 1, "numbers": [0.5, 2],
             "inner": {"size": 4}, "any": 5, "optional": "x"}""");
    assertEquals("a", f.text());
    assertEquals(3, f.count());
    assertEquals(3000000000L, f.big());
    assertEquals(1.0, f.number().doubleValue());
    assertEquals(List.of(0.5, 2), f.numbers());
    assertEquals(new Inner(4), f.inner());
    assertEquals(5, f.any().intValue());
    assertEquals("x", f.optional().get());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"text\": 5}",
        "{\"text\": true}",
        "{\"text\": {}}",
        "{\"count\": \"3\"}",
        "{\"count\": 3.0}",
        "{\"count\": 3000000000}",
        "{\"big\": 1e30}",
        "{\"number\": \"1\"}",
        "{\"number\": \"NaN\"}",
        "{\"number\": \"Infinity\"}",
        "{\"numbers\": [1, \"2\"]}",
        "{\"numbers\": 1}",
        "{\"inner\": \"x\"}",
        "{\"inner\": {\"size\": \"4\"}}",
      })
  void aValueOfTheWrongTypeIsBoundAsNull(String json) throws IOException {
    Fields f = bind(json);
    assertEquals(new Fields(null, null, null, null, null, f.inner(), null, null), f);
    if (f.inner() != null) {
      assertNull(f.inner().size());
    }
  }

  @Test
  void aNodeOrReferenceTellsANullFromAMissingKey() throws IOException {
    Fields missing = bind("{}");
    assertNull(missing.any());
    assertNull(missing.optional());
    Fields nulls = bind("{\"any\": null, \"optional\": null}");
    assertEquals(NullNode.getInstance(), nulls.any());
    assertNull(nulls.optional().get());
  }
}
