package org.pathlens.eval.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.pathlens.eval.metrics.Bootstrap;
import org.pathlens.eval.metrics.MetricValue;

/** {@code --update} rewrites only the expected values and keeps every comment. */
class ExpectedValuesWriterTest {

  static MetricValue value(String name, double v) {
    return new MetricValue(name, new Bootstrap.Interval(v, v, v));
  }

  @Test
  void replacesValuesKeepsCommentsAndAddsMissingMetrics() {
    String before =
        """
        # why this config exists
        name: x
        expected:
          # accuracy moved when the prompts changed
          accuracy: 0.5   # was 0.4
          kappa: 0.25

        # a trailing comment about tolerance
        tolerance: 0.001
        """;
    ExpectedValuesWriter.Result r =
        ExpectedValuesWriter.rewrite(
            before,
            List.of(value("accuracy", 0.75), value("kappa", 0.25), value("i2i_map@5", 1.0 / 3)));
    assertEquals(
        """
        # why this config exists
        name: x
        expected:
          # accuracy moved when the prompts changed
          accuracy: 0.750000   # was 0.4
          kappa: 0.250000
          i2i_map@5: 0.333333

        # a trailing comment about tolerance
        tolerance: 0.001
        """,
        r.text());
    // kappa's text changed (0.25 -> 0.250000) and counts; the added metric counts too.
    assertEquals(3, r.changed());
  }

  @Test
  void anEmptyOrAbsentBlockGetsEntries() {
    assertEquals(
        "name: x\nexpected:\n  accuracy: 0.500000\n",
        ExpectedValuesWriter.rewrite("name: x\nexpected: {}\n", List.of(value("accuracy", 0.5)))
            .text());
    assertEquals(
        "name: x\nexpected:\n  accuracy: 0.500000\n",
        ExpectedValuesWriter.rewrite("name: x\n", List.of(value("accuracy", 0.5))).text());
  }
}
