package org.pathlens.index.batch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pathlens.testkit.TestData;

/**
 * ComBat against fixtures/golden/combat/reference.json (fixtures/scripts/make_combat_golden.py:
 * numpy on the whole matrix; the Java fit works from running per-batch statistics). Parameters
 * agree to 1e-9 (double arithmetic in a different order); corrected unit vectors, which the Java
 * side returns as float32, to 1e-6.
 */
class ComBatReferenceTest {

  private static final double PARAMETER_TOLERANCE = 1e-9;
  private static final float VECTOR_TOLERANCE = 1e-6f;

  @Test
  void locationScaleAndEmpiricalBayesMatchTheNumpyReference() throws IOException {
    JsonNode ref =
        new ObjectMapper().readTree(TestData.golden("combat").resolve("reference.json").toFile());
    assertEquals(2, ref.get("cases").size());
    for (JsonNode c : ref.get("cases")) {
      String name = c.get("name").asText();
      List<float[]> x = new ArrayList<>();
      c.get("x").forEach(row -> x.add(floats(row)));
      List<String> batches = new ArrayList<>();
      c.get("batches").forEach(b -> batches.add(b.asText()));
      for (ComBat.Method method : ComBat.Method.values()) {
        BatchCorrection fit =
            ComBat.fit("site", x, batches, new ComBat.Options(method, 2)).correction();
        assertArrayEquals(doubles(c.get("mean")), fit.mean(), PARAMETER_TOLERANCE, name);
        assertArrayEquals(doubles(c.get("scale")), fit.scale(), PARAMETER_TOLERANCE, name);
        String suffix = method == ComBat.Method.EMPIRICAL_BAYES ? "eb" : "hat";
        assertEquals(c.get("params").size(), fit.batches().size(), name);
        c.get("params")
            .fields()
            .forEachRemaining(
                e -> {
                  BatchCorrection.Batch b = fit.batches().get(e.getKey());
                  String where = name + " " + e.getKey() + " " + method;
                  assertEquals(e.getValue().get("tiles").asLong(), b.tiles(), where);
                  assertArrayEquals(
                      doubles(e.getValue().get("gamma_" + suffix)),
                      b.gamma(),
                      PARAMETER_TOLERANCE,
                      where + " gamma");
                  assertArrayEquals(
                      doubles(e.getValue().get("delta_" + suffix)),
                      b.delta(),
                      PARAMETER_TOLERANCE,
                      where + " delta");
                  if (method == ComBat.Method.EMPIRICAL_BAYES) {
                    assertEquals(
                        e.getValue().get("eb_iterations").asInt(),
                        b.iterations(),
                        where + " iterations");
                  }
                });
        JsonNode corrected =
            c.get(
                method == ComBat.Method.EMPIRICAL_BAYES
                    ? "corrected_empirical_bayes"
                    : "corrected_location_scale");
        for (int i = 0; i < x.size(); i++) {
          assertArrayEquals(
              floats(corrected.get(i)),
              fit.apply(x.get(i), batches.get(i)),
              VECTOR_TOLERANCE,
              name + " row " + i + " " + method);
        }
      }
    }
  }

  static float[] floats(JsonNode array) {
    float[] out = new float[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) array.get(i).doubleValue();
    }
    return out;
  }

  static double[] doubles(JsonNode array) {
    double[] out = new double[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).doubleValue();
    }
    return out;
  }
}
