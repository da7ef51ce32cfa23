package org.pathlens.eval.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pathlens.testkit.TestData;

/**
 * Every metric against fixtures/golden/metrics/reference.json
 * (fixtures/scripts/make_metrics_golden.py).
 */
class MetricReferenceTest {

  static JsonNode ref;
  static Predictions predictions;

  @BeforeAll
  static void load() throws IOException {
    ref =
        new ObjectMapper().readTree(TestData.golden("metrics").resolve("reference.json").toFile());
    List<String> classes = new ArrayList<>();
    ref.get("classes").forEach(c -> classes.add(c.asText()));
    int n = ref.get("truth").size();
    int[] truth = new int[n];
    int[] predicted = new int[n];
    float[][] scores = new float[n][classes.size()];
    for (int i = 0; i < n; i++) {
      truth[i] = ref.get("truth").get(i).asInt();
      predicted[i] = ref.get("predicted").get(i).asInt();
      for (int c = 0; c < classes.size(); c++) {
        scores[i][c] = ref.get("scores").get(i).get(c).floatValue();
      }
    }
    predictions = new Predictions(classes, truth, predicted, scores, null);
  }

  @Test
  void confusionMatrixAndPerClassRatios() {
    ConfusionMatrix m = ConfusionMatrix.of(predictions);
    for (int t = 0; t < m.classCount(); t++) {
      long[] expected = new long[m.classCount()];
      for (int p = 0; p < expected.length; p++) {
        expected[p] = ref.get("confusion").get(t).get(p).asLong();
      }
      assertArrayEquals(expected, m.counts()[t]);
      assertEquals(ref.get("precision").get(t).asDouble(), m.precision(t), 1e-12);
      assertEquals(ref.get("recall").get(t).asDouble(), m.recall(t), 1e-12);
      assertEquals(ref.get("f1").get(t).asDouble(), m.f1(t), 1e-12);
    }
  }

  @Test
  void summaryMetrics() {
    assertEquals(ref.get("accuracy").asDouble(), Metric.ACCURACY.of(predictions), 1e-12);
    assertEquals(
        ref.get("balanced_accuracy").asDouble(), Metric.BALANCED_ACCURACY.of(predictions), 1e-12);
    assertEquals(ref.get("weighted_f1").asDouble(), Metric.WEIGHTED_F1.of(predictions), 1e-12);
    assertEquals(ref.get("macro_auroc").asDouble(), Metric.MACRO_AUROC.of(predictions), 1e-12);
    assertEquals(ref.get("kappa").asDouble(), Metric.KAPPA.of(predictions), 1e-12);
    assertEquals(
        ref.get("quadratic_kappa").asDouble(), Metric.QUADRATIC_KAPPA.of(predictions), 1e-12);
  }

  @Test
  void rankAurocEqualsTrapezoidalRocArea() {
    for (int c = 0; c < predictions.classCount(); c++) {
      assertEquals(
          ref.get("auroc_per_class").get(c).asDouble(),
          Auroc.oneVsRest(predictions, c),
          1e-12,
          "class " + c);
    }
  }
}
