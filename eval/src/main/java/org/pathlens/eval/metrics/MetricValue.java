package org.pathlens.eval.metrics;

/**
 * A named metric's value and bootstrap interval, as evaluation configs check them.
 *
 * @param name the key an evaluation config's {@code expected:} block uses, e.g. {@code accuracy},
 *     {@code t2i_recall@5}
 */
public record MetricValue(String name, Bootstrap.Interval interval) {

  public double value() {
    return interval.estimate();
  }
}
