package org.pathlens.prompts.fewshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pathlens.prompts.ClassProbabilities;
import org.pathlens.testkit.TestData;

/**
 * The probe against Newton's-method optima computed in float64 numpy by
 * fixtures/scripts/make_linear_probe_golden.py.
 */
class LinearProbeTest {

  private static JsonNode golden() throws IOException {
    return new ObjectMapper()
        .readTree(TestData.golden("fewshot").resolve("linear_probe.json").toFile());
  }

  private static LabelledEmbeddings data(JsonNode c) {
    int k = c.get("classes").asInt();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      ids.add("c" + i);
    }
    JsonNode x = c.get("x");
    float[][] rows = new float[x.size()][];
    int[] y = new int[x.size()];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = new float[x.get(i).size()];
      for (int j = 0; j < rows[i].length; j++) {
        rows[i][j] = x.get(i).get(j).floatValue();
      }
      y[i] = c.get("y").get(i).asInt();
    }
    return new LabelledEmbeddings(ids, rows, y);
  }

  @Test
  void matchesTheNumpyOptimum() throws IOException {
    for (JsonNode c : golden().get("cases")) {
      String name = c.get("name").asText();
      LabelledEmbeddings data = data(c);
      LinearProbe probe =
          LinearProbe.train(data, LinearProbe.Options.defaults().withL2(c.get("l2").asDouble()));
      assertTrue(
          probe.converged(),
          name + ": gradient " + probe.gradientNorm() + " after " + probe.iterations());
      assertEquals(c.get("objective").asDouble(), probe.objectiveValue(), 1e-9, name);
      for (int k = 0; k < data.classIds().size(); k++) {
        for (int j = 0; j < data.dimension(); j++) {
          assertEquals(
              c.get("weights").get(k).get(j).asDouble(),
              probe.weights()[k][j],
              1e-5,
              name + " W[" + k + "][" + j + "]");
        }
        // The bias is unique up to a shared constant; both solutions have sum(b) = 0.
        assertEquals(
            c.get("bias").get(k).asDouble(), probe.bias()[k], 1e-5, name + " b[" + k + "]");
      }
      for (int i = 0; i < data.size(); i++) {
        ClassProbabilities p = probe.classify(data.embeddings()[i]);
        for (int k = 0; k < data.classIds().size(); k++) {
          assertEquals(
              c.get("probabilities").get(i).get(k).asDouble(),
              p.probabilities()[k],
              1e-5,
              name + " p[" + i + "]");
        }
      }
    }
  }

  @Test
  void gradientMatchesFiniteDifferences() throws IOException {
    LabelledEmbeddings data = data(golden().get("cases").get(0));
    int n = data.classIds().size() * (data.dimension() + 1);
    double[] params = new double[n];
    for (int p = 0; p < n; p++) {
      params[p] = Math.sin(p * 1.7) * 0.8; // any point away from the optimum
    }
    double[] gradient = new double[n];
    LinearProbe.objective(data, 0.05, params, gradient);
    double h = 1e-6;
    for (int p = 0; p < n; p++) {
      double[] plus = params.clone();
      double[] minus = params.clone();
      plus[p] += h;
      minus[p] -= h;
      double numeric =
          (LinearProbe.objective(data, 0.05, plus, new double[n])
                  - LinearProbe.objective(data, 0.05, minus, new double[n]))
              / (2 * h);
      assertEquals(numeric, gradient[p], 1e-7, "d/dparam " + p);
    }
  }

  @Test
  void separableTwoPointsGoToTheirSide() {
    LabelledEmbeddings data =
        new LabelledEmbeddings(
            List.of("L", "R"), new float[][] {{-1, 0}, {1, 0}}, new int[] {0, 1});
    LinearProbe probe = LinearProbe.train(data, LinearProbe.Options.defaults());
    assertEquals("L", probe.classify(new float[] {-0.6f, 0.8f}).prediction());
    assertEquals("R", probe.classify(new float[] {0.6f, 0.8f}).prediction());
    // By symmetry the second coordinate carries no weight and the biases are equal (zero).
    assertArrayEquals(new float[] {0, 0}, probe.bias(), 1e-6f);
    assertEquals(0, probe.weights()[0][1], 1e-6);
    assertEquals(-probe.weights()[0][0], probe.weights()[1][0], 1e-6);
  }

  @Test
  void trainingIsDeterministic() throws IOException {
    LabelledEmbeddings data = data(golden().get("cases").get(1));
    LinearProbe a = LinearProbe.train(data, LinearProbe.Options.defaults());
    LinearProbe b = LinearProbe.train(data, LinearProbe.Options.defaults());
    for (int k = 0; k < a.weights().length; k++) {
      assertArrayEquals(a.weights()[k], b.weights()[k], 0f);
    }
  }

  @Test
  void nonPositivePenaltyIsRefused() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new LinearProbe.Options(0, 10, 1e-6));
    assertTrue(e.getMessage().startsWith("l2 must be > 0"), e.getMessage());
  }
}
