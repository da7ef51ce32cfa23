package org.pathlens.index.opensearch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pathlens.index.IndexSettings;
import org.pathlens.index.Quantization;

/**
 * How each {@link Quantization} maps onto OpenSearch 2.19's k-NN Lucene engine: float and int8 have
 * a mapping, the encodings it lacks are refused with one line naming the option.
 */
class OpenSearchQuantizationMappingTest {

  private static JsonNode parameters(Quantization quantization) {
    return OpenSearchDocuments.createBody(
            512, IndexSettings.defaults().withQuantization(quantization), 1, 0, Map.of())
        .at("/mappings/properties/embedding/method/parameters");
  }

  @Test
  void floatHasNoEncoderAndInt8IsScalarQuantization() {
    assertFalse(parameters(Quantization.NONE).has("encoder"));
    assertEquals("sq", parameters(Quantization.INT8).at("/encoder/name").asText());
    assertEquals(32, parameters(Quantization.INT8).get("m").asInt());
  }

  @Test
  void oneBitAndFourBitAreRefusedNamingTheOption() {
    assertEquals(
        "--quantization bbq has no OpenSearch form (OpenSearch 2.19's k-NN Lucene engine"
            + " quantizes to int8 only): use int8 or none",
        assertThrows(IllegalArgumentException.class, () -> parameters(Quantization.BBQ))
            .getMessage());
    assertEquals(
        "--quantization int4 has no OpenSearch form (the Lucene engine's scalar quantizer is"
            + " int8): use int8 or none",
        assertThrows(IllegalArgumentException.class, () -> parameters(Quantization.INT4))
            .getMessage());
  }
}
