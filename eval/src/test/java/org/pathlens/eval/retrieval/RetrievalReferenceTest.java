package org.pathlens.eval.retrieval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pathlens.eval.metrics.Bootstrap;
import org.pathlens.eval.metrics.MetricValue;
import org.pathlens.testkit.TestData;

/**
 * Every retrieval metric against fixtures/golden/retrieval/reference.json
 * (fixtures/scripts/make_retrieval_golden.py).
 */
class RetrievalReferenceTest {

  @Test
  void matchesTheNumpyReference() throws IOException {
    JsonNode ref =
        new ObjectMapper()
            .readTree(TestData.golden("retrieval").resolve("reference.json").toFile());
    List<String> ids = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    List<String> slides = new ArrayList<>();
    List<float[]> images = new ArrayList<>();
    List<float[]> captions = new ArrayList<>();
    for (int i = 0; i < ref.get("ids").size(); i++) {
      ids.add(ref.get("ids").get(i).asText());
      labels.add(ref.get("labels").get(i).asText());
      slides.add(ref.get("slides").get(i).asText());
      images.add(floats(ref.get("images").get(i)));
      JsonNode caption = ref.get("captions").get(i);
      captions.add(caption.isNull() ? null : floats(caption));
    }
    List<MetricValue> values =
        RetrievalEvaluation.run(
            new RetrievalEvaluation.Items(ids, images, captions, labels, slides),
            new Bootstrap(200, 1, 0.95));
    JsonNode expected = ref.get("expected");
    assertEquals(expected.size(), values.size());
    for (MetricValue v : values) {
      assertTrue(expected.has(v.name()), "reference has " + v.name());
      assertEquals(expected.get(v.name()).asDouble(), v.value(), 1e-9, v.name());
      assertTrue(
          v.interval().lower() <= v.value() && v.value() <= v.interval().upper(), v.toString());
    }
  }

  private static float[] floats(JsonNode array) {
    float[] out = new float[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).floatValue();
    }
    return out;
  }
}
